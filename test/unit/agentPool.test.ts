import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { AgentRequest } from '@/lib/probe/agent/protocol';
import { AgentPool } from '@/lib/probe/runners/agentProcess';
import type { AgentTransport } from '@/lib/probe/runners/transport';

/**
 * The agent pool under churn: agents of namespaces that are gone are let go (each holds its
 * namespace open and costs a Node process), and the pool never grows past its cap.
 */

interface FakeAgent {
  transport: AgentTransport;
  /** Requests received and not yet answered. */
  held: string[];
  finish: (id: string) => void;
  ended: () => boolean;
}

function fakeAgent(): FakeAgent {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let exit: ((why: string) => void) | null = null;
  let ended = false;
  const held: string[] = [];
  const end = (why: string) => {
    if (ended) return;
    ended = true;
    exit?.(why);
  };
  stdin.on('data', (b: Buffer) => {
    for (const line of b.toString().split('\n').filter(Boolean))
      held.push((JSON.parse(line) as { id: string }).id);
  });
  // The real agent exits when its stdin closes.
  stdin.on('finish', () => end('exited (0)'));
  setImmediate(() => stdout.write(`${JSON.stringify({ id: '-', type: 'ready' })}\n`));
  return {
    transport: {
      stdin,
      stdout,
      stderr: new PassThrough(),
      onExit: (cb) => (exit = cb),
      kill: () => end('killed'),
    },
    held,
    finish: (id) => stdout.write(`${JSON.stringify({ id, type: 'done' })}\n`),
    ended: () => ended,
  };
}

const request = (id: string) => ({ id, timeoutMs: 1000, wsWindowMs: 0 }) as unknown as AgentRequest;
const tick = () => new Promise((r) => setTimeout(r, 5));

/** Starts a probe on the pool's agent for `key` (a fake agent, kept in `agents`), left in flight. */
function startProbe(pool: AgentPool, key: string, agents: Map<string, FakeAgent>, id: string) {
  return pool
    .get(
      key,
      async () => {
        const a = fakeAgent();
        agents.set(key, a);
        return a.transport;
      },
      key,
    )
    .run(request(id), () => {});
}

/** One probe on `key`'s agent, answered at once. */
async function probeOnce(pool: AgentPool, key: string, agents: Map<string, FakeAgent>): Promise<void> {
  const run = startProbe(pool, key, agents, `${key}-probe`);
  await tick();
  agents.get(key)?.finish(`${key}-probe`);
  await run;
}

describe('agent pool', () => {
  it('never holds more than its cap: the least recently used idle agent goes first', async () => {
    const pool = new AgentPool(3);
    const agents = new Map<string, FakeAgent>();
    for (const key of ['a', 'b', 'c']) await probeOnce(pool, key, agents);
    await probeOnce(pool, 'a', agents); // a is now the most recently used
    await probeOnce(pool, 'd', agents);
    expect(pool.size).toBe(3);
    expect(agents.get('b')?.ended()).toBe(true);
    expect(agents.get('a')?.ended()).toBe(false);
    expect(agents.get('c')?.ended()).toBe(false);
    pool.close();
  });

  it('an agent still starting counts as busy: a burst of new namespaces evicts none of them', async () => {
    const pool = new AgentPool(1);
    const agents = new Map<string, FakeAgent>();
    // Both probes are handed over in the same tick, before either agent is ready.
    const first = startProbe(pool, 'first', agents, 'p1');
    const second = startProbe(pool, 'second', agents, 'p2');
    await tick();
    agents.get('first')?.finish('p1');
    agents.get('second')?.finish('p2');
    await expect(first).resolves.toEqual([]);
    await expect(second).resolves.toEqual([]);
    pool.close();
  });

  it('a busy agent is not evicted to make room', async () => {
    const pool = new AgentPool(1);
    const agents = new Map<string, FakeAgent>();
    const busy = startProbe(pool, 'x', agents, 'long');
    await tick();
    await probeOnce(pool, 'y', agents);
    expect(agents.get('x')?.ended()).toBe(false);
    agents.get('x')?.finish('long');
    await expect(busy).resolves.toEqual([]);
    pool.close();
  });

  it('retain lets idle agents of gone namespaces go at once, and busy ones when their probe ends', async () => {
    const pool = new AgentPool(10);
    const agents = new Map<string, FakeAgent>();
    await probeOnce(pool, 'nsenter:gone:1:100', agents);
    await probeOnce(pool, 'nsenter:kept:2:200', agents);
    const going = 'nsenter:going:3:300';
    const busy = startProbe(pool, going, agents, 'inflight');
    await tick();

    pool.retain((key) => key.includes(':kept:'));
    await tick();
    expect(agents.get('nsenter:gone:1:100')?.ended()).toBe(true);
    expect(agents.get('nsenter:kept:2:200')?.ended()).toBe(false);
    // The probe in flight is not cut short: it ends, then its agent goes.
    expect(agents.get(going)?.ended()).toBe(false);
    agents.get(going)?.finish('inflight');
    await expect(busy).resolves.toEqual([]);
    await tick();
    expect(agents.get(going)?.ended()).toBe(true);
    expect(pool.size).toBe(1);
    pool.close();
  });
});

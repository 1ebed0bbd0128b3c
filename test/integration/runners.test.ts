import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult } from '@/lib/model/probe';
import type { Topology } from '@/lib/model/topology';
import { findAgent } from '@/lib/probe/runners/locate';
import { ProbeService } from '@/lib/probe/service';
import { scanOnce } from '@/lib/scanner';
import { realClient } from './client';

/** The other runners give the same verdicts as nsenter, on the same real paths. */

const docker = realClient();
let topology: Topology;
const services: ProbeService[] = [];
const make = (runner: 'exec' | 'helper-container' | 'nsenter' | 'process') => {
  const s = new ProbeService({
    topology: async () => topology,
    docker,
    runner,
    helperImage: 'reachmap-lab/node:local',
  });
  services.push(s);
  return s;
};
const summary = (r: ProbeResult) => r.steps.map((s) => `${s.kind}:${s.ok ? 'ok' : s.error}`).join(' ');

beforeAll(async () => {
  topology = await scanOnce(docker);
});
afterAll(() => {
  for (const s of services) s.close();
});

describe('probe runners on the real engine', () => {
  it('the nsenter agent and the host-side agent keep no capability, as nobody where it can', async () => {
    const inNs = await make('nsenter').run({ from: 'client', to: 'http://gateway:18789/healthz' });
    expect(inNs.initiator.runner.kind).toBe('nsenter');
    expect(inNs.initiator.ok).toBe(true);
    // The host's own namespace: a separate agent process too, never the server itself.
    const host = await make('process').run({ from: 'host', to: 'http://127.0.0.1:28790/healthz' });
    expect(host.initiator.runner.kind).toBe('process');
    expect(host.initiator.ok).toBe(true);
    // The pooled agents are still running: read their credentials from /proc.
    // node <agent>: the process nsenter became (Node names its main thread, so comm says little).
    const nodes = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
          return /node$/.test(argv[0] ?? '') && (argv[1] ?? '').endsWith('probe-agent.mjs');
        } catch {
          return false;
        }
      });
    expect(nodes.length).toBeGreaterThanOrEqual(2);
    // Whether nobody can run node and read the agent from this checkout (not under /root, say).
    const agent = findAgent() as string;
    const nobodyCan =
      spawnSync(
        'setpriv',
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          '-e',
          `require('fs').accessSync(${JSON.stringify(agent)}, 4)`,
        ],
        { stdio: 'ignore' },
      ).status === 0;
    for (const p of nodes) {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      expect(/CapEff:\s+(\w+)/.exec(status)?.[1]).toBe('0000000000000000');
      expect(/CapPrm:\s+(\w+)/.exec(status)?.[1]).toBe('0000000000000000');
      expect(/NoNewPrivs:\s+(\d)/.exec(status)?.[1]).toBe('1');
      expect(/Uid:\s+(\d+)/.exec(status)?.[1]).toBe(nobodyCan ? '65534' : '0');
    }
    expect(host.initiator.runner.detail).toContain(nobodyCan ? 'as nobody' : 'as root without capabilities');
  });

  it('docker exec uses the container’s own node and agrees with nsenter', async () => {
    const via = await make('exec').run({ from: 'gateway', to: 'http://gateway-loopback:18789/healthz' });
    const ref = await make('nsenter').run({ from: 'gateway', to: 'http://gateway-loopback:18789/healthz' });
    expect(via.initiator.runner.kind).toBe('exec');
    expect(summary(via.initiator)).toBe(summary(ref.initiator));
    expect(via.initiator.decisive).toBe('ECONNREFUSED');
  });

  it('exec refuses a container without node, saying so', async () => {
    await expect(make('exec').run({ from: 'client', to: 'http://gateway:18789/' })).rejects.toThrow(
      /the container has no `node`/,
    );
  });

  it('a helper container joined to the initiator’s namespace agrees with nsenter', async () => {
    const via = await make('helper-container').run({
      from: 'client',
      to: 'ws://gateway:18789/',
      origin: 'https://evil.example',
    });
    expect(via.initiator.runner.kind).toBe('helper-container');
    expect(via.initiator.decisive).toBe('close 1008 origin not allowed');
    const ok = await make('helper-container').run({
      from: 'cli-sidecar',
      to: 'http://127.0.0.1:18789/healthz',
    });
    expect(ok.initiator.verdict).toBe('pass');
  });
});

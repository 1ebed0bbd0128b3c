import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { labContainer } from '../../e2e/lab/labInfo';

/** The server's own log, as a collector sees it (stdout not a terminal): JSON lines, no secret. */

const ROOT = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'serverlog-test-token-0123456789abcdefghijk';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-log-'));
const procs: ChildProcess[] = [];
let socket: Socket | null = null;

afterAll(() => {
  socket?.disconnect();
  for (const p of procs) p.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

function start(port: number, env: Record<string, string> = {}) {
  const p = spawn(process.execPath, ['dist/server.js', '--port', String(port), '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(p);
  let out = '';
  p.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const lines = () =>
    out
      .split('\n')
      // Next prints a line of its own at start-up ("✓ Running next.config.mjs…"); ours are JSON.
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const waitFor = async (pred: (l: Record<string, unknown>) => boolean) => {
    for (let i = 0; i < 150; i++) {
      const hit = lines().find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no such log line in:\n${out}`);
  };
  return { lines, waitFor, raw: () => out };
}

describe('server log', () => {
  it('JSON lines: start-up, every probe with its initiator, target and verdict; never the token', async () => {
    const s = start(7419);
    const listening = await s.waitFor((l) => String(l.msg).includes('listening on'));
    expect(listening).toMatchObject({ level: 30, version: expect.any(String) });
    // A new token on a non-terminal: the log says where to get the URL, not the token.
    await s.waitFor((l) => String(l.msg).includes('run "npx reachmap url"'));

    const base = 'http://127.0.0.1:7419';
    const { readToken } = await import('@/server/token');
    const token = (await readToken(dataDir)) as string;
    socket = io(base, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { authorization: `Bearer ${token}` },
    });
    await new Promise<void>((resolve, reject) => {
      socket?.once('topology', () => resolve());
      socket?.once('connect_error', reject);
    });
    await new Promise((resolve) =>
      socket?.emit(
        'probe:run',
        {
          spec: { from: labContainer('client').name, to: 'http://gateway-loopback:18789/healthz' },
          paired: false,
        },
        resolve,
      ),
    );
    const probe = await s.waitFor((l) => l.msg === 'probe');
    expect(probe).toMatchObject({
      initiator: labContainer('client').name,
      target: 'http://gateway-loopback:18789/healthz',
      verdict: 'fail',
      decisive: 'ECONNREFUSED',
      runner: 'nsenter',
    });
    expect(s.raw()).not.toContain(token);
  });

  it('says when the engine is unreachable', async () => {
    const s = start(7421, { REACHMAP_TOKEN: TOKEN, DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    const lost = await s.waitFor((l) => l.msg === 'Docker engine unreachable');
    expect(lost).toMatchObject({ level: 40, engine: 'unreachable', error: expect.any(String) });
    expect(s.raw()).not.toContain(TOKEN);
  });
});

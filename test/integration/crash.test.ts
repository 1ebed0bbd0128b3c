import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { labContainer } from '../../e2e/lab/labInfo';
import { agentsOf, alive } from '../processes';
import { realClient } from './client';

/**
 * Nothing is left behind: a helper container that fails to start is removed, and a server
 * killed with SIGKILL in the middle of a probe-all leaves no agent running; it restarts clean.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'crash-test-token-0123456789abcdefghijklmnop';
const PORT = 7417;
const URL = `http://127.0.0.1:${PORT}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-crash-'));
const procs: ChildProcess[] = [];
const sockets: Socket[] = [];

afterAll(() => {
  for (const s of sockets) s.disconnect();
  for (const p of procs) p.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const helpers = () =>
  execFileSync('docker', ['ps', '-aq', '--filter', 'label=io.reachmap.helper'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean);

async function startServer(): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['dist/server.js', '--port', String(PORT), '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', REACHMAP_TOKEN: TOKEN },
    stdio: 'ignore',
  });
  procs.push(p);
  for (let i = 0; i < 120; i++) {
    if (
      await fetch(`${URL}/login`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return p;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the server did not start');
}

describe('nothing left behind', () => {
  // Docker 20.10 removes an AutoRemove container whose start failed; Reachmap removes it
  // itself too (engines that do not — and a failed attach — would leave it behind).
  it('a helper container that cannot start leaves nothing behind, and the error says why', async () => {
    const before = helpers();
    await expect(
      realClient().helperStdio({
        image: 'reachmap-lab/busybox:local',
        networkMode: 'none',
        cmd: ['/no/such/binary'],
        binds: [],
      }),
    ).rejects.toThrow(/no such file|not found|executable/i);
    expect(helpers()).toEqual(before);
  });

  it('SIGKILL during a probe-all: every agent exits with the server; the restart is clean', async () => {
    const server = await startServer();
    const signIn = await fetch(`${URL}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: TOKEN }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const { binding } = (await signIn.json()) as { binding: string };
    const socket = io(URL, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { cookie },
      auth: { binding },
      reconnection: false,
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('topology', () => resolve());
      socket.once('connect_error', reject);
    });
    const progressed = new Promise<void>((resolve) => socket.on('probe:step', () => resolve()));
    const ack = await new Promise<{ ok: boolean; error?: string }>((resolve) =>
      socket.emit('probe:all', { from: labContainer('client').name }, resolve),
    );
    expect(ack).toMatchObject({ ok: true });
    await progressed;
    const agents = agentsOf(server.pid as number);
    expect(agents.length).toBeGreaterThan(0);

    server.kill('SIGKILL');
    // Each agent reads its requests from the server's pipe and exits when it closes.
    for (let i = 0; i < 50 && agents.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(agents.filter(alive)).toEqual([]);
    expect(helpers()).toEqual([]);

    // The same port and data directory serve again at once.
    await startServer();
    const engine = await fetch(`${URL}/api/engine`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(engine.status).toBe(200);
  });
});

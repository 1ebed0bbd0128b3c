import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, describe, expect, it } from 'vitest';
import { readToken } from '@/server/token';

/** Rotating the token ends every session and drops every socket, without a restart. */

const ROOT = path.resolve(import.meta.dirname, '../..');
const PORT = 7423;
const URL = `http://127.0.0.1:${PORT}`;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-rotate-'));
let server: ChildProcess | null = null;
let socket: Socket | null = null;

afterAll(() => {
  socket?.disconnect();
  server?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('token rotation', () => {
  it('the old token, the sessions made with it and their sockets all stop; the new token works', async () => {
    // The token must come from the data directory, as it does for operators.
    const { REACHMAP_TOKEN: _fromEnv, ...inherited } = process.env;
    const env: NodeJS.ProcessEnv = { ...inherited, NODE_ENV: 'production' };
    server = spawn(process.execPath, ['dist/server.js', '--port', String(PORT), '--data-dir', dataDir], {
      cwd: ROOT,
      env,
      stdio: 'ignore',
    });
    for (
      let i = 0;
      i < 120 &&
      !(await fetch(`${URL}/login`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 250));
    const old = (await readToken(dataDir)) as string;
    const signIn = await fetch(`${URL}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: old }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const { binding } = (await signIn.json()) as { binding: string };
    const session = { cookie, 'x-reachmap-binding': binding };
    expect((await fetch(`${URL}/api/engine`, { headers: session })).status).toBe(200);
    socket = io(URL, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { cookie },
      auth: { binding },
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket?.once('connect', () => resolve());
      socket?.once('connect_error', reject);
    });
    const dropped = new Promise<string>((resolve) => socket?.once('disconnect', resolve));

    const out = execFileSync(
      process.execPath,
      [path.join(ROOT, 'bin/reachmap.mjs'), 'rotate-token', '--data-dir', dataDir, '--port', String(PORT)],
      { encoding: 'utf8', env },
    );
    const fresh = (await readToken(dataDir)) as string;
    expect(fresh).not.toBe(old);
    expect(out.trim()).toBe(`${URL}/login#token=${fresh}`);

    expect(await dropped).toBe('io server disconnect');
    expect((await fetch(`${URL}/api/engine`, { headers: session })).status).toBe(401);
    expect((await fetch(`${URL}/api/engine`, { headers: { authorization: `Bearer ${old}` } })).status).toBe(
      401,
    );
    expect((await fetch(`${URL}/api/engine`, { headers: { authorization: `Bearer ${fresh}` } })).status).toBe(
      200,
    );
  });
});

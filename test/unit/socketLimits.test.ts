import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeHub } from '@/lib/live/probeHub';
import { REPLAY_PROBES_OFF, ReplaySource } from '@/lib/live/replaySource';
import { refusingProber } from '@/lib/probe/prober';
import { makeAuthContext } from '@/server/auth';
import { attachSocket } from '@/server/socket';
import { labSnapshot } from '../snapshotFixture';

/**
 * The socket's per-session probe limit, on a real socket.io server over a replayed
 * topology (probes there are refused by the prober, which tells them apart from the limit).
 */

const TOKEN = 's'.repeat(43);
let server: Server;
let url = '';
let dir = '';
const clients: Socket[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-socket-'));
  const file = path.join(dir, 'topology.json');
  writeFileSync(file, JSON.stringify(labSnapshot().topology));
  const live = await ReplaySource.load(file);
  const hub = new ProbeHub(refusingProber(REPLAY_PROBES_OFF));
  server = createServer();
  attachSocket(server, makeAuthContext(TOKEN, [], '127.0.0.1', 7391), live, hub, () =>
    Promise.reject(new Error('no runbooks here')),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function connect(headers: Record<string, string>): Promise<Socket> {
  const s = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    extraHeaders: headers,
    reconnection: false,
  });
  clients.push(s);
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

describe('socket limits', () => {
  it('refuses a socket without a session or token', async () => {
    // The handshake is refused before the upgrade (allowRequest): the client sees the WebSocket fail.
    await expect(connect({})).rejects.toThrow();
  });

  it('a burst of 40 probe requests: 30 reach the prober, the rest are told to wait', async () => {
    const s = await connect({ authorization: `Bearer ${TOKEN}` });
    const acks = await Promise.all(
      Array.from(
        { length: 40 },
        () =>
          new Promise<{ ok: boolean; error?: string }>((resolve) =>
            s.emit(
              'probe:run',
              { spec: { from: 'host', to: 'http://127.0.0.1:1/' }, paired: false },
              resolve,
            ),
          ),
      ),
    );
    const limited = acks.filter((a) => /too many probes from this session/.test(a.error ?? ''));
    const refused = acks.filter((a) => a.error?.includes(REPLAY_PROBES_OFF));
    expect(limited).toHaveLength(10);
    expect(refused).toHaveLength(30);
  });
});

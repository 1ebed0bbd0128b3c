import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { AgentRequest } from '@/lib/probe/agent/protocol';
import { runProbe } from '@/lib/probe/agent/run';
import { labContainer } from '../../e2e/lab/labInfo';

/**
 * The probe's WebSocket client and the lab's gateway are both written here; each is checked
 * against an independent implementation (the `ws` library) so they cannot agree on a bug.
 */

let server: WebSocketServer;
let port: number;

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (sock) => sock.send(JSON.stringify({ hello: 'from ws' })));
  await new Promise<void>((r) => server.on('listening', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

const request = (to: number): AgentRequest => ({
  id: 'interop',
  target: {
    input: `ws://127.0.0.1:${to}/`,
    scheme: 'ws',
    host: '127.0.0.1',
    port: to,
    path: '/',
    literal: true,
  },
  kinds: ['dns', 'tcp', 'ws'],
  origin: null,
  headers: {},
  timeoutMs: 3000,
  wsWindowMs: 300,
  resolver: { hosts: '', nameservers: ['127.0.0.1'], search: [], ndots: 1 },
  allow: { all: false, addresses: [], cidrs: ['127.0.0.0/8'] },
  userAgent: 'reachmap-test',
});

describe('WebSocket interoperability', () => {
  it('the probe completes a real handshake with the ws library and reads its first frame', async () => {
    const steps = await runProbe(request(port), () => {});
    const ws = steps.find((s) => s.kind === 'ws');
    expect(ws).toMatchObject({ ok: true, status: 101, acceptValid: true, outcome: 'open' });
    expect(ws?.kind === 'ws' && ws.frames[0]?.text).toBe('{"hello":"from ws"}');
  });

  it('the lab gateway’s handshake is accepted by the ws library', async () => {
    const gw = labContainer('gateway');
    // The published port of the 0.0.0.0 gateway on the host.
    expect(gw.id).toBeTruthy();
    const msg = await new Promise<string>((resolve, reject) => {
      const c = new WebSocket('ws://127.0.0.1:28790/');
      c.on('message', (d) => {
        resolve(d.toString());
        c.close();
      });
      c.on('error', reject);
    });
    expect(JSON.parse(msg)).toMatchObject({ type: 'event', event: 'connect.challenge' });
  });
});

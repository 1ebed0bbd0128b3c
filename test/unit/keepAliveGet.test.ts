import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepAliveGetter } from '@/lib/docker/keepAliveGet';

/** The inspects' HTTP client, against a unix-socket server that answers as the engine does. */
const socketPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'rm-ka-')), 'engine.sock');
let connections = 0;
const served = new WeakSet<object>();
let dropped = 0;
const server = http.createServer((req, res) => {
  const reused = served.has(req.socket);
  served.add(req.socket);
  // A kept-alive connection closed by the engine as the request arrives on it.
  if (req.url === '/flaky' && reused && dropped === 0) {
    dropped++;
    return req.socket.destroy();
  }
  if (req.url === '/flaky') return res.end('{"ok":true}');
  if (req.url === '/containers/abc/json') return res.end(JSON.stringify({ Id: 'abc' }));
  if (req.url === '/big') return res.end(`"${'x'.repeat(17 << 20)}"`);
  if (req.url === '/slow') return; // never answers
  res.statusCode = 404;
  res.end(JSON.stringify({ message: 'No such container: nope' }));
});
server.on('connection', () => connections++);

beforeAll(() => new Promise<void>((r) => server.listen(socketPath, r)));
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

describe('keepAliveGetter', () => {
  const raw = keepAliveGetter({ kind: 'unix', socketPath, display: socketPath }, 300, 4);

  it('answers the JSON, over a handful of reused connections', async () => {
    connections = 0;
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await raw?.get('/containers/abc/json'));
    answers.push(...(await Promise.all(Array.from({ length: 40 }, () => raw?.get('/containers/abc/json')))));
    expect(answers).toHaveLength(50);
    for (const a of answers) expect(a).toEqual({ Id: 'abc' });
    expect(connections).toBeLessThanOrEqual(4);
  });

  it("rejects with the engine's status and message, as dockerode does", async () => {
    await expect(raw?.get('/containers/nope/json')).rejects.toMatchObject({
      statusCode: 404,
      message: '(HTTP 404) No such container: nope',
    });
  });

  it('gives up on an answer that is too large or that never comes', async () => {
    const patient = keepAliveGetter({ kind: 'unix', socketPath, display: socketPath }, 10_000, 1);
    await expect(patient?.get('/big')).rejects.toThrow(/over 16777216 bytes/);
    await expect(raw?.get('/slow')).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('sends a GET again when the kept-alive connection it went out on was closed under it', async () => {
    const one = keepAliveGetter({ kind: 'unix', socketPath, display: socketPath }, 1000, 1);
    await one?.get('/containers/abc/json');
    await expect(one?.get('/flaky')).resolves.toEqual({ ok: true });
    expect(dropped).toBe(1);
  });

  it('leaves TLS endpoints to dockerode', () => {
    expect(
      keepAliveGetter({ kind: 'tcp', host: 'h', port: 2376, tls: true, display: 'tcp://h:2376' }, 1000, 4),
    ).toBeNull();
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeHub } from '@/lib/live/probeHub';
import type { TopologySource } from '@/lib/live/source';
import { refusingProber } from '@/lib/probe/prober';
import { makeAuthContext } from '@/server/auth';
import { createRequestHandler } from '@/server/http';
import { createMetrics } from '@/server/metrics';

/** The HTTP front door on a real socket (no Next, no engine): sign-in, sessions, sign-out. */

const TOKEN = 'k'.repeat(43);
let server: Server;
let base = '';

beforeAll(async () => {
  const auth = makeAuthContext(TOKEN, [], '127.0.0.1', 7391);
  const live = {
    current: null,
    engine: { status: 'unreachable', error: 'connect ENOENT', since: '' },
  } as unknown as TopologySource;
  const handler = createRequestHandler({
    auth,
    live,
    next: (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>page</html>');
    },
    snapshots: null,
    metrics: createMetrics({
      live,
      hub: new ProbeHub(refusingProber('no probes in this test')),
      store: null,
      sockets: () => 3,
    }),
  });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const signIn = (token: string) =>
  fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });

describe('sign-in', () => {
  it('gives a cookie and a binding; the API needs both; sign-out ends them', async () => {
    const r = await signIn(TOKEN);
    expect(r.status).toBe(200);
    const { binding } = (await r.json()) as { binding: string };
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(cookie).toMatch(/^reachmap_session_7391=[\w-]{43}$/);
    const page = await fetch(`${base}/`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(200);
    expect((await fetch(`${base}/api/engine`, { headers: { cookie } })).status).toBe(401);
    const both = { cookie, 'x-reachmap-binding': binding };
    expect((await fetch(`${base}/api/engine`, { headers: both })).status).toBe(200);
    const out = await fetch(`${base}/api/session`, { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await fetch(`${base}/api/engine`, { headers: both })).status).toBe(401);
    const after = await fetch(`${base}/`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
    expect(after.status).toBe(302);
  });

  it('wrong tokens are refused, and after ten wrong tries a minute the address must wait (429)', async () => {
    // Right tokens do not count.
    for (let i = 0; i < 12; i++) expect((await signIn(TOKEN)).status).toBe(200);
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await signIn(`wrong-${i}`.padEnd(43, 'x'))).status);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(codes.slice(10)).toEqual([429, 429]);
    const limited = await signIn(TOKEN);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('health and metrics', () => {
  it('/healthz answers without a session, with process and engine state only', async () => {
    const r = await fetch(`${base}/healthz`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['engine', 'status', 'uptimeSeconds', 'version']);
    expect(body).toMatchObject({ status: 'degraded', engine: 'unreachable' });
  });

  it('/metrics needs the token and is Prometheus text', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const r = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await r.text();
    // The exposition format, line by line: comments (HELP, TYPE) or "name{labels} value".
    const sample =
      /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.]+(e[+-]?[0-9]+)?|NaN|[+-]Inf)( -?[0-9]+)?$/;
    for (const line of text.split('\n').filter(Boolean))
      expect(line.startsWith('# HELP ') || line.startsWith('# TYPE ') || sample.test(line), line).toBe(true);
    expect(text).toMatch(/^reachmap_engine_up 0$/m);
    expect(text).toMatch(/^reachmap_sockets 3$/m);
    expect(text).toMatch(/^reachmap_probes_total\{verdict="fail"\} 0$/m);
    expect(text).toMatch(/^reachmap_build_info\{version="\d+\.\d+\.\d+"\} 1$/m);
    expect(text).toMatch(/^reachmap_process_resident_memory_bytes \d+/m);
  });
});

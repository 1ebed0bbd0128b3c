import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult, ProbeStep } from '@/lib/model/probe';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { scanOnce } from '@/lib/scanner';
import { docker, labContainer } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/** Every expectation here is a real connection between real containers of the lab. */

const client = realClient();
let topology: Topology;
const probes = new ProbeService({ topology: async () => topology });
const step = <K extends ProbeStep['kind']>(r: ProbeResult, kind: K) =>
  r.steps.find((s) => s.kind === kind) as Extract<ProbeStep, { kind: K }> | undefined;
const probe = async (from: string, to: string, extra: { ws?: boolean; origin?: string } = {}) =>
  (await probes.run({ from, to, ...extra })).initiator;

beforeAll(async () => {
  topology = await scanOnce(client);
});
afterAll(() => probes.close());

describe('probes from inside the initiator’s namespace (lab, real engine)', () => {
  it('a sibling reaches the loopback-only gateway’s name but gets ECONNREFUSED', async () => {
    const r = await probe('client', 'http://gateway-loopback:18789/healthz');
    const gwIp = topology.containers.find((c) => c.id === labContainer('gateway-loopback').id)?.attachments[0]
      ?.ipv4;
    expect(step(r, 'dns')).toMatchObject({
      ok: true,
      source: 'dns',
      server: '127.0.0.11',
      addresses: [gwIp],
    });
    expect(step(r, 'tcp')).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
    expect(r).toMatchObject({ ok: false, verdict: 'fail', decisive: 'ECONNREFUSED' });
    expect(r.runner.kind).toBe('nsenter');
    expect(r.steps.map((s) => s.kind)).toEqual(['dns', 'tcp']);
  });

  it('the sidecar in the gateway’s namespace reaches 127.0.0.1', async () => {
    const r = await probe('cli-sidecar', 'http://127.0.0.1:18789/healthz');
    expect(r.verdict).toBe('pass');
    expect(step(r, 'dns')?.source).toBe('literal');
    expect(step(r, 'http')).toMatchObject({ ok: true, status: 200 });
    expect(step(r, 'http')?.bodyPrefix).toContain('"status":"live"');
  });

  it('the host cannot resolve a compose service name', async () => {
    const r = await probe('host', 'http://gateway-loopback:18789/healthz');
    // Out of the server's process, although in its namespace.
    expect(r.runner.kind).toBe('process');
    expect(r.steps).toHaveLength(1);
    expect(step(r, 'dns')).toMatchObject({ ok: false, source: 'none', addresses: [] });
    expect(r.decisive).toBeTruthy();
  });

  it('the host reaches the 0.0.0.0 gateway on its published port, not the loopback one', async () => {
    const good = await probe('host', 'http://127.0.0.1:28790/healthz');
    expect(good.verdict).toBe('pass');
    const bad = await probe('host', 'http://127.0.0.1:28789/healthz');
    // docker-proxy accepts, then the connection is reset or closed before any HTTP byte.
    expect(step(bad, 'tcp')?.ok).toBe(true);
    expect(step(bad, 'http')?.ok).toBe(false);
    expect(['EMPTY_REPLY', 'ECONNRESET']).toContain(step(bad, 'http')?.error);
    expect(bad.verdict).toBe('fail');
  });

  it('a proxy without Upgrade forwarding passes HTTP and fails the WebSocket (recorded status)', async () => {
    const r = await probe('client', 'http://proxy-plain/', { ws: true });
    expect(step(r, 'http')).toMatchObject({ ok: true, status: 200 });
    const ws = step(r, 'ws');
    expect(ws).toMatchObject({ ok: false, outcome: 'no-upgrade', status: 200, error: 'WS 200' });
    expect(ws?.headers['content-type']).toContain('text/html');
    expect(ws?.note).toMatch(/not forwarded/);
    expect(r.verdict).toBe('partial');
  });

  it('the proxy with Upgrade forwarding passes both', async () => {
    const r = await probe('client', 'http://proxy-upgrade/', { ws: true });
    expect(step(r, 'http')?.ok).toBe(true);
    // Past the proxy and the Origin check, the gateway asks a token-less client to pair: reachable.
    expect(step(r, 'ws')).toMatchObject({
      ok: true,
      outcome: 'auth-required',
      status: 101,
      acceptValid: true,
      closeCode: 1008,
    });
    expect(r.verdict).toBe('pass');
  });

  it('an Origin outside the allow-list is rejected after the upgrade (1008); an allowed one is accepted', async () => {
    const bad = await probe('client', 'ws://gateway:18789/', { origin: 'https://evil.example' });
    const ws = step(bad, 'ws');
    expect(ws).toMatchObject({ ok: false, status: 101, closeCode: 1008, outcome: 'rejected' });
    expect(ws?.closeReason).toMatch(/^origin not allowed/);
    expect(bad.decisive).toBe('close 1008 origin not allowed');
    const good = await probe('client', 'ws://gateway:18789/', { origin: 'https://gateway.example.test' });
    expect(step(good, 'ws')).toMatchObject({
      ok: true,
      status: 101,
      outcome: 'auth-required',
      closeReason: 'device identity required',
    });
    expect(good.verdict).toBe('pass');
  });

  it('paired: the same target from the initiator and from the host, side by side', async () => {
    const r = await probes.run(
      { from: 'client', to: 'http://gateway-loopback:18789/healthz' },
      { paired: true },
    );
    expect(r.initiator.decisive).toBe('ECONNREFUSED');
    expect(r.host?.initiator.kind).toBe('host');
    expect(step(r.host as ProbeResult, 'dns')?.ok).toBe(false);
  });

  it('streams steps as they finish', async () => {
    const seen: string[] = [];
    await probes.run(
      { from: 'client', to: 'http://proxy-upgrade/', ws: true },
      { onStep: (_side, _id, s) => seen.push(s.kind) },
    );
    expect(seen).toEqual(['dns', 'tcp', 'http', 'ws']);
  });

  it('refuses clearly: stopped initiator, unknown initiator, bad scheme, targets outside the topology', async () => {
    const multi = labContainer('multi');
    docker('stop', '-t', '1', multi.id);
    try {
      topology = await scanOnce(client);
      await expect(probe(multi.name, 'http://gateway/')).rejects.toThrow(/is not running/);
    } finally {
      docker('start', multi.id);
      topology = await scanOnce(client);
    }
    await expect(probe('no-such-container', 'http://gateway/')).rejects.toThrow(/unknown initiator/);
    await expect(probe('client', 'ftp://gateway/')).rejects.toThrow(/unsupported scheme/);
    await expect(probe('client', '203.0.113.5:80')).rejects.toThrow(/not an address of this Docker host/);
    await expect(probe('client', 'http://example.com/')).rejects.toThrow(/not a name in this Docker host/);
    await expect(probe('client', 'http://0x7f.1:1/')).resolves.toMatchObject({
      target: { host: '127.0.0.1' },
    });
  });
});

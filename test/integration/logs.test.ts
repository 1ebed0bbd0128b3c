import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hopsOf } from '@/lib/logs/hops';
import { timeline } from '@/lib/logs/match';
import type { ProbeResult } from '@/lib/model/probe';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { scanOnce } from '@/lib/scanner';
import { docker as dockerCli, LAB_HTTPD, LAB_LOGGED_SECRETS, labContainer } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/** Log lines of every hop on the probe's timeline, on the real engine. */

const client = realClient();
let topology: Topology;
const probes = new ProbeService({
  topology: async () => topology,
  logs: { readWindow: (id, d, w) => client.logWindow(id, d, w) },
});
const run = async (spec: { from: string; to: string; ws?: boolean; logs?: boolean }) =>
  (await probes.run(spec)).initiator;
const logsOf = (r: ProbeResult, role: string) => r.logs?.containers.find((c) => c.role === role);
const extra: string[] = [];

beforeAll(async () => {
  const net = dockerCli(
    'inspect',
    '-f',
    '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}',
    labContainer('gateway').id,
  );
  // A container with 1 GB of logs, and one whose logging driver keeps nothing.
  extra.push(
    dockerCli(
      'run',
      '-d',
      '--name',
      `reachmap-test-biglog-${process.pid}`,
      '--network',
      net,
      '--network-alias',
      'biglog',
      'reachmap-lab/busybox:local',
      'sh',
      '-c',
      'yes "$(head -c 1000 /dev/zero | tr "\\0" x)" | head -c 1073741824; exec httpd -f -p 8080 -h /tmp',
    ),
    dockerCli(
      'run',
      '-d',
      '--name',
      `reachmap-test-nolog-${process.pid}`,
      '--log-driver',
      'none',
      '--network',
      net,
      '--network-alias',
      'nolog',
      ...LAB_HTTPD,
    ),
  );
  // The big one is ready when its server listens (after the gigabyte is written).
  const bigId = dockerCli('inspect', '-f', '{{.Id}}', extra[0] as string);
  for (let i = 0; i < 240; i++) {
    topology = await scanOnce(client);
    const c = topology.containers.find((x) => x.id === bigId);
    if (topology.namespaces.find((n) => n.id === c?.netns)?.listeners.some((l) => l.port === 8080)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
}, 180_000);

afterAll(() => {
  probes.close();
  for (const id of extra) dockerCli('rm', '-f', id);
});

describe('logs aligned with each probe', () => {
  it('through the Upgrade-forwarding proxy: the proxy’s access-log line and the upstream’s line, both marked, in time order', async () => {
    const r = await run({ from: 'client', to: 'http://proxy-upgrade/', ws: true });
    const proxy = logsOf(r, 'proxy');
    const upstream = logsOf(r, 'upstream');
    expect(proxy?.name).toBe(labContainer('proxy-upgrade').name);
    expect(upstream?.name).toBe(labContainer('gateway').name);
    expect(proxy?.lines.filter((l) => l.match === 'marker').length).toBeGreaterThanOrEqual(2);
    expect(upstream?.lines.filter((l) => l.match === 'marker').map((l) => l.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/http GET \//), expect.stringMatching(/ws upgrade/)]),
    );
    const tl = timeline(r);
    expect(tl.map((e) => e.at)).toEqual([...tl.map((e) => e.at)].sort((a, b) => a - b));
    expect(tl.some((e) => e.kind === 'log' && e.source === proxy?.name && e.match === 'marker')).toBe(true);
    expect(hopsOf(topology, r).find((h) => h.kind === 'reverse-proxy')?.passedOn).toBe(true);
  });

  it('through the proxy without Upgrade: the proxy answered, and the upstream saw an ordinary GET', async () => {
    const r = await run({ from: 'client', to: 'ws://proxy-plain/' });
    expect(r.steps.find((s) => s.kind === 'ws')?.error).toBe('WS 200');
    const up = logsOf(r, 'upstream')?.lines.filter((l) => l.match === 'marker') ?? [];
    expect(up.length).toBeGreaterThan(0);
    expect(up.every((l) => /http GET \/ /.test(l.text) && !/ws upgrade/.test(l.text))).toBe(true);
    const tcp = r.steps.find((s) => s.kind === 'tcp');
    const initiatorAddress = tcp?.kind === 'tcp' ? tcp.connected?.localAddress : undefined;
    expect(initiatorAddress).toBeTruthy();
    expect(hopsOf(topology, r).find((h) => h.kind === 'reverse-proxy')?.sawPeer).toBe(initiatorAddress);
  });

  it('a service that logs secrets during the probe: the values never leave the server', async () => {
    const r = await run({ from: 'client', to: 'http://gateway:18789/debug' });
    const json = JSON.stringify(r);
    expect(json).toContain('debug dump');
    for (const s of LAB_LOGGED_SECRETS) expect(json).not.toContain(s);
    const BIN = path.resolve(import.meta.dirname, '../../bin/reachmap.mjs');
    const cli = await promisify(execFile)(process.execPath, [
      BIN,
      'probe',
      '--from',
      'client',
      '--to',
      'http://gateway:18789/debug',
      '--logs',
      '--json',
    ]);
    expect(cli.stdout).toContain('debug dump');
    for (const s of LAB_LOGGED_SECRETS) expect(cli.stdout).not.toContain(s);
  });

  it('1 GB of logs and the none driver: the probe finishes within its cap and says what it could not read', async () => {
    const t0 = Date.now();
    const big = await run({ from: 'client', to: 'biglog:8080' });
    expect(big.ok).toBe(true);
    const bl = big.logs?.containers[0];
    expect(bl?.readMs).toBeLessThan(3000);
    expect(Date.now() - t0).toBeLessThan(10_000);
    // The window holds no line of this probe (busybox httpd logs nothing), and the read stayed bounded.
    expect(bl?.lines.length ?? 0).toBeLessThanOrEqual(400);
    const none = await run({ from: 'client', to: 'nolog:8080' });
    expect(none.logs?.containers[0]?.note).toMatch(/logging driver "none" keeps no logs/);
  });

  it('log capture can be switched off per probe', async () => {
    expect((await run({ from: 'client', to: 'http://gateway:18789/healthz', logs: false })).logs).toBeNull();
  });
});

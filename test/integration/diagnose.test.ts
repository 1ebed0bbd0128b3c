import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import { RunbookReport } from '@/lib/model/runbook';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { scanOnce } from '@/lib/scanner';
import { realClient } from './client';

/** On the lab: every failing path gets exactly the right finding; healthy paths get none. */

const docker = realClient();
let topology: Topology;
const probes = new ProbeService({ topology: async () => topology });
beforeAll(async () => {
  topology = await scanOnce(docker);
});
afterAll(() => probes.close());

const rulesFor = async (spec: { from: string; to: string; ws?: boolean; origin?: string }) => {
  const r = (await probes.run(spec)).initiator;
  return diagnoseProbes(topology, [r])
    .map((f) => f.rule)
    .sort();
};

describe('diagnosis of real paths', () => {
  it.each([
    [
      { from: 'client', to: 'http://gateway-loopback:18789/healthz' },
      ['probe-healthy-unreachable', 'probe-loopback-bind'],
    ],
    [
      { from: 'host', to: 'http://127.0.0.1:28789/healthz' },
      ['probe-healthy-unreachable', 'probe-loopback-bind'],
    ],
    [{ from: 'host', to: 'http://gateway-loopback:18789/healthz' }, ['host-uses-service-name']],
    [{ from: 'client', to: 'http://127.0.0.1:18789/' }, ['loopback-means-self']],
    // 127.0.0.1 meaning the host's published port.
    [{ from: 'client', to: 'http://127.0.0.1:28790/healthz' }, ['loopback-means-self']],
    // The wrong port: nothing listens there (it serves 18789).
    [{ from: 'client', to: 'http://gateway:9999/' }, ['probe-no-listener']],
    // https:// to a plain-HTTP port.
    [{ from: 'client', to: 'https://gateway:18789/healthz' }, ['tls-not-spoken']],
    // A host-network container's 127.0.0.1 is the host's: multi's 8080 is not published there.
    [{ from: 'hostnet', to: 'http://127.0.0.1:8080/' }, ['loopback-means-self']],
    [{ from: 'client', to: 'http://proxy-plain/', ws: true }, ['proxy-no-upgrade']],
    [{ from: 'client', to: 'ws://gateway:18789/', origin: 'https://evil.example' }, ['origin-not-allowed']],
    [{ from: 'legacy', to: 'http://multi:8080/' }, ['default-bridge-no-dns']],
    // A host-network container resolves like the host does.
    [{ from: 'hostnet', to: 'http://gateway:18789/healthz' }, ['host-uses-service-name']],
  ])('failing path %o → %o', async (spec, expected) => {
    expect(await rulesFor(spec)).toEqual(expected);
  });

  it.each([
    { from: 'client', to: 'http://proxy-upgrade/', ws: true },
    { from: 'cli-sidecar', to: 'http://127.0.0.1:18789/healthz' },
    { from: 'client', to: 'ws://gateway:18789/', origin: 'https://gateway.example.test' },
    { from: 'host', to: 'http://127.0.0.1:28790/healthz' },
  ])('healthy path %o → no finding', async (spec) => {
    expect(await rulesFor(spec)).toEqual([]);
  });

  it('the origin finding quotes the gateway’s allowedOrigins read from its config, never its token', async () => {
    const r = (
      await probes.run({ from: 'client', to: 'ws://gateway:18789/', origin: 'https://evil.example' })
    ).initiator;
    const f = diagnoseProbes(topology, [r])[0];
    expect(f?.evidence.find((e) => e.label === 'gateway.controlUi.allowedOrigins')?.value).toBe(
      'https://gateway.example.test, http://localhost:28790',
    );
    expect(f?.fix).toContain('"https://evil.example"');
    expect(JSON.stringify(f)).not.toContain('do-not-show');
  });
});

describe('reachmap runbook (built CLI)', () => {
  const BIN = path.resolve(import.meta.dirname, '../../bin/reachmap.mjs');
  const run = promisify(execFile);

  it('--json: a report valid against the schema, stopped at the failing step, with the finding and its fix', async () => {
    const { stdout } = await run(
      process.execPath,
      [BIN, 'runbook', '--from', 'client', '--to', 'http://gateway-loopback:18789/', '--json'],
      { maxBuffer: 16 << 20 },
    );
    const r = RunbookReport.parse(JSON.parse(stdout));
    expect(r.stoppedAt).toBe(2);
    expect(r.steps[1]).toMatchObject({ n: 2, status: 'fail' });
    expect(r.findings.find((f) => f.rule === 'probe-loopback-bind')?.fix).toMatch(/gateway\.bind: "lan"/);
    expect(r.connections[0]).toMatchObject({ verdict: 'fail', decisive: 'ECONNREFUSED' });
  });

  it('Markdown by default: an incident note', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        BIN,
        'runbook',
        '--from',
        'client',
        '--to',
        'http://proxy-plain/',
        '--origin',
        'https://gateway.example.test',
      ],
      { maxBuffer: 16 << 20 },
    );
    expect(stdout).toMatch(/^# Reachability runbook: client → http:\/\/proxy-plain\//);
    expect(stdout).toContain('forwards HTTP but not the WebSocket upgrade');
    expect(stdout).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(stdout).toContain('### 3. WebSocket on the upgrade path — ❌ fail');
  });
});

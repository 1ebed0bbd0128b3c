import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { scanOnce } from '@/lib/scanner';
import { docker, LAB_PROJECT } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/**
 * "compose ps is green but the CLI gets 502", made for real: an nginx whose upstream listens
 * on loopback only, and one that keeps dialling the old address of a recreated upstream.
 */

const PROXY = 'reachmap-test-proxy';
const UP = 'reachmap-test-upstream';
const FILLER = 'reachmap-test-filler';
const NET = `${LAB_PROJECT}_backend`;
const dir = mkdtempSync(path.join(tmpdir(), 'reachmap-proxy-'));
const client = realClient();
let topology: Topology;
const probes = new ProbeService({
  topology: async () => topology,
  logs: { readWindow: (id, d, w) => client.logWindow(id, d, w) },
});

const rm = () => {
  try {
    docker('rm', '-f', PROXY, UP, FILLER);
  } catch {
    // not there
  }
};
const startUpstream = () =>
  docker(
    'run',
    '-d',
    '--name',
    UP,
    '--network',
    NET,
    'reachmap-lab/busybox:local',
    'httpd',
    '-f',
    '-p',
    '8080',
  );

beforeAll(async () => {
  rm();
  writeFileSync(
    path.join(dir, 'default.conf'),
    `server {
  listen 80;
  location / { proxy_pass http://${UP}:8080; proxy_connect_timeout 1s; }
  location /loopback/ { proxy_pass http://gateway-loopback:18789/; }
  location /self/ { proxy_pass http://127.0.0.1:9/; }
}
`,
  );
  startUpstream();
  docker(
    'run',
    '-d',
    '--name',
    PROXY,
    '--network',
    NET,
    '-v',
    `${path.join(dir, 'default.conf')}:/etc/nginx/conf.d/default.conf:ro`,
    'reachmap-lab/nginx:local',
  );
  topology = await scanOnce(client);
});
afterAll(() => {
  probes.close();
  rm();
  rmSync(dir, { recursive: true, force: true });
});

const probe = async (to: string) => {
  const r = (await probes.run({ from: 'client', to, logs: true })).initiator;
  return { r, findings: diagnoseProbes(topology, [r]) };
};

describe('a reverse proxy answering 502/504 for its upstream', () => {
  it('a healthy upstream: no finding', async () => {
    const { r, findings } = await probe(`http://${PROXY}/`);
    expect(r.steps.find((s) => s.kind === 'http')?.ok).toBe(true);
    expect(findings).toEqual([]);
  });

  it('the upstream listens on loopback only: 502, the proxy’s error line and the listener as evidence', async () => {
    const { r, findings } = await probe(`http://${PROXY}/loopback/`);
    expect(r.decisive).toBe('HTTP 502');
    expect(findings.map((f) => [f.rule, f.pattern])).toEqual([['proxy-upstream-failed', 'loopback-bind']]);
    const f = findings[0];
    expect(f?.title).toMatch(/answered 502: upstream .*gateway-loopback.* listens on loopback only/);
    expect(f?.evidence.find((e) => e.label === `${PROXY} log`)?.value).toMatch(/111: Connection refused/);
    expect(f?.evidence.find((e) => e.label.startsWith('listeners of'))?.value).toMatch(
      /^tcp 127\.0\.0\.1:18789/,
    );
  });

  it('a WebSocket through that proxy gets the same 502: the upstream is blamed, not the Upgrade headers', async () => {
    const r = (await probes.run({ from: 'client', to: `ws://${PROXY}/loopback/`, logs: true })).initiator;
    expect(r.steps.find((s) => s.kind === 'ws')?.status).toBe(502);
    expect(diagnoseProbes(topology, [r]).map((f) => f.rule)).toEqual(['proxy-upstream-failed']);
  });

  it('proxy_pass to 127.0.0.1: the proxy dials itself', async () => {
    const { r, findings } = await probe(`http://${PROXY}/self/`);
    expect(r.decisive).toBe('HTTP 502');
    expect(findings.map((f) => [f.rule, f.pattern])).toEqual([['proxy-upstream-failed', 'loopback-misuse']]);
    expect(findings[0]?.title).toContain('127.0.0.1:9 is the proxy itself');
  });

  it('the upstream was recreated with a new address: the proxy still dials the old one', async () => {
    const oldIp = docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, UP);
    docker('rm', '-f', UP);
    // Something else may take the freed address; make sure the new upstream gets another one.
    docker('run', '-d', '--name', FILLER, '--network', NET, 'reachmap-lab/busybox:local', 'sleep', '600');
    startUpstream();
    const newIp = docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, UP);
    expect(newIp).not.toBe(oldIp);
    topology = await scanOnce(client);
    const { r, findings } = await probe(`http://${PROXY}/`);
    expect(r.decisive).toMatch(/^HTTP 50[24]$/);
    const f = findings.find((x) => x.rule === 'proxy-upstream-failed');
    // Docker hands the freed address to the next container: the proxy now dials the filler.
    const fillerIp = docker(
      'inspect',
      '-f',
      `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`,
      FILLER,
    );
    if (fillerIp === oldIp) expect(f?.pattern).toBe('no-listener');
    // Once nobody holds the old address, the proxy dials into the void.
    docker('rm', '-f', FILLER);
    topology = await scanOnce(client);
    const again = await probe(`http://${PROXY}/`);
    expect(again.r.decisive).toMatch(/^HTTP 50[24]$/);
    const stale = again.findings.find((x) => x.rule === 'proxy-upstream-failed');
    expect(stale?.pattern).toBe('stale-namespace');
    expect(stale?.message).toContain(`no running container has ${oldIp} any more`);
    expect(stale?.evidence.find((e) => e.label === 'upstream now')?.value).toContain(newIp);
    expect(stale?.fix).toContain('resolver 127.0.0.11');
  });
});

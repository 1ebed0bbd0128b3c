import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import type { ProbeSpecInput } from '@/lib/model/probe';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { scanOnce } from '@/lib/scanner';
import { docker, LAB_PROJECT } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/**
 * A container reaching for the host, made for real: host.docker.internal without the
 * host-gateway entry, and with it against a port published on 127.0.0.1 only.
 */

const HG = 'reachmap-test-host-gateway';
const client = realClient();
let topology: Topology;
const probes = new ProbeService({ topology: async () => topology });
const rm = () => {
  try {
    docker('rm', '-f', HG);
  } catch {
    // not there
  }
};

beforeAll(async () => {
  rm();
  docker(
    'run',
    '-d',
    '--name',
    HG,
    '--network',
    `${LAB_PROJECT}_backend`,
    '--add-host',
    'host.docker.internal:host-gateway',
    'reachmap-lab/busybox:local',
    'sleep',
    '600',
  );
  topology = await scanOnce(client);
});
afterAll(() => {
  probes.close();
  rm();
});

const probe = async (spec: ProbeSpecInput) => {
  const r = (await probes.run(spec, { paired: true })).initiator;
  return { r, findings: diagnoseProbes(topology, [r]) };
};

describe('containers reaching for the host', () => {
  it('host.docker.internal without extra_hosts: the alias is missing, and the loopback publish would not help', async () => {
    const { r, findings } = await probe({ from: 'client', to: 'http://host.docker.internal:28790/healthz' });
    expect(r.decisive).toBe('NXDOMAIN');
    expect(findings.map((f) => f.rule)).toEqual(['no-host-gateway-alias']);
    const f = findings[0];
    expect(f?.message).toContain('published on 127.0.0.1:28790 only');
    expect(f?.fix).toContain('extra_hosts: ["host.docker.internal:host-gateway"]');
    expect(f?.fix).toContain('use http://gateway:18789/healthz');
  });

  it('with host-gateway: refused at the gateway address because the publish is loopback-only', async () => {
    const { r, findings } = await probe({ from: HG, to: 'http://host.docker.internal:28790/healthz' });
    const tcp = r.steps.find((s) => s.kind === 'tcp');
    expect(tcp?.ok).toBe(false);
    expect(r.decisive).toBe('ECONNREFUSED');
    expect(findings.map((f) => f.rule)).toEqual(['host-port-loopback-only']);
    const f = findings[0];
    expect(f?.evidence.find((e) => e.label === 'listener on the host')?.value).toBe(
      'tcp 127.0.0.1:28790 (docker-proxy)',
    );
    expect(f?.fix).toContain('use http://gateway:18789/healthz');
    // The host's own path through the same publish is fine: the asymmetry the finding explains.
    const host = (await probes.run({ from: 'host', to: 'http://127.0.0.1:28790/healthz' })).initiator;
    expect(host.verdict).toBe('pass');
  });
});

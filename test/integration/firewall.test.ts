import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import { publishedPaths } from '@/lib/firewall/paths';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { scanOnce } from '@/lib/scanner';
import { labContainer } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/**
 * A DOCKER-USER reject rule for one lab container's port: container → container turns red
 * with the rule as evidence, while the host's path through the published port (docker-proxy,
 * never FORWARD) stays green. The rule is removed afterwards, also on failure.
 */

const docker = realClient();
let topology: Topology;
const probes = new ProbeService({ topology: async () => topology });
let rule: string[] = [];
const iptables = (...args: string[]) => execFileSync('iptables', args, { stdio: 'pipe' });

beforeAll(async () => {
  topology = await scanOnce(docker);
  const gw = topology.containers.find((c) => c.id === labContainer('gateway').id);
  const ip = gw?.attachments.find((a) => a.ipv4)?.ipv4;
  if (!ip) throw new Error('gateway has no IP');
  rule = ['DOCKER-USER', '-d', `${ip}/32`, '-p', 'tcp', '--dport', '18789', '-j', 'REJECT'];
});

afterAll(() => {
  probes.close();
  try {
    iptables('-D', ...rule);
  } catch {
    // already gone
  }
});

describe('host firewall path (real iptables, real engine)', () => {
  it('reads the packet filter and shows published paths from the host and from outside', () => {
    expect(topology.firewall.available).toBe(true);
    expect(topology.firewall.chains.map((c) => c.name)).toEqual(
      expect.arrayContaining(['DOCKER-USER', 'FORWARD', 'DOCKER']),
    );
    const gw = topology.containers.find((c) => c.id === labContainer('gateway').id);
    const [path] = publishedPaths(topology, gw as NonNullable<typeof gw>);
    expect(path?.fromHost.join(' ')).toMatch(/docker-proxy .* DOCKER-USER never sees this path/);
    expect(path?.fromOutside.join(' ')).toMatch(/not reachable from outside: published on 127\.0\.0\.1/);
  });

  it('without the rule there is no firewall finding', async () => {
    const r = (await probes.run({ from: 'client', to: 'gateway:18789' })).initiator;
    expect(r.ok).toBe(true);
    expect(diagnoseProbes(topology, [r]).filter((f) => f.rule === 'firewall-blocks-path')).toEqual([]);
  });

  it('with a DOCKER-USER reject: container → container red with the rule, the host path green', async () => {
    iptables('-I', ...rule);
    topology = await scanOnce(docker);
    const sibling = (await probes.run({ from: 'client', to: 'gateway:18789' })).initiator;
    expect(sibling.ok).toBe(false);
    expect(sibling.decisive).toBe('ECONNREFUSED');
    const f = diagnoseProbes(topology, [sibling]).find((x) => x.rule === 'firewall-blocks-path');
    // The rule as iptables-save prints it, for the address the engine gave the gateway
    // (172.x from the default pools, 192.168.x once those are used up).
    expect(f?.evidence.find((e) => e.label === 'rule')?.value).toMatch(
      new RegExp(
        `^-A DOCKER-USER -d ${(rule[2] as string).replace(/\./g, '\\.')} -p tcp -m tcp --dport 18789 -j REJECT`,
      ),
    );
    expect(f?.message).toMatch(/docker-proxy/);
    const fromHost = (await probes.run({ from: 'host', to: 'http://127.0.0.1:28790/healthz' })).initiator;
    expect(fromHost.verdict).toBe('pass');
    expect(diagnoseProbes(topology, [fromHost]).filter((x) => x.rule === 'firewall-blocks-path')).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import type { ProbeSpecInput } from '@/lib/model/probe';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { scanOnce } from '@/lib/scanner';
import { docker, LAB_PROJECT, labContainer } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/**
 * Initiators with nowhere to send a packet, made for real: network_mode none (loopback only)
 * and a container on an internal network only. The finding must blame the initiator's
 * namespace, not the target.
 */

const NONE = 'reachmap-test-none';
const INTERNAL = 'reachmap-test-internal';
const NET = 'reachmap-test-internal-net';
const NOICC = 'reachmap-test-noicc-net';
const ICC_SERVER = 'reachmap-test-noicc-server';
const ICC_CLIENT = 'reachmap-test-noicc-client';
const STOPPED = 'reachmap-test-stopped';
const client = realClient();
let topology: Topology;
const probes = new ProbeService({ topology: async () => topology });

const cleanup = () => {
  for (const args of [
    ['rm', '-f', NONE, INTERNAL, ICC_SERVER, ICC_CLIENT, STOPPED],
    ['network', 'rm', NET],
    ['network', 'rm', NOICC],
  ])
    try {
      docker(...args);
    } catch {
      // already gone
    }
};

beforeAll(async () => {
  cleanup();
  docker('network', 'create', '--internal', NET);
  docker('run', '-d', '--name', NONE, '--network', 'none', 'reachmap-lab/busybox:local', 'sleep', '600');
  docker('run', '-d', '--name', INTERNAL, '--network', NET, 'reachmap-lab/busybox:local', 'sleep', '600');
  docker('network', 'create', '-o', 'com.docker.network.bridge.enable_icc=false', NOICC);
  docker(
    'run',
    '-d',
    '--name',
    ICC_SERVER,
    '--network',
    NOICC,
    'reachmap-lab/busybox:local',
    'httpd',
    '-f',
    '-p',
    '8080',
  );
  docker('run', '-d', '--name', ICC_CLIENT, '--network', NOICC, 'reachmap-lab/busybox:local', 'sleep', '600');
  docker(
    'run',
    '-d',
    '--name',
    STOPPED,
    '--network',
    `${LAB_PROJECT}_backend`,
    'reachmap-lab/busybox:local',
    'httpd',
    '-f',
    '-p',
    '8080',
  );
  docker('stop', '-t', '1', STOPPED);
  topology = await scanOnce(client);
});
afterAll(() => {
  probes.close();
  cleanup();
});

const probe = async (spec: ProbeSpecInput) => {
  const r = (await probes.run(spec)).initiator;
  return { r, findings: diagnoseProbes(topology, [r]) };
};

describe('isolated initiators on the real engine', () => {
  it('network_mode none: the resolver has no route, and the finding says the initiator has no network', async () => {
    const { r, findings } = await probe({ from: NONE, to: 'http://gateway:18789/healthz' });
    const dns = r.steps.find((s) => s.kind === 'dns');
    expect(dns?.ok).toBe(false);
    // Not "REFUSED": no packet could leave the namespace at all.
    expect(dns?.error).toMatch(/^ENETUNREACH/);
    expect(r.initiator.routes).toEqual(['loopback only']);
    const f = findings.find((x) => x.rule === 'isolated-initiator');
    expect(f?.title).toBe(`${NONE} has no network (network_mode: none)`);
    expect(f?.evidence.find((e) => e.label === 'network mode')?.value).toBe('none');
    expect(findings.map((x) => x.rule)).not.toContain('no-shared-network');
  });

  it('by address from an internal network: the isolation drop is the reason, with the rule when readable', async () => {
    const gw = topology.containers.find((c) => c.id === labContainer('gateway').id);
    const ip = gw?.attachments[0]?.ipv4;
    expect(ip).toBeTruthy();
    const { r, findings } = await probe({
      from: INTERNAL,
      to: `http://${ip}:18789/healthz`,
      timeoutMs: 1500,
    });
    expect(r.verdict).toBe('fail');
    const f = findings.find((x) => x.rule === 'network-isolation');
    expect(f?.title).toBe(`${INTERNAL} and ${gw?.name} share no network`);
    expect(f?.message).toContain(`${NET} is internal`);
    if (topology.firewall.available)
      expect(f?.evidence.find((e) => e.label === 'rule')?.value).toMatch(
        /DOCKER-ISOLATION-STAGE-1 .* -j DROP/,
      );
    else expect(f?.message).toContain('Packet filter not read');
  });

  it('a network created with enable_icc=false: the network option is the reason, not iptables', async () => {
    const { r, findings } = await probe({
      from: ICC_CLIENT,
      to: `http://${ICC_SERVER}:8080/`,
      timeoutMs: 1500,
    });
    expect(r.steps.find((s) => s.kind === 'dns')?.ok).toBe(true);
    expect(r.decisive).toBe('ETIMEDOUT');
    expect(findings.map((f) => f.rule)).toEqual(['icc-disabled']);
    const f = findings[0];
    expect(f?.fix).toContain(`remove enable_icc: "false" from ${NOICC}`);
    if (topology.firewall.available)
      expect(f?.evidence.find((e) => e.label === 'rule')?.value).toMatch(
        /^-A FORWARD -i (\S+) -o \1 -j DROP$/,
      );
  });

  it('dialling a container’s address on a network the initiator is not on, while they share another', async () => {
    const multi = topology.containers.find((c) => c.id === labContainer('multi').id);
    const front = multi?.attachments.find((a) => a.networkName.endsWith('_frontend'));
    expect(front?.ipv4).toBeTruthy();
    const { findings } = await probe({ from: 'client', to: `http://${front?.ipv4}:8080/`, timeoutMs: 1500 });
    const f = findings.find((x) => x.rule === 'network-isolation');
    expect(f?.title).toMatch(/dials .*multi.*'s address on .*_frontend, a network it is not on$/);
    expect(f?.fix).toContain('http://multi:8080/');
  });

  it('a stopped container has no name in Docker’s DNS: NXDOMAIN, explained by its state', async () => {
    const { r, findings } = await probe({ from: 'client', to: `http://${STOPPED}:8080/` });
    expect(r.decisive).toBe('NXDOMAIN');
    expect(findings.map((f) => f.rule)).toEqual(['target-not-running']);
    expect(findings[0]?.fix).toContain(`docker start ${STOPPED}`);
  });

  it('by address over a shared network: no isolation finding', async () => {
    const gw = topology.containers.find((c) => c.id === labContainer('gateway').id);
    const ip = gw?.attachments[0]?.ipv4 as string;
    const { r, findings } = await probe({ from: 'client', to: `http://${ip}:18789/healthz` });
    expect(r.verdict).toBe('pass');
    expect(findings).toEqual([]);
  });
});

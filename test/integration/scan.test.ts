import { beforeAll, describe, expect, it } from 'vitest';
import { Topology } from '@/lib/model/topology';
import { scanOnce } from '@/lib/scanner';
import { LAB_CANARY, labContainer } from '../../e2e/lab/labInfo';
import { realClient } from './client';

describe('scan of the running lab on the real engine', () => {
  let t: Topology;
  const gw = labContainer('gateway-loopback');
  const sidecar = labContainer('cli-sidecar');

  beforeAll(async () => {
    t = Topology.parse(await scanOnce(realClient()));
  });

  const ctr = (id: string) => {
    const c = t.containers.find((x) => x.id === id);
    if (!c) throw new Error(`container ${id} not in scan`);
    return c;
  };
  const nsOf = (id: string) => t.namespaces.find((n) => n.id === ctr(id).netns);

  it('finds the loopback-only listener in the gateway’s namespace, read inside it over netlink', () => {
    const ns = nsOf(gw.id);
    expect(ns?.listenerSource).toBe('netlink');
    expect(ns?.listeners.filter((l) => l.role === 'workload')).toEqual([
      expect.objectContaining({
        protocol: 'tcp',
        address: '127.0.0.1',
        port: 18789,
        scope: 'loopback',
        process: expect.objectContaining({ name: 'node' }),
      }),
    ]);
  });

  it('groups the service:X sidecar into that same namespace', () => {
    expect(ctr(sidecar.id).netns).toBe(ctr(gw.id).netns);
    expect(nsOf(gw.id)?.containers).toEqual(expect.arrayContaining([gw.name, sidecar.name]));
    expect(nsOf(gw.id)?.identitySource).toBe('proc');
  });

  it('reports the published port', () => {
    expect(ctr(gw.id).ports).toContainEqual({
      hostIp: '127.0.0.1',
      hostPort: 28789,
      containerPort: 18789,
      protocol: 'tcp',
    });
  });

  it('the 0.0.0.0 gateway listens on all interfaces', () => {
    const l = nsOf(labContainer('gateway').id)?.listeners.find((x) => x.port === 18789);
    expect(l?.scope).toBe('any');
  });

  it('host-network containers are in the host namespace', () => {
    const hostnet = labContainer('hostnet');
    const host = t.namespaces.find((n) => n.kind === 'host');
    expect(host?.containerIds).toContain(hostnet.id);
    expect(host?.listeners.find((l) => l.port === 28791)).toMatchObject({
      address: '127.0.0.1',
      containerId: hostnet.id,
    });
  });

  it('raises the loopback-only finding for the gateway and none for healthy services', () => {
    const lab = new Set([
      gw.id,
      sidecar.id,
      ...['gateway', 'proxy-plain', 'proxy-upgrade', 'multi', 'client', 'hostnet', 'legacy'].map(
        (s) => labContainer(s).id,
      ),
    ]);
    const labFindings = t.findings.filter((f) => lab.has(f.subject.id));
    expect(labFindings.map((f) => [f.rule, f.subject.name])).toEqual([
      ['loopback-only-listener', gw.name],
      ['healthy-but-unreachable', gw.name],
    ]);
  });

  it('never carries environment values (canary)', () => {
    expect(JSON.stringify(t)).not.toContain(LAB_CANARY);
  });
});

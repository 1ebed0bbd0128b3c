import { describe, expect, it } from 'vitest';
import { Topology } from '@/lib/model/topology';
import { byService, fixtureTopology, nsOf } from '../helpers';

describe('buildTopology on a recorded scan of the lab', () => {
  const t = fixtureTopology('lab');

  it('is valid against the schema the CLI and UI share', () => {
    expect(() => Topology.parse(t)).not.toThrow();
  });

  it('puts the service:X sidecar in the namespace of X, as the kernel says', () => {
    const gw = byService(t, 'gateway-loopback');
    const sidecar = byService(t, 'cli-sidecar');
    expect(sidecar.networkModeKind).toBe('container');
    expect(sidecar.sharesNetnsWith).toBe(gw.id);
    expect(sidecar.netns).toBe(gw.netns);
    const ns = nsOf(t, gw);
    expect(ns.identitySource).toBe('proc');
    expect(ns.containers.sort()).toEqual([gw.name, sidecar.name].sort());
    expect(ns.ownerId).toBe(gw.id);
    expect(ns.key).toBe(`ctr:${gw.id}`);
  });

  it('reads the loopback-only listener of the gateway with its process', () => {
    const ns = nsOf(t, byService(t, 'gateway-loopback'));
    const l = ns.listeners.filter((x) => x.role === 'workload');
    expect(l).toHaveLength(1);
    expect(l[0]).toMatchObject({ protocol: 'tcp', address: '127.0.0.1', port: 18789, scope: 'loopback' });
    expect(l[0]?.process?.name).toBe('node');
  });

  it('tells the 0.0.0.0 gateway apart', () => {
    const l = nsOf(t, byService(t, 'gateway')).listeners.filter((x) => x.role === 'workload');
    expect(l.map((x) => `${x.address}:${x.port}/${x.scope}`)).toEqual(['0.0.0.0:18789/any']);
  });

  it('marks Docker embedded DNS listeners as the engine’s', () => {
    const dns = nsOf(t, byService(t, 'gateway')).listeners.filter((x) => x.address === '127.0.0.11');
    expect(dns.length).toBeGreaterThan(0);
    expect(dns.every((x) => x.role === 'docker-dns')).toBe(true);
  });

  it('keeps published ports as the engine reports them', () => {
    expect(byService(t, 'gateway-loopback').ports).toEqual([
      { containerPort: 18789, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 28789 },
    ]);
  });

  it('places the host-network container in the host namespace and attributes its listener', () => {
    const host = t.namespaces.find((n) => n.kind === 'host');
    const hostnet = byService(t, 'hostnet');
    expect(host?.containerIds).toContain(hostnet.id);
    expect(hostnet.netns).toBe(host?.id);
    const l = host?.listeners.find((x) => x.port === 28791);
    expect(l).toMatchObject({ address: '127.0.0.1', containerId: hostnet.id });
    // docker-proxy implements the publishes on the host side.
    expect(host?.listeners.find((x) => x.port === 28789)?.role).toBe('docker-proxy');
  });

  it('describes networks: embedded DNS only on user-defined ones, MTU option, gateways', () => {
    const bridge = t.networks.find((n) => n.name === 'bridge');
    const backend = t.networks.find((n) => n.name.endsWith('_backend') || n.name.endsWith('-backend'));
    const frontend = t.networks.find((n) => n.name.endsWith('_frontend') || n.name.endsWith('-frontend'));
    expect(bridge?.embeddedDns).toBe(false);
    expect(bridge?.gateways.length).toBeGreaterThan(0);
    expect(backend?.embeddedDns).toBe(true);
    expect(frontend?.mtu).toBe(1450);
    expect(byService(t, 'multi').networks).toHaveLength(2);
  });

  it('never carries environment values', () => {
    expect(JSON.stringify(t)).not.toContain('reachmap-canary');
  });

  it('reports the loopback-only gateway (and that its health check hides it), nothing about healthy services', () => {
    const gw = byService(t, 'gateway-loopback');
    expect(t.findings.map((f) => [f.rule, f.subject.id])).toEqual([
      ['loopback-only-listener', gw.id],
      ['healthy-but-unreachable', gw.id],
    ]);
  });
});

describe('namespace grouping after lifecycle changes (recorded)', () => {
  it('a stopped container has no namespace and keeps its configured networks', () => {
    const t = fixtureTopology('lab-multi-stopped');
    const multi = byService(t, 'multi');
    expect(multi.state).toBe('exited');
    expect(multi.netns).toBeNull();
    expect(multi.networks).toHaveLength(2);
    expect(t.namespaces.some((n) => n.containerIds.includes(multi.id))).toBe(false);
  });

  it('after the gateway restarts, the sidecar is alone in the old namespace', () => {
    const t = fixtureTopology('lab-gateway-restarted');
    const gw = byService(t, 'gateway-loopback');
    const sidecar = byService(t, 'cli-sidecar');
    expect(sidecar.sharesNetnsWith).toBe(gw.id); // configuration still looks right…
    expect(sidecar.netns).not.toBe(gw.netns); // …the kernel disagrees
    const orphan = nsOf(t, sidecar);
    expect(orphan.containerIds).toEqual([sidecar.id]);
    expect(orphan.listeners.filter((l) => l.role === 'workload')).toEqual([]);
  });
});

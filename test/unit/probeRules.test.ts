import { describe, expect, it } from 'vitest';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import { explainUnexplained } from '@/lib/diagnose/probe/fallback';
import type { ProbeResult } from '@/lib/model/probe';

/** Probe rules on results recorded from the real lab (scripts/record-probes.ts). */

const lab = probesLab();
const t = lab.topology;
const results = lab.entries as Array<{
  spec: { from: string; to: string; origin?: string };
  result: ProbeResult;
}>;
const rules = (from: string, to: string, origin?: string) => {
  const r = results.find((x) => x.spec.from === from && x.spec.to === to && x.spec.origin === origin)?.result;
  if (!r) throw new Error(`no recorded probe ${from} → ${to}`);
  return diagnoseProbes(t, [r]);
};
const ids = (fs: ReturnType<typeof rules>) => fs.map((x) => x.rule).sort();

describe('probe rules on recorded results', () => {
  it('loopback bind, confirmed from a sibling and through the published port', () => {
    const a = rules('client', 'http://gateway-loopback:18789/healthz');
    expect(ids(a)).toEqual(['probe-healthy-unreachable', 'probe-loopback-bind']);
    const bind = a.find((x) => x.rule === 'probe-loopback-bind');
    expect(bind?.evidence.map((e) => e.label)).toEqual(
      expect.arrayContaining(['tcp from reachmap-lab_client_1', 'OpenClaw config']),
    );
    expect(bind?.fix).toMatch(/gateway\.bind: "lan"/);
    expect(ids(rules('host', 'http://127.0.0.1:28789/healthz'))).toEqual([
      'probe-healthy-unreachable',
      'probe-loopback-bind',
    ]);
  });

  it('names the initiator cannot resolve, and 127.0.0.1 meaning the container itself', () => {
    const host = rules('host', 'http://gateway-loopback:18789/healthz');
    expect(ids(host)).toEqual(['host-uses-service-name']);
    expect(host[0]?.fix).toContain('http://127.0.0.1:28789/healthz');
    expect(ids(rules('legacy', 'http://multi:8080/'))).toEqual(['default-bridge-no-dns']);
    const self = rules('client', 'http://127.0.0.1:18789/');
    expect(ids(self)).toEqual(['loopback-means-self']);
    // Two containers listen on 18789; the one reachable by name (0.0.0.0, shared network) wins.
    expect(self[0]?.fix).toMatch(/^Use the service name and its internal port: http:\/\/gateway:18789\/ /);
  });

  it('127.0.0.1 meant as the host: a published port, a host-network service', () => {
    const pub = rules('client', 'http://127.0.0.1:28790/healthz');
    expect(ids(pub)).toEqual(['loopback-means-self']);
    expect(pub[0]?.title).toMatch(/is reachmap-lab_client_1 itself, not the host$/);
    expect(pub[0]?.message).toContain('published on the host (→ 18789 inside reachmap-lab_gateway_1)');
    // Containers use the service name and the internal port, not the published one.
    expect(pub[0]?.fix).toContain('http://gateway:18789/healthz');
    const hostSvc = rules('client', 'http://127.0.0.1:28791/');
    expect(ids(hostSvc)).toEqual(['loopback-means-self']);
    expect(hostSvc[0]?.message).toContain('network_mode: host container');
    expect(hostSvc[0]?.fix).toContain('host.docker.internal:28791');
    expect(hostSvc[0]?.fix).toContain('listens on 127.0.0.1 only');
  });

  it('proxy without Upgrade, and an Origin outside the allow-list', () => {
    const p = rules('client', 'http://proxy-plain/');
    expect(ids(p)).toEqual(['proxy-no-upgrade']);
    expect(p[0]?.fix).toContain('proxy_set_header Upgrade $http_upgrade;');
    const o = rules('client', 'ws://gateway:18789/', 'https://evil.example');
    expect(ids(o)).toEqual(['origin-not-allowed']);
    expect(o[0]?.fix).toContain('"https://evil.example"');
  });

  it('healthy paths have no finding', () => {
    for (const [from, to, origin] of [
      ['client', 'http://proxy-upgrade/'],
      ['client', 'ws://gateway:18789/', 'https://gateway.example.test'],
      ['cli-sidecar', 'http://127.0.0.1:18789/healthz'],
      ['host', 'http://127.0.0.1:28790/healthz'],
    ] as const) {
      expect(rules(from, to, origin), `${from} → ${to}`).toEqual([]);
    }
  });

  it('every finding carries evidence, a fix, a pattern and a confidence', () => {
    const all = diagnoseProbes(
      t,
      results.map((x) => x.result),
    );
    expect(all.length).toBeGreaterThan(5);
    for (const x of all) {
      expect(x.evidence.length, x.id).toBeGreaterThan(0);
      expect(x.fix.length, x.id).toBeGreaterThan(10);
      expect(['high', 'medium', 'low']).toContain(x.confidence);
      expect(x.subject.kind).toBe('probe');
    }
  });
});

describe('static rules that need a variant of the lab', () => {
  it('public exposure: a port published on every interface', () => {
    const gw = t.containers.find((c) => c.compose?.service === 'gateway');
    if (!gw) throw new Error('no gateway');
    const variant = {
      ...t,
      containers: t.containers.map((c) =>
        c.id === gw.id ? { ...c, ports: c.ports.map((p) => ({ ...p, hostIp: '0.0.0.0' })) } : c,
      ),
    };
    const found = diagnoseTopologyFor(variant).filter((x) => x.rule === 'public-exposure');
    expect(found.map((x) => [x.subject.id, x.severity])).toEqual([[gw.id, 'warning']]);
    expect(found[0]?.fix).toContain('127.0.0.1:28790:18789');
  });

  it('MTU: networks larger than the uplink', () => {
    const variant = { ...t, host: { ...t.host, uplink: { interface: 'eth0', mtu: 1400 } } };
    const mtu = diagnoseTopologyFor(variant).filter((x) => x.rule === 'mtu-mismatch');
    expect(mtu.length).toBeGreaterThan(0);
    const ok = { ...t, host: { ...t.host, uplink: { interface: 'eth0', mtu: 1500 } } };
    expect(diagnoseTopologyFor(ok).filter((x) => x.rule === 'mtu-mismatch')).toEqual([]);
  });

  it('MTU: an internal network never leaves the host, so no finding', () => {
    const flagged = diagnoseTopologyFor({
      ...t,
      host: { ...t.host, uplink: { interface: 'eth0', mtu: 1400 } },
    })
      .filter((x) => x.rule === 'mtu-mismatch')
      .map((x) => x.subject.id);
    expect(flagged.length).toBeGreaterThan(0);
    const internalId = flagged[0];
    const variant = {
      ...t,
      host: { ...t.host, uplink: { interface: 'eth0', mtu: 1400 } },
      networks: t.networks.map((n) => (n.id === internalId ? { ...n, internal: true } : n)),
    };
    const after = diagnoseTopologyFor(variant)
      .filter((x) => x.rule === 'mtu-mismatch')
      .map((x) => x.subject.id);
    expect(after).toEqual(flagged.filter((id) => id !== internalId));
  });
});

import { diagnoseTopology as diagnoseTopologyFor } from '@/lib/diagnose';
import { probesLab } from '../helpers';

describe('no red edge without a reason', () => {
  it('a failure no specific rule explains still gets what its failing step means', () => {
    const r = results.find(
      (x) => x.spec.from === 'client' && x.spec.to === 'http://gateway-loopback:18789/healthz',
    )?.result as ProbeResult;
    // As if nothing specific had matched: the fallback reads the failing step.
    const f = explainUnexplained(t, [r], []);
    expect(f.map((x) => [x.rule, x.confidence])).toEqual([['probe-failed', 'low']]);
    expect(f[0]?.message).toContain('nothing accepts connections on the port');
    // With a specific finding for the same probe, it stays silent.
    expect(
      explainUnexplained(
        t,
        [r],
        diagnoseProbes(t, [r]).filter((x) => x.rule !== 'probe-failed'),
      ),
    ).toEqual([]);
    // And a passing probe never gets one.
    const ok = results.find((x) => x.spec.to === 'http://127.0.0.1:28790/healthz' && x.spec.from === 'host')
      ?.result as ProbeResult;
    expect(explainUnexplained(t, [ok], [])).toEqual([]);
  });
});

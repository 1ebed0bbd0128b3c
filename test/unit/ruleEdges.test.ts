import { describe, expect, it } from 'vitest';
import { diagnoseTopology } from '@/lib/diagnose';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import type { ProbeResult } from '@/lib/model/probe';
import { byService, fixtureTopology, probesLab } from '../helpers';

/** Look-alikes that must not be mistaken for a pattern (from a review of the rules). */

describe('unhealthy: only the reasons the record supports', () => {
  const unhealthyWith = (healthcheck: string, exitCode: number, output: string) => {
    const t = fixtureTopology('lab');
    const gw = byService(t, 'gateway');
    gw.health = 'unhealthy';
    gw.healthcheck = healthcheck;
    gw.healthLast = { exitCode, output, at: t.scannedAt, failingStreak: 3 };
    return diagnoseTopology(t).filter((f) => f.rule === 'unhealthy');
  };

  it('curl’s “404 Not Found” is an HTTP answer, not a missing tool', () => {
    const f = unhealthyWith(
      'curl -f http://localhost:18789/missing',
      22,
      'curl: (22) The requested URL returned error: 404 Not Found',
    );
    expect(f.map((x) => x.title)).toEqual(['reachmap-lab_gateway_1 is unhealthy']);
  });

  it('a shell that cannot find the command is a missing tool', () => {
    const f = unhealthyWith('curl -f http://localhost:18789/healthz', 127, '/bin/sh: curl: not found');
    expect(f[0]?.title).toContain('missing from the image');
  });

  it('no port is guessed for non-HTTP checks or variable ports', () => {
    for (const check of ['pg_isready -h localhost', 'curl -f http://localhost:$PORT/health']) {
      const f = unhealthyWith(check, 1, 'no response');
      expect(f.map((x) => x.title)).toEqual(['reachmap-lab_gateway_1 is unhealthy']);
    }
  });
});

describe('IPv6-only: [::] only', () => {
  it('a [::1] listener is loopback-only, not “IPv6-only”', () => {
    const t = fixtureTopology('lab');
    const gw = byService(t, 'gateway');
    gw.ports = [{ hostIp: '127.0.0.1', hostPort: 28790, containerPort: 18789, protocol: 'tcp' }];
    const ns = t.namespaces.find((n) => n.id === gw.netns);
    if (!ns) throw new Error('no namespace');
    ns.listeners = ns.listeners.map((l) =>
      l.port === 18789
        ? { ...l, family: 6 as const, address: '::1', scope: 'loopback' as const, v6only: true }
        : l,
    );
    const rules = diagnoseTopology(t)
      .filter((f) => f.subject.id === gw.id)
      .map((f) => f.rule);
    expect(rules).toContain('loopback-only-listener');
    expect(rules).not.toContain('ipv6-only-listener');
  });
});

describe('WebSocket closes: credentials only when the reason says so', () => {
  const lab = probesLab();
  const t = lab.topology;
  const rejected = (
    lab.entries as Array<{ spec: { to: string; origin?: string }; result: ProbeResult }>
  ).find((x) => x.spec.origin === 'https://evil.example')?.result as ProbeResult;
  const withClose = (code: number, reason: string): ProbeResult => ({
    ...rejected,
    steps: rejected.steps.map((s) =>
      s.kind === 'ws' ? { ...s, closeCode: code, closeReason: reason, note: undefined } : s,
    ),
  });

  it('“Unexpected token” (1007) is a protocol error, not a missing token', () => {
    const rules = diagnoseProbes(t, [withClose(1007, 'Unexpected token < in JSON')]).map((x) => x.rule);
    expect(rules).toEqual(['ws-closed-by-app']);
  });

  it('“device identity required” is pairing; 1013 is a gateway still starting', () => {
    expect(diagnoseProbes(t, [withClose(1008, 'device identity required')]).map((x) => x.rule)).toEqual([
      'app-needs-credentials',
    ]);
    expect(diagnoseProbes(t, [withClose(1013, 'gateway starting')]).map((x) => x.rule)).toEqual([
      'app-not-ready',
    ]);
  });
});

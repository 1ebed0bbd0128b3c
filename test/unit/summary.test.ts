import { describe, expect, it } from 'vitest';
import { formatSummary } from '@/lib/format/summary';
import { safe } from '@/lib/format/terminal';
import { byService, fixtureTopology } from '../helpers';

describe('CLI summary', () => {
  it('shows the shared namespace, the loopback-only listener and the finding', () => {
    const t = fixtureTopology('lab');
    const out = formatSummary(t);
    const gw = byService(t, 'gateway-loopback');
    const sidecar = byService(t, 'cli-sidecar');
    expect(out).toContain(`${sidecar.name} + ${gw.name}`);
    expect(out).toMatch(/◌ tcp 127\.0\.0\.1:18789 \(node, pid \d+\)\s+loopback only/);
    expect(out).toContain('ERROR    loopback-only-listener');
  });

  it('neutralises terminal escapes and bidi controls from engine strings', () => {
    const t = fixtureTopology('lab');
    const c = byService(t, 'client');
    c.name = 'evil\u001b[2J\u202ename';
    const out = formatSummary(t);
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u202e');
    expect(safe('a\u0007b')).toBe('a\uFFFDb');
  });

  it('prints IPv6 publishes and addresses unambiguously', () => {
    const t = fixtureTopology('lab');
    const gw = byService(t, 'gateway');
    gw.ports = [{ hostIp: '::', hostPort: 28790, containerPort: 18789, protocol: 'tcp' }];
    const att = gw.attachments[0];
    if (!att) throw new Error('fixture gateway has no network');
    att.ipv6 = 'fd00:dead::2';
    const out = formatSummary(t);
    expect(out).toContain('published [::]:28790->18789/tcp');
    expect(out).not.toContain(':::28790');
    expect(out).toMatch(new RegExp(`${att.networkName} ${att.ipv4?.replace(/\./g, '\\.')} fd00:dead::2`));
  });
});

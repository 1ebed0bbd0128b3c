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
});

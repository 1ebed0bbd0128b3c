import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, inCidr4, parseIptablesSave, ruleMatches } from '@/lib/firewall/iptables';
import { FirewallRule } from '@/lib/model/topology';

/** iptables-save output recorded on this engine (scripts/record-fixtures.sh). */
const load = (n: string) =>
  parseIptablesSave(readFileSync(path.join(import.meta.dirname, '../fixtures', n), 'utf8'));

describe('iptables rules as Docker writes them', () => {
  const plain = load('iptables-lab.txt');
  const reject = load('iptables-lab-reject.txt');
  const userRule = reject.filter?.['DOCKER-USER']?.rules.find((r) => r.target === 'REJECT');
  const gw = userRule?.dst?.cidr.replace('/32', '') as string;
  const bridge = plain.filter?.DOCKER?.rules.find((r) => r.dst?.cidr === `${gw}/32`)?.outIf?.name as string;

  it('parses chains, policies and matches', () => {
    expect(plain.filter?.FORWARD?.policy).toBe('DROP');
    expect(plain.filter?.['DOCKER-USER']?.rules.map((r) => r.target)).toEqual(['RETURN']);
    const dnat = plain.nat?.DOCKER?.rules.find(
      (r) => r.target === 'DNAT' && r.dports?.some(([a, b]) => a <= 28790 && 28790 <= b),
    );
    expect(dnat?.toDestination).toBe(`${gw}:18789`);
    expect(userRule).toMatchObject({
      chain: 'DOCKER-USER',
      proto: { name: 'tcp', not: false },
      dports: [[18789, 18789]],
    });
    expect(bridge).toMatch(/^br-/);
  });

  const sibling = (src: string) => ({
    src,
    dst: gw,
    proto: 'tcp' as const,
    dport: 18789,
    inIf: bridge,
    outIf: bridge,
    state: 'NEW' as const,
  });

  it('container → container on one bridge: accepted without the rule, rejected by DOCKER-USER with it', () => {
    expect(evaluate(plain, 'filter', 'FORWARD', sibling('172.18.0.9'))).toMatchObject({ action: 'ACCEPT' });
    const v = evaluate(reject, 'filter', 'FORWARD', sibling('172.18.0.9'));
    expect(v.action).toBe('REJECT');
    expect(v.rule?.chain).toBe('DOCKER-USER');
    expect(v.path[0]).toBe('FORWARD');
    // Another port on the same container is not affected.
    expect(evaluate(reject, 'filter', 'FORWARD', { ...sibling('172.18.0.9'), dport: 80 }).action).toBe(
      'ACCEPT',
    );
  });

  it('between two user networks Docker’s isolation drops it', () => {
    const other = plain.filter?.['DOCKER-ISOLATION-STAGE-2']?.rules
      .map((r) => r.outIf?.name)
      .find((n) => n && n !== bridge && n !== 'docker0') as string;
    const v = evaluate(plain, 'filter', 'FORWARD', { ...sibling('172.19.0.9'), inIf: other });
    expect(v.action).toBe('DROP');
    expect(v.rule?.chain).toBe('DOCKER-ISOLATION-STAGE-2');
  });

  it('CIDR matching', () => {
    expect(inCidr4('172.18.0.3', '172.18.0.0/16')).toBe(true);
    expect(inCidr4('172.19.0.3', '172.18.0.0/16')).toBe(false);
    expect(inCidr4('10.1.2.3', '0.0.0.0/0')).toBe(true);
  });
});

describe('destination port ranges', () => {
  const rule = (match: string) =>
    parseIptablesSave(`*filter\n:F ACCEPT [0:0]\n-A F -p tcp -m ${match} -j DROP\nCOMMIT\n`).filter?.F
      ?.rules[0];
  const packet = (dport: number) => ({
    src: '10.0.0.1',
    dst: '10.0.0.2',
    proto: 'tcp' as const,
    dport,
    inIf: 'eth0',
    outIf: 'docker0',
    state: 'NEW' as const,
  });
  const matches = (match: string, dport: number) => ruleMatches(rule(match) as never, packet(dport));

  it('are kept as [from, to] pairs and matched by bounds', () => {
    expect(rule('tcp --dport 1024:65535')?.dports).toEqual([[1024, 65535]]);
    expect(matches('tcp --dport 1024:65535', 40000)).toBe(true);
    expect(matches('tcp --dport 1024:65535', 80)).toBe(false);
    expect(matches('tcp --dport 1024:65535', 65535)).toBe(true);
    expect(matches('tcp --dport 80', 80)).toBe(true);
    expect(matches('tcp --dport 80', 81)).toBe(false);
  });

  it('multiport lists mix ports and ranges', () => {
    const m = 'multiport --dports 80,443,8000:8100';
    expect(rule(m)?.dports).toEqual([
      [80, 80],
      [443, 443],
      [8000, 8100],
    ]);
    for (const p of [80, 443, 8000, 8050, 8100]) expect(matches(m, p), String(p)).toBe(true);
    for (const p of [79, 81, 442, 7999, 8101, 40000]) expect(matches(m, p), String(p)).toBe(false);
  });

  it('1,000 full-range rules parse fast, one pair each', () => {
    const text = [
      '*filter',
      ':F ACCEPT [0:0]',
      ...Array.from({ length: 1000 }, () => '-A F -p tcp -m tcp --dport 1:65535 -j DROP'),
      'COMMIT',
    ].join('\n');
    const t0 = performance.now();
    const rules = parseIptablesSave(text).filter?.F?.rules ?? [];
    expect(performance.now() - t0).toBeLessThan(500);
    expect(rules).toHaveLength(1000);
    expect(rules.reduce((n, r) => n + (r.dports?.length ?? 0), 0)).toBe(1000);
  });

  it('snapshots stored with single ports still load, as one-port ranges', () => {
    const stored = {
      table: 'nat',
      chain: 'DOCKER',
      raw: '-A DOCKER',
      target: 'DNAT',
      unknown: [],
      dports: [8080, 9000],
    };
    expect(FirewallRule.parse(stored).dports).toEqual([
      [8080, 8080],
      [9000, 9000],
    ]);
    expect(FirewallRule.parse({ ...stored, dports: [[1, 2]] }).dports).toEqual([[1, 2]]);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, inCidr4, parseIptablesSave } from '@/lib/firewall/iptables';

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
    const dnat = plain.nat?.DOCKER?.rules.find((r) => r.target === 'DNAT' && r.dports?.includes(28790));
    expect(dnat?.toDestination).toBe(`${gw}:18789`);
    expect(userRule).toMatchObject({
      chain: 'DOCKER-USER',
      proto: { name: 'tcp', not: false },
      dports: [18789],
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

/**
 * iptables-save output → tables, chains and rules, and a small evaluator that walks the
 * filter FORWARD chain for one packet the way the kernel would (first match; jumps into
 * user chains; RETURN comes back). Only what Docker's chains and typical DOCKER-USER rules
 * use is understood; a rule with a match we do not model is reported, not guessed. Pure.
 */

export interface Rule {
  table: string;
  chain: string;
  /** The rule as iptables-save prints it (-A CHAIN …). */
  raw: string;
  target: string;
  src?: { cidr: string; not: boolean };
  dst?: { cidr: string; not: boolean };
  inIf?: { name: string; not: boolean };
  outIf?: { name: string; not: boolean };
  proto?: { name: string; not: boolean };
  /** --dport/--dports as inclusive [from, to] ranges (a single port is [p, p]); a rule matches a port inside any. */
  dports?: Array<[number, number]>;
  ctstates?: string[];
  /** Matches this evaluator does not model (addrtype, set, mark…). */
  unknown: string[];
  toDestination?: string;
}

export interface Chain {
  policy: string | null;
  rules: Rule[];
}

export type Tables = Record<string, Record<string, Chain>>;

function tokens(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

/**
 * `80`, `1024:65535`, `80,443,8000:8100` → [from, to] pairs. Ranges stay ranges: expanding them
 * cost 64k numbers per `--dport 1:65535` rule (and wider ones were cut to their two ends, so
 * the ports between did not match). A reversed range matches nothing, as before.
 */
function ports(v: string): Array<[number, number]> {
  return v.split(',').flatMap((p): Array<[number, number]> => {
    const [a, b] = p.split(':').map(Number);
    if (a === undefined || Number.isNaN(a)) return [];
    if (b === undefined || Number.isNaN(b)) return [[a, a]];
    return b < a ? [] : [[a, b]];
  });
}

/** Whether `port` lies in one of the inclusive ranges. */
export const inPorts = (ranges: ReadonlyArray<readonly [number, number]>, port: number) =>
  ranges.some(([from, to]) => from <= port && port <= to);

export function parseIptablesSave(text: string): Tables {
  const tables: Tables = Object.create(null) as Tables;
  let table = '';
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (l.startsWith('*')) {
      table = l.slice(1);
      // No prototype: a chain named "constructor" or "valueOf" is just a chain.
      tables[table] = Object.create(null) as Record<string, Chain>;
    } else if (l.startsWith(':') && table) {
      const [name, policy] = l.slice(1).split(/\s+/);
      if (name)
        (tables[table] as Record<string, Chain>)[name] = {
          policy: policy && policy !== '-' ? policy : null,
          rules: [],
        };
    } else if (l.startsWith('-A ') && table) {
      const t = tokens(l);
      const chain = t[1] as string;
      const rule: Rule = { table, chain, raw: l, target: '', unknown: [] };
      let not = false;
      for (let i = 2; i < t.length; i++) {
        const tok = t[i] as string;
        const next = t[i + 1] ?? '';
        if (tok === '!') {
          not = true;
          continue;
        }
        switch (tok) {
          case '-s':
            rule.src = { cidr: next, not };
            i++;
            break;
          case '-d':
            rule.dst = { cidr: next, not };
            i++;
            break;
          case '-i':
            rule.inIf = { name: next, not };
            i++;
            break;
          case '-o':
            rule.outIf = { name: next, not };
            i++;
            break;
          case '-p':
            rule.proto = { name: next, not };
            i++;
            break;
          case '--dport':
          case '--dports':
            rule.dports = ports(next);
            i++;
            break;
          case '--ctstate':
          case '--state':
            rule.ctstates = next.split(',');
            i++;
            break;
          case '-j':
          case '-g':
            rule.target = next;
            i++;
            break;
          case '--to-destination':
            rule.toDestination = next;
            i++;
            break;
          case '-m':
            // Module names: the options that follow are handled above (tcp, conntrack, multiport…).
            if (!['tcp', 'udp', 'conntrack', 'state', 'multiport'].includes(next))
              rule.unknown.push(`-m ${next}`);
            i++;
            break;
          case '--reject-with':
          case '--comment':
            i++;
            break;
          default:
            if (tok.startsWith('--') && !rule.unknown.includes(tok)) rule.unknown.push(tok);
        }
        not = false;
      }
      const c = (tables[table] as Record<string, Chain>)[chain];
      if (c) c.rules.push(rule);
    }
  }
  return tables;
}

export interface Packet {
  src: string;
  dst: string;
  proto: 'tcp' | 'udp';
  dport: number;
  inIf: string;
  outIf: string;
  /** A new connection (conntrack NEW): ESTABLISHED/RELATED rules do not match it. */
  state: 'NEW';
}

function v4(a: string): number | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  return m ? ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0 : null;
}

export function inCidr4(addr: string, cidr: string): boolean {
  const [base, bits = '32'] = cidr.split('/');
  const a = v4(addr);
  const b = v4(base ?? '');
  if (a === null || b === null) return false;
  const n = Number(bits);
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

const ifMatch = (pattern: string, name: string) =>
  pattern.endsWith('+') ? name.startsWith(pattern.slice(0, -1)) : pattern === name;

/** null: a match we do not model decides it. */
export function ruleMatches(r: Rule, p: Packet): boolean | null {
  const check = (cond: boolean, not: boolean) => (not ? !cond : cond);
  if (r.src && !check(inCidr4(p.src, r.src.cidr), r.src.not)) return false;
  if (r.dst && !check(inCidr4(p.dst, r.dst.cidr), r.dst.not)) return false;
  if (r.inIf && !check(ifMatch(r.inIf.name, p.inIf), r.inIf.not)) return false;
  if (r.outIf && !check(ifMatch(r.outIf.name, p.outIf), r.outIf.not)) return false;
  if (r.proto && !check(r.proto.name === p.proto || r.proto.name === 'all', r.proto.not)) return false;
  if (r.dports && !inPorts(r.dports, p.dport)) return false;
  if (r.ctstates && !r.ctstates.includes(p.state)) return false;
  if (r.unknown.length) return null;
  return true;
}

export interface Verdict {
  /** ACCEPT, DROP, REJECT, or the chain's policy. */
  action: string;
  /** The rule that decided, or null for a policy. */
  rule: Rule | null;
  /** Chains entered on the way. */
  path: string[];
  /** Rules skipped because they use matches this evaluator does not model. */
  uncertain: Rule[];
}

export function evaluate(tables: Tables, table: string, chain: string, p: Packet): Verdict {
  const t = tables[table] ?? (Object.create(null) as Record<string, Chain>);
  const path: string[] = [];
  const uncertain: Rule[] = [];
  // The same chain reached again (chains jumping to chains) adds nothing new: each chain is
  // walked at most once per packet, so a hostile chain graph cannot make this exponential.
  const seen = new Set<string>();
  const walk = (name: string, depth: number): { action: string; rule: Rule | null } | null => {
    const c = t[name];
    if (!c || depth > 16 || seen.has(name)) return null;
    seen.add(name);
    path.push(name);
    for (const r of c.rules) {
      const m = ruleMatches(r, p);
      if (m === null) {
        uncertain.push(r);
        continue;
      }
      if (!m) continue;
      // RETURN in a built-in chain ends it with the chain's policy, as the kernel does.
      if (r.target === 'RETURN') return depth === 0 ? { action: c.policy ?? 'ACCEPT', rule: null } : null;
      if (['ACCEPT', 'DROP', 'REJECT'].includes(r.target)) return { action: r.target, rule: r };
      if (t[r.target]) {
        const sub = walk(r.target, depth + 1);
        if (sub) return sub;
      }
      // LOG and other non-terminal targets: keep going.
    }
    return depth === 0 ? { action: c.policy ?? 'ACCEPT', rule: null } : null;
  };
  const v = walk(chain, 0) ?? { action: 'ACCEPT', rule: null };
  return { ...v, path, uncertain };
}

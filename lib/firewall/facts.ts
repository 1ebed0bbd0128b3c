import type { Firewall } from '../model/topology';
import { type Chain, parseIptablesSave, type Tables } from './iptables';
import type { FirewallText } from './reader';

/** The chains that decide Docker paths; the rest of the ruleset stays out of the model. */
const KEEP: Record<string, (name: string) => boolean> = {
  filter: (n) => n === 'FORWARD' || n === 'INPUT' || n.startsWith('DOCKER'),
  nat: (n) => n === 'DOCKER' || n === 'PREROUTING' || n === 'OUTPUT',
};

export function firewallFacts(ft: FirewallText | null | undefined): Firewall {
  if (!ft) return { available: false, backend: null, reason: 'not read', chains: [] };
  if (!ft.available || !ft.text)
    return { available: false, backend: ft.backend, reason: ft.reason, chains: [] };
  const tables = parseIptablesSave(ft.text);
  const chains: Firewall['chains'] = [];
  for (const [table, keep] of Object.entries(KEEP)) {
    for (const [name, c] of Object.entries(tables[table] ?? {}))
      if (keep(name)) chains.push({ table, name, policy: c.policy, rules: c.rules });
  }
  return { available: true, backend: ft.backend, reason: null, chains };
}

/** Back to the evaluator's shape. */
export function tablesOf(fw: Firewall): Tables {
  const t: Tables = {};
  for (const c of fw.chains) {
    t[c.table] ??= {};
    (t[c.table] as Record<string, Chain>)[c.name] = { policy: c.policy, rules: c.rules };
  }
  return t;
}

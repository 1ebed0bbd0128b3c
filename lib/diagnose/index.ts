import type { Finding, Topology } from '../model/topology';
import { indexTopology, type Rule } from './finding';
import { hostPortCollision } from './rules/hostPortCollision';
import { loopbackOnlyListener } from './rules/loopbackOnlyListener';
import { publishedPortWithoutListener } from './rules/publishedPortWithoutListener';
import { rollingUpdateReplicas } from './rules/rollingUpdateReplicas';
import { staleSharedNetns } from './rules/staleSharedNetns';

/** Static rules: computed from the topology alone, no probe needed. */
export const STATIC_RULES: Record<string, Rule> = {
  'loopback-only-listener': loopbackOnlyListener,
  'published-port-no-listener': publishedPortWithoutListener,
  'stale-shared-netns': staleSharedNetns,
  'rolling-update-replicas': rollingUpdateReplicas,
  'host-port-collision': hostPortCollision,
};

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function diagnoseTopology(t: Topology): Finding[] {
  const idx = indexTopology(t);
  return Object.values(STATIC_RULES)
    .flatMap((rule) => rule(t, idx))
    .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.id.localeCompare(b.id));
}

import type { Finding, Topology } from '../model/topology';
import { indexTopology, type Rule } from './finding';
import { healthNotReachability } from './rules/healthNotReachability';
import { hostPortCollision } from './rules/hostPortCollision';
import { ipv6OnlyListener } from './rules/ipv6OnlyListener';
import { loopbackOnlyListener } from './rules/loopbackOnlyListener';
import { mtuMismatch } from './rules/mtuMismatch';
import { publicExposure } from './rules/publicExposure';
import { publishedPortWithoutListener } from './rules/publishedPortWithoutListener';
import { rollingUpdateReplicas } from './rules/rollingUpdateReplicas';
import { staleSharedNetns } from './rules/staleSharedNetns';
import { unhealthy } from './rules/unhealthy';

/** Static rules: computed from the topology alone, no probe needed. */
export const STATIC_RULES: Record<string, Rule> = {
  'loopback-only-listener': loopbackOnlyListener,
  'ipv6-only-listener': ipv6OnlyListener,
  'published-port-no-listener': publishedPortWithoutListener,
  'stale-shared-netns': staleSharedNetns,
  'rolling-update-replicas': rollingUpdateReplicas,
  'host-port-collision': hostPortCollision,
  'public-exposure': publicExposure,
  'mtu-mismatch': mtuMismatch,
  unhealthy,
};

/** Rules that read other rules' findings (run after STATIC_RULES). */
const SECOND_PASS: Rule[] = [healthNotReachability];

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

export const bySeverity = (a: Finding, b: Finding) =>
  SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.id.localeCompare(b.id);

export function diagnoseTopology(t: Topology): Finding[] {
  const idx = indexTopology(t);
  const first = Object.values(STATIC_RULES).flatMap((rule) => rule(t, idx));
  const second = SECOND_PASS.flatMap((rule) => rule({ ...t, findings: first }, idx));
  return [...first, ...second].sort(bySeverity);
}

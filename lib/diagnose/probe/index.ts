import type { ProbeResult } from '../../model/probe';
import type { Finding, Topology } from '../../model/topology';
import { bySeverity } from '../index';
import type { ProbeRule } from './context';
import { explainUnexplained } from './fallback';
import { firewallBlocksPath } from './firewallBlocksPath';
import { healthyUnreachable } from './healthyUnreachable';
import { hostAlias } from './hostAlias';
import { hostLoopbackOnly } from './hostLoopbackOnly';
import { iccDisabled } from './iccDisabled';
import { idleTimeout } from './idleTimeout';
import { ipv6OnlyConfirmed } from './ipv6OnlyConfirmed';
import { isolatedInitiator } from './isolatedInitiator';
import { loopbackConfirmed } from './loopbackConfirmed';
import { loopbackMisuse } from './loopbackMisuse';
import { networkIsolation } from './networkIsolation';
import { noListener } from './noListener';
import { payloadStall } from './payloadStall';
import { proxyEnv } from './proxyEnv';
import { proxyNoUpgrade } from './proxyNoUpgrade';
import { proxyUpstreamFailed } from './proxyUpstreamFailed';
import { staleReplica } from './staleReplica';
import { tlsNotSpoken, tlsUntrusted } from './tlsUntrusted';
import { unresolvableName } from './unresolvableName';
import { wsRejected } from './wsRejected';

/** Rules over topology + probe results: why a red edge is red, and what to change. */
export const PROBE_RULES: Record<string, ProbeRule> = {
  'probe-loopback-bind': loopbackConfirmed,
  'probe-ipv6-only-bind': ipv6OnlyConfirmed,
  'probe-no-listener': noListener,
  'unresolvable-name': unresolvableName,
  'no-host-gateway-alias': hostAlias,
  'host-port-loopback-only': hostLoopbackOnly,
  'isolated-initiator': isolatedInitiator,
  'network-isolation': networkIsolation,
  'icc-disabled': iccDisabled,
  'loopback-means-self': loopbackMisuse,
  'proxy-no-upgrade': proxyNoUpgrade,
  'proxy-upstream-failed': proxyUpstreamFailed,
  'ws-rejected': wsRejected,
  'probe-healthy-unreachable': healthyUnreachable,
  'talks-to-old-replica': staleReplica,
  'proxy-env': proxyEnv,
  'firewall-blocks-path': firewallBlocksPath,
  'tls-untrusted': tlsUntrusted,
  'tls-not-spoken': tlsNotSpoken,
  'ws-idle-timeout': idleTimeout,
  'payload-stall': payloadStall,
};

export function diagnoseProbes(t: Topology, probes: ProbeResult[]): Finding[] {
  const seen = new Set<string>();
  const specific = Object.values(PROBE_RULES)
    .flatMap((rule) => rule(t, probes))
    .filter((f) => !seen.has(f.id) && seen.add(f.id));
  return [...specific, ...explainUnexplained(t, probes, specific)].sort(bySeverity);
}

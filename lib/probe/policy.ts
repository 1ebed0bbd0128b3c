import { isIP } from 'node:net';
import type { Topology } from '../model/topology';
import type { AllowPolicy } from './agent/protocol';
import { addressAllowed, inCidr } from './cidr';

/**
 * Probes are SSRF by design, so by default they reach only what the topology shows: the
 * containers' addresses and names, the networks' gateways (the host as containers see it),
 * the subnets of bridge networks (they live on this host's bridges: an address there that no
 * container holds any more is what a client with a stale address dials), loopback and the
 * host's own addresses. Anything else needs REACHMAP_PROBE_ALLOW. macvlan and ipvlan subnets
 * are the LAN, so they are not in it.
 * The name is checked before any DNS query; every address again before it is dialled.
 */

export interface ProbeAllowSetting {
  /** Extra CIDRs / addresses / names, or "*" for everything. */
  entries: string[];
}

export function allowPolicy(
  t: Topology,
  hostAddresses: string[],
  setting: ProbeAllowSetting = { entries: [] },
): AllowPolicy {
  const all = setting.entries.includes('*');
  const addresses = new Set<string>(hostAddresses);
  for (const c of t.containers)
    for (const a of c.attachments) for (const ip of [a.ipv4, a.ipv6]) if (ip) addresses.add(ip);
  // A bridge network's gateway is the host itself; on macvlan/ipvlan it is the LAN router.
  for (const n of t.networks) if (n.driver === 'bridge') for (const g of n.gateways) addresses.add(g);
  const cidrs = ['127.0.0.0/8', '::1/128'];
  // Only bridges Docker made for itself: one named by the operator (bridge.name=br0) may be a
  // host bridge joined to the LAN, whose subnet is the LAN's.
  for (const n of t.networks)
    if (n.driver === 'bridge' && /^(docker0|br-[0-9a-f]{12})$/.test(n.bridge ?? ''))
      cidrs.push(...n.subnets.filter((x) => x.includes('/')));
  for (const e of setting.entries) {
    if (e.includes('/')) cidrs.push(e);
    else if (isIP(e)) addresses.add(e);
  }
  return { all, addresses: [...addresses].sort(), cidrs };
}

/** Names the topology knows: container names, hostnames, compose services, network aliases. */
export function knownNames(t: Topology, hostName: string): Set<string> {
  const names = new Set<string>(['localhost', 'host.docker.internal', hostName.toLowerCase()]);
  for (const c of t.containers) {
    names.add(c.name.toLowerCase());
    if (c.hostname) names.add(c.hostname.toLowerCase());
    names.add(c.id.slice(0, 12));
    if (c.compose?.service) names.add(c.compose.service.toLowerCase());
    for (const a of c.attachments) for (const al of a.aliases) names.add(al.toLowerCase());
  }
  return names;
}

export function targetAllowed(
  host: string,
  t: Topology,
  policy: AllowPolicy,
  hostName: string,
  setting: ProbeAllowSetting = { entries: [] },
): string | null {
  if (policy.all) return null;
  if (isIP(host)) {
    return addressAllowed(host, policy)
      ? null
      : `${host} is not an address of this Docker host's topology; add it to REACHMAP_PROBE_ALLOW to probe it`;
  }
  const name = host.toLowerCase().replace(/\.$/, '');
  const known = knownNames(t, hostName);
  // "<container>.<network>" is how Docker's DNS names a container on one network.
  const dot = name.indexOf('.');
  const qualified =
    dot > 0 &&
    known.has(name.slice(0, dot)) &&
    t.networks.some((n) => n.name.toLowerCase() === name.slice(dot + 1));
  if (known.has(name) || qualified || setting.entries.some((e) => e.toLowerCase() === name)) return null;
  return `"${host}" is not a name in this Docker host's topology (containers, services, aliases, the host); add it to REACHMAP_PROBE_ALLOW to probe it`;
}

export { inCidr };

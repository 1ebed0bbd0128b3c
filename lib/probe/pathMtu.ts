import type { PathMtu, PayloadStep } from '../model/probe';
import type { Container, Network, Topology } from '../model/topology';
import { normalizeAddress } from './address';
import { containerByAddress } from './edges';

/**
 * The MTUs a probe's packets meet, initiator first: the interface its route leaves by (read
 * in its namespace by the agent), then the Docker network of each link — initiator → the
 * gateway container its route names, if any (a router, a VPN sidecar) → the target. Pure.
 */

/** What a network without com.docker.network.driver.mtu gets (the driver's default). */
export function networkMtu(n: Network): number {
  return n.mtu ?? (n.driver === 'overlay' ? 1450 : 1500);
}

/** The container whose attachments a namespace has (itself, or the one it shares). */
function owner(t: Topology, c: Container | undefined): Container | undefined {
  if (c?.networkModeKind === 'container') return t.containers.find((o) => o.id === c.sharesNetnsWith) ?? c;
  return c;
}

/** The network a hop is reached on: the one holding the address used for it, else one shared. */
function linkNetwork(
  t: Topology,
  a: Container | undefined,
  b: Container | undefined,
  address: string | undefined,
): Network | undefined {
  if (!a || !b) return undefined;
  const held = address ? b.attachments.find((x) => x.ipv4 === address || x.ipv6 === address) : undefined;
  const mine = new Set(a.attachments.map((x) => x.networkId));
  const id = held?.networkId ?? b.attachments.find((x) => mine.has(x.networkId))?.networkId;
  return t.networks.find((n) => n.id === id);
}

export function pathMtus(
  t: Topology,
  initiator: { name: string; container: Container | null },
  dialled: string | undefined,
  step: Pick<PayloadStep, 'route'>,
): PathMtu[] {
  const out: PathMtu[] = [];
  if (step.route)
    out.push({ where: `${initiator.name} ${step.route.interface}`, mtu: step.route.mtu, source: 'agent' });
  const address = dialled ? normalizeAddress(dialled) : undefined;
  const from = owner(t, initiator.container ?? undefined);
  const target = address ? owner(t, containerByAddress(t, address)) : undefined;
  const gateway = step.route?.gateway ?? undefined;
  const via = gateway ? containerByAddress(t, gateway) : undefined;
  const hops = [
    { c: from, at: undefined },
    { c: via, at: gateway },
    { c: target, at: address },
  ].filter((h): h is { c: Container; at: string | undefined } => !!h.c);
  for (let i = 1; i < hops.length; i++) {
    const [a, b] = [hops[i - 1], hops[i]] as [(typeof hops)[number], (typeof hops)[number]];
    const n = linkNetwork(t, a.c, b.c, b.at);
    if (n)
      out.push({
        where: `network ${n.name} (${a.c.name} → ${b.c.name})`,
        mtu: networkMtu(n),
        source: 'engine',
      });
  }
  // From the host (or through a published port) no link is shared: the network of the address.
  if (hops.length < 2 && target) {
    const a = target.attachments.find((x) => x.ipv4 === address || x.ipv6 === address);
    const n = t.networks.find((x) => x.id === a?.networkId);
    if (n) out.push({ where: `network ${n.name} (${target.name})`, mtu: networkMtu(n), source: 'engine' });
  }
  return out;
}

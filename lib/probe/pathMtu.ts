import type { PathMtu, PayloadStep } from '../model/probe';
import type { Container, Network, Topology } from '../model/topology';
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

function sharedNetwork(t: Topology, a: Container | undefined, b: Container | undefined): Network | undefined {
  if (!a || !b) return undefined;
  const mine = new Set(a.attachments.map((x) => x.networkId));
  const id = b.attachments.find((x) => mine.has(x.networkId))?.networkId;
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
  const from = owner(t, initiator.container ?? undefined);
  const target = dialled ? owner(t, containerByAddress(t, dialled)) : undefined;
  const via = step.route?.gateway ? containerByAddress(t, step.route.gateway) : undefined;
  const hops = [from, via, target].filter((c): c is Container => !!c);
  for (let i = 1; i < hops.length; i++) {
    const n = sharedNetwork(t, hops[i - 1], hops[i]);
    if (n)
      out.push({
        where: `network ${n.name} (${hops[i - 1]?.name} → ${hops[i]?.name})`,
        mtu: networkMtu(n),
        source: 'engine',
      });
  }
  // From the host (or through a published port) no link is shared: the target's own networks.
  if (hops.length < 2 && target)
    for (const a of target.attachments) {
      const n = t.networks.find((x) => x.id === a.networkId);
      if (n) out.push({ where: `network ${n.name} (${target.name})`, mtu: networkMtu(n), source: 'engine' });
    }
  return out;
}

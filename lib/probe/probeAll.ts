import type { Container, Namespace, Topology } from '../model/topology';
import { hostPort } from '../util/address';
import type { ResolvedInitiator } from './initiator';

/**
 * Every discovered listener, as the initiator would address it: by service name on a
 * shared network with embedded DNS, else by IP; its own namespace's listeners on
 * 127.0.0.1; from the host, containers by IP and published ports on the host side.
 * Loopback-only listeners are included on purpose: those paths are the red edges.
 */

export interface ProbeAllTarget {
  to: string;
  /** The namespace the listener lives in (for labelling progress). */
  nsKey: string;
  listener: string;
}

const MAX_TARGETS = 200;

function owner(ns: Namespace, byId: Map<string, Container>): Container | undefined {
  return byId.get(ns.ownerId ?? '') ?? byId.get(ns.containerIds[0] ?? '');
}

export function probeAllTargets(
  t: Topology,
  init: ResolvedInitiator,
  mode: 'tcp' | 'http' = 'tcp',
): ProbeAllTarget[] {
  const byId = new Map(t.containers.map((c) => [c.id, c]));
  const url = (host: string, port: number) => {
    return mode === 'http' ? `http://${hostPort(host, port)}/` : hostPort(host, port);
  };
  const out = new Map<string, ProbeAllTarget>();
  const add = (to: string, nsKey: string, listener: string) => {
    if (!out.has(to) && out.size < MAX_TARGETS) out.set(to, { to, nsKey, listener });
  };
  const initNs = init.namespace;
  const initNets = new Set(
    init.kind === 'host'
      ? []
      : ((init.container?.networkModeKind === 'container'
          ? byId.get(init.container.sharesNetnsWith ?? '')
          : init.container
        )?.attachments.map((a) => a.networkId) ?? []),
  );
  for (const ns of t.namespaces) {
    const tcp = ns.listeners.filter((l) => l.role === 'workload' && l.protocol === 'tcp');
    if (ns.id === initNs?.id) {
      for (const l of tcp)
        add(
          url(l.family === 6 && l.scope !== 'any' ? '::1' : '127.0.0.1', l.port),
          ns.key,
          hostPort(l.address, l.port),
        );
      continue;
    }
    if (ns.kind === 'host') continue; // the host's own services are not the application's paths
    const o = owner(ns, byId);
    if (!o) continue;
    for (const l of tcp) {
      if (init.kind === 'host') {
        // IPv4 when there is one; IPv6-only networks still get probed.
        const ip = o.attachments.find((a) => a.ipv4)?.ipv4 ?? o.attachments.find((a) => a.ipv6)?.ipv6;
        if (ip) add(url(ip, l.port), ns.key, hostPort(l.address, l.port));
        continue;
      }
      const shared = o.attachments.find((a) => initNets.has(a.networkId));
      if (!shared) continue; // different networks are isolated by design
      const net = t.networks.find((n) => n.id === shared.networkId);
      const name = net?.embeddedDns ? (o.compose?.service ?? o.name) : null;
      const host = name ?? shared.ipv4 ?? shared.ipv6;
      if (host) add(url(host, l.port), ns.key, hostPort(l.address, l.port));
    }
  }
  if (init.kind === 'host') {
    for (const c of t.containers) {
      for (const p of c.ports) {
        if (p.protocol !== 'tcp') continue;
        const hostIp = p.hostIp === '0.0.0.0' || p.hostIp === '::' ? '127.0.0.1' : p.hostIp;
        add(
          url(hostIp, p.hostPort),
          c.netns ? (t.namespaces.find((n) => n.id === c.netns)?.key ?? '') : '',
          `published ${hostPort(p.hostIp, p.hostPort)}`,
        );
      }
    }
  }
  return [...out.values()];
}

import type { Container, Finding, Namespace, Topology } from '../../model/topology';
import { hostPort } from '../../util/address';
import {
  bindingText,
  containerRef,
  type Index,
  listenerText,
  makeFinding,
  namespaceRef,
  type Rule,
} from '../finding';

/**
 * Pattern 1 of domain.md: the port others need is served only on 127.0.0.1 inside the
 * namespace. A published port then accepts on the host and resets; a sibling gets
 * ECONNREFUSED. "Needed" = published, or exposed while peers share a network.
 */

interface NeededPort {
  port: number;
  protocol: 'tcp' | 'udp';
  container: Container;
  published: Container['ports'];
}

export function neededPorts(
  ns: Namespace,
  members: Container[],
  t: Topology,
): { need: NeededPort[]; peers: Map<string, number> } {
  const peers = new Map<string, number>();
  for (const m of members) {
    for (const net of m.networks) {
      const n = t.networks.find((x) => x.name === net);
      const others = (n?.containerIds ?? []).filter((id) => !ns.containerIds.includes(id)).length;
      if (others > 0) peers.set(net, others);
    }
  }
  const need = new Map<string, NeededPort>();
  for (const c of members) {
    for (const e of c.exposedPorts) {
      if (e.protocol === 'sctp') continue;
      const published = c.ports.filter((p) => p.containerPort === e.port && p.protocol === e.protocol);
      if (published.length === 0 && peers.size === 0) continue;
      const key = `${e.protocol}/${e.port}`;
      if (!need.has(key)) need.set(key, { port: e.port, protocol: e.protocol, container: c, published });
    }
  }
  return { need: [...need.values()], peers };
}

export const loopbackOnlyListener: Rule = (t: Topology, idx: Index): Finding[] => {
  const out: Finding[] = [];
  for (const ns of t.namespaces) {
    if (ns.kind !== 'container' || ns.listenerSource === 'unavailable') continue;
    const members = ns.containerIds.map((id) => idx.containerById.get(id)).filter((c): c is Container => !!c);
    const { need, peers } = neededPorts(ns, members, t);
    for (const n of need) {
      const ls = ns.listeners.filter(
        (l) => l.role === 'workload' && l.protocol === n.protocol && l.port === n.port,
      );
      if (ls.length === 0 || ls.some((l) => l.scope !== 'loopback')) continue;
      const published = n.published.length > 0;
      const peerText = [...peers].map(([net, k]) => `${k} on ${net}`).join(', ');
      const consequences = [
        published
          ? `the published ${n.published.map((p) => hostPort(p.hostIp, p.hostPort)).join(', ')} accepts on the host and then resets or returns an empty reply`
          : null,
        peers.size > 0
          ? `containers on the same network (${peerText}) get ECONNREFUSED via its name or IP`
          : null,
      ].filter(Boolean);
      out.push(
        makeFinding('loopback-only-listener', published ? 'error' : 'warning', containerRef(n.container), {
          discriminator: `${n.protocol}-${n.port}`,
          pattern: 'loopback-bind',
          related: [namespaceRef(ns)],
          title: `${n.container.name}: ${n.port}/${n.protocol} listens on loopback only`,
          message: `${n.port}/${n.protocol} of ${n.container.name} is ${published ? 'published' : 'exposed to peers'}, but inside its namespace the only listener binds ${ls.map((l) => l.address).join(', ')}: ${consequences.join('; ')}. Only processes in the same namespace (sidecars with network_mode: service:${n.container.compose?.service ?? n.container.name}) can reach it.`,
          evidence: [
            ...ls.map((l) => ({ label: 'listener', value: listenerText(l), source: ns.listenerSource })),
            ...n.published.map((p) => ({
              label: 'published port',
              value: bindingText(p),
              source: 'docker-api' as const,
            })),
            ...[...peers].map(([net, k]) => ({
              label: 'peers',
              value: `${k} other namespace(s) on ${net}`,
              source: 'docker-api' as const,
            })),
          ],
          fix: `Make the server listen on all interfaces inside the container (0.0.0.0 or [::]), e.g. a --host 0.0.0.0 / --bind lan style flag or HOST=0.0.0.0; keep the publish on 127.0.0.1 if the port must stay local to the host (ports: ["127.0.0.1:${n.published[0]?.hostPort ?? n.port}:${n.port}"]).`,
        }),
      );
    }
  }
  return out;
};

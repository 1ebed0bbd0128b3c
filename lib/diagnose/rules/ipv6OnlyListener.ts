import type { Container, Finding, Topology } from '../../model/topology';
import {
  bindingText,
  containerRef,
  type Index,
  listenerText,
  makeFinding,
  namespaceRef,
  type Rule,
} from '../finding';
import { neededPorts } from './loopbackOnlyListener';

/**
 * The port others need is served only by IPv6 sockets with IPV6_V6ONLY (`[::]:80` in ss, not
 * `*:80`): nginx's `listen [::]:80;` alone does this. docker-proxy and the DNAT rules reach
 * the container over IPv4, so the published port resets; IPv4 peers get ECONNREFUSED —
 * while the listener table at a glance says "[::], all interfaces".
 */
export const ipv6OnlyListener: Rule = (t: Topology, idx: Index): Finding[] => {
  const out: Finding[] = [];
  for (const ns of t.namespaces) {
    if (ns.kind !== 'container' || ns.listenerSource === 'unavailable') continue;
    const members = ns.containerIds.map((id) => idx.containerById.get(id)).filter((c): c is Container => !!c);
    const { need, peers } = neededPorts(ns, members, t);
    for (const n of need) {
      if (n.protocol !== 'tcp') continue;
      const ls = ns.listeners.filter(
        (l) => l.role === 'workload' && l.protocol === 'tcp' && l.port === n.port,
      );
      // [::] with IPV6_V6ONLY; [::1] is loopback-only (its own rule), whatever the flag.
      if (ls.length === 0 || !ls.every((l) => l.family === 6 && l.v6only === true && l.scope === 'any'))
        continue;
      const c = n.container;
      const nginx = ls.some((l) => l.process?.name === 'nginx');
      out.push(
        makeFinding('ipv6-only-listener', n.published.length ? 'error' : 'warning', containerRef(c), {
          pattern: 'loopback-bind',
          discriminator: `tcp-${n.port}`,
          related: [namespaceRef(ns)],
          title: `${c.name}: ${n.port}/tcp listens on IPv6 only`,
          message: `Inside ${c.name} the only listener on ${n.port} is an IPv6 socket with IPV6_V6ONLY (${ls.map(listenerText).join(', ')}): it takes no IPv4 connection. ${
            n.published.length
              ? `The published ${n.published.map(bindingText).join(', ')} forwards to the container's IPv4 address, so it accepts on the host and then resets. `
              : ''
          }${peers.size ? `Containers on ${[...peers.keys()].join(', ')} that connect over IPv4 (the usual case) get ECONNREFUSED.` : ''}`,
          evidence: [
            ...ls.map((l) => ({ label: 'listener', value: listenerText(l), source: ns.listenerSource })),
            ...n.published.map((p) => ({
              label: 'published port',
              value: bindingText(p),
              source: 'docker-api' as const,
            })),
          ],
          fix: nginx
            ? `nginx's "listen [::]:${n.port};" is IPv6-only by default: add "listen ${n.port};" next to it (or use "listen [::]:${n.port} ipv6only=off;").`
            : `Listen on 0.0.0.0:${n.port} as well, or clear IPV6_V6ONLY on the socket (bind [::] dual-stack).`,
        }),
      );
    }
  }
  return out;
};

import { containerRef, listenerText, makeFinding } from '../finding';
import {
  emptiedAfterConnect,
  type ProbeRule,
  pathInto,
  probeRef,
  step,
  stepEvidence,
  targetContainer,
} from './context';

/**
 * A probe confirmed an IPv6-only bind: over IPv4 the connection was refused (from a
 * sibling) or accepted then emptied (through a published port, which docker-proxy forwards
 * over IPv4), and every listener on that port is an IPv6 socket with IPV6_V6ONLY.
 */
export const ipv6OnlyConfirmed: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    if (r.verdict === 'pass') return [];
    const tcp = step(r, 'tcp');
    // Refused over IPv4, with no IPv6 attempt that got through.
    const refused =
      tcp && !tcp.ok
        ? tcp.attempts.find((a) => a.error === 'ECONNREFUSED' && !a.address.includes(':'))
        : undefined;
    const emptied = emptiedAfterConnect(r);
    if (!refused && !emptied) return [];
    const c = targetContainer(t, r);
    if (!c || c.id === r.initiator.id) return [];
    const ns = t.namespaces.find((n) => n.id === c.netns);
    if (!ns || ns.id === r.initiator.netns) return [];
    const port = pathInto(r, c).port;
    const ls = ns.listeners.filter((l) => l.role === 'workload' && l.protocol === 'tcp' && l.port === port);
    // [::] with IPV6_V6ONLY; [::1] is loopback-only (its own rule), whatever the flag.
    if (ls.length === 0 || !ls.every((l) => l.family === 6 && l.v6only === true && l.scope === 'any'))
      return [];
    const nginx = ls.some((l) => l.process?.name === 'nginx');
    return [
      makeFinding('probe-ipv6-only-bind', 'error', probeRef(r), {
        pattern: 'loopback-bind',
        discriminator: `${c.id.slice(0, 12)}-${port}`,
        related: [containerRef(c)],
        title: `${c.name} listens on [::]:${port} IPv6-only — IPv4 clients are refused`,
        message: !refused
          ? `From ${r.initiator.name}, ${r.target.input} connects (docker-proxy accepts on the host side) and is then cut off: docker-proxy forwards over IPv4, and inside ${c.name} the server takes IPv6 only.`
          : `From ${r.initiator.name}, ${refused?.address}:${port} is refused: ${c.name} listens on ${port} with an IPv6-only socket (IPV6_V6ONLY), which takes no IPv4 connection. The listener table shows [::] — "all interfaces" at a glance — which is why this is easy to miss.`,
        evidence: [
          ...stepEvidence(r, ['tcp', 'http']),
          ...ls.map((l) => ({
            label: `listener in ${c.name}`,
            value: listenerText(l),
            source: ns.listenerSource,
          })),
        ],
        fix: nginx
          ? `nginx's "listen [::]:${port};" is IPv6-only by default: add "listen ${port};" next to it (or "listen [::]:${port} ipv6only=off;").`
          : `Listen on 0.0.0.0:${port} as well, or clear IPV6_V6ONLY (a dual-stack [::] socket).`,
      }),
    ];
  });

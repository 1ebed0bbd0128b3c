import { containerRef, listenerText, makeFinding } from '../finding';
import { type ProbeRule, probeRef, step, stepEvidence, targetContainer } from './context';
import { loopbackBindFix } from './fixes';

/**
 * A probe confirmed pattern 1: the connection to the target's port was refused (from a
 * sibling) or accepted then emptied (through a published port), and the target's
 * namespace listens on that port on loopback only.
 */
export const loopbackConfirmed: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    const tcp = step(r, 'tcp');
    const http = step(r, 'http');
    const refused = tcp && !tcp.ok && tcp.attempts.some((a) => a.error === 'ECONNREFUSED');
    const emptied = tcp?.ok && http && !http.ok && ['EMPTY_REPLY', 'ECONNRESET'].includes(http.error ?? '');
    if (!refused && !emptied) return [];
    const c = targetContainer(t, r);
    if (!c || c.id === r.initiator.id) return [];
    const ns = t.namespaces.find((n) => n.id === c.netns);
    if (!ns || ns.id === r.initiator.netns) return [];
    // Through a published port the container side is the publish's container port.
    const port = emptied
      ? (c.ports.find((p) => p.hostPort === r.target.port)?.containerPort ?? r.target.port)
      : r.target.port;
    const ls = ns.listeners.filter((l) => l.role === 'workload' && l.protocol === 'tcp' && l.port === port);
    if (ls.length === 0 || ls.some((l) => l.scope !== 'loopback')) return [];
    const oc = c.openclaw;
    const fix = loopbackBindFix(c, port);
    return [
      makeFinding('probe-loopback-bind', 'error', probeRef(r), {
        pattern: 'loopback-bind',
        discriminator: `${c.id.slice(0, 12)}-${port}`,
        related: [containerRef(c)],
        title: `${c.name} listens on 127.0.0.1:${port} only — ${r.initiator.name} cannot reach it`,
        message: emptied
          ? `From ${r.initiator.name}, ${r.target.input} connects (docker-proxy accepts on the host side) and is then ${http?.error === 'ECONNRESET' ? 'reset' : 'closed with no reply'}: inside ${c.name}'s namespace the server listens on loopback only, so the forwarded connection to ${port} finds nothing.`
          : `From ${r.initiator.name}, ${r.target.host} resolves and the connection to ${port} is refused: ${c.name} listens on loopback only, which is reachable only from processes in its own namespace.`,
        evidence: [
          ...stepEvidence(r, ['dns', 'tcp', 'http']),
          ...ls.map((l) => ({
            label: `listener in ${c.name}`,
            value: listenerText(l),
            source: ns.listenerSource,
          })),
          ...(oc
            ? [
                {
                  label: 'OpenClaw config',
                  value: `gateway.bind = ${oc.bind ?? 'unset'} (${oc.configSource})`,
                  source: 'proc' as const,
                },
              ]
            : []),
        ],
        fix,
      }),
    ];
  });

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
 * Refused (or, through a published port, accepted then emptied) and the target's namespace
 * has no socket on that port at all: the client asks the wrong port, or the service has not
 * bound it (crashed worker, another config).
 */
export const noListener: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    const tcp = step(r, 'tcp');
    const refused = tcp && !tcp.ok && tcp.attempts.some((a) => a.error === 'ECONNREFUSED');
    const emptied = emptiedAfterConnect(r);
    if (!refused && !emptied) return [];
    const c = targetContainer(t, r);
    if (!c || c.id === r.initiator.id) return [];
    const ns = t.namespaces.find((n) => n.id === c.netns);
    if (!ns || ns.listenerSource === 'unavailable') return [];
    const path = pathInto(r, c);
    // Refused at a host address: the host's side of the publish answered, not c (host-port rules).
    if (refused && path.via === 'published') return [];
    const port = path.port;
    const pub = path.via === 'published' ? c.ports.find((p) => p.hostPort === r.target.port) : undefined;
    // On the host's stack only c's own sockets count, not every host daemon.
    const tcpListeners = ns.listeners.filter(
      (l) => l.role === 'workload' && l.protocol === 'tcp' && (ns.kind !== 'host' || l.containerId === c.id),
    );
    if (tcpListeners.some((l) => l.port === port)) return [];
    const served = [...new Set(tcpListeners.map((l) => l.port))];
    return [
      makeFinding('probe-no-listener', 'error', probeRef(r), {
        pattern: 'no-listener',
        discriminator: `${c.id.slice(0, 12)}-${port}`,
        related: [containerRef(c)],
        title: `Nothing in ${c.name} listens on ${port}`,
        message: `${r.initiator.name} reached ${c.name}'s namespace${pub && port !== r.target.port ? ` (published ${r.target.port} → ${port})` : ''} and was ${emptied ? 'accepted by docker-proxy, then cut off' : 'refused'}: no socket there listens on ${port}/tcp. ${served.length ? `It serves ${served.join(', ')}.` : 'It has no TCP listener at all: is the service running inside the container?'}`,
        evidence: [
          ...stepEvidence(r, ['tcp', 'http']),
          {
            label: `TCP listeners in ${c.name}`,
            value: tcpListeners.map(listenerText).join(', ') || 'none',
            source: ns.listenerSource,
          },
        ],
        fix: served.length
          ? `Use the port ${c.name} serves (${served.join(', ')})${pub ? `, or publish it: ports: ["${pub.hostIp === '0.0.0.0' ? '' : `${pub.hostIp}:`}${pub.hostPort}:${served[0]}"]` : ''}; or make the service listen on ${port}.`
          : `Check ${c.name}'s logs: the process that should listen on ${port} is not (yet) listening.`,
      }),
    ];
  });

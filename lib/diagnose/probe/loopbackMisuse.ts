import { hostPort } from '../../util/address';
import { containerRef, makeFinding } from '../finding';
import { type ProbeRule, probeRef, step, stepEvidence } from './context';

/**
 * Pattern 2, the other half: a container uses 127.0.0.1 (or localhost) for a service that
 * lives in another namespace. Its loopback is its own.
 */
export const loopbackMisuse: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    if (r.initiator.kind !== 'container') return [];
    const dns = step(r, 'dns');
    const tcp = step(r, 'tcp');
    const loop = (dns?.addresses ?? []).some((a) => a.startsWith('127.') || a === '::1');
    if (!loop || !tcp || tcp.ok || !tcp.attempts.some((a) => a.error === 'ECONNREFUSED')) return [];
    const elsewhere = t.namespaces
      .filter((n) => n.id !== r.initiator.netns && n.kind === 'container')
      .flatMap((n) =>
        n.listeners
          .filter((l) => l.role === 'workload' && l.protocol === 'tcp' && l.port === r.target.port)
          .map((l) => ({ n, l })),
      );
    const first = elsewhere[0];
    if (!first) return [];
    const owner = t.containers.find((c) => c.id === (first.n.ownerId ?? first.n.containerIds[0]));
    if (!owner) return [];
    const svc = owner.compose?.service ?? owner.name;
    return [
      makeFinding('loopback-means-self', 'error', probeRef(r), {
        pattern: 'loopback-misuse',
        discriminator: String(r.target.port),
        related: [containerRef(owner)],
        title: `127.0.0.1 in ${r.initiator.name} is ${r.initiator.name} itself, not ${owner.name}`,
        message: `${r.initiator.name} tried ${r.target.host}:${r.target.port} and was refused: in its own namespace nothing listens there. ${owner.name} listens on ${r.target.port} in another namespace (${first.l.address}).`,
        evidence: [
          ...stepEvidence(r, ['dns', 'tcp']),
          {
            label: `listener in ${owner.name}`,
            value: `${first.l.protocol} ${hostPort(first.l.address, first.l.port)}`,
            source: first.n.listenerSource,
          },
        ],
        fix: `Use the service name: ${r.target.scheme === 'tcp' ? '' : `${r.target.scheme}://`}${svc}:${r.target.port}${r.target.path || ''} (both on one user-defined network${first.l.scope === 'loopback' ? ', and bind the server to 0.0.0.0' : ''}), or share the namespace: network_mode: "service:${svc}".`,
      }),
    ];
  });

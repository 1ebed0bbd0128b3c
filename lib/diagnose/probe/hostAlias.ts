import { hostPort, isLoopbackAddress } from '../../util/address';
import { containerRef, makeFinding } from '../finding';
import {
  namespaceOwner,
  type ProbeRule,
  probeRef,
  publishedOn,
  sharesNetwork,
  step,
  stepEvidence,
} from './context';

const ALIASES = ['host.docker.internal', 'gateway.docker.internal'];

/**
 * Pattern 2 on Linux: host.docker.internal exists on Docker Desktop, but Docker Engine adds it
 * only with extra_hosts: host-gateway. And even then a port published on 127.0.0.1 is not
 * reachable through the gateway address.
 */
export const hostAlias: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    const dns = step(r, 'dns');
    const name = r.target.host.toLowerCase();
    if (r.initiator.kind !== 'container' || !dns || dns.ok || !ALIASES.includes(name)) return [];
    const owner = namespaceOwner(t, r);
    // With no network (none, internal-only) the alias would not help: isolated-initiator says why.
    const nets = owner?.attachments.map((a) => t.networks.find((n) => n.id === a.networkId)) ?? [];
    if (!owner || owner.networkModeKind === 'none' || nets.length === 0 || nets.every((n) => n?.internal))
      return [];
    const pub = publishedOn(t, r.target.port);
    const scheme = r.target.scheme === 'tcp' ? '' : `${r.target.scheme}://`;
    const loopbackOnly = pub && isLoopbackAddress(pub.p.hostIp);
    const svc = pub ? (pub.c.compose?.service ?? pub.c.name) : null;
    const viaName =
      pub && sharesNetwork(owner, pub.c)
        ? ` Simpler: ${r.initiator.name} shares a network with ${pub.c.name}, so use ${scheme}${svc}:${pub.p.containerPort}${r.target.path || ''}.`
        : '';
    return [
      makeFinding('no-host-gateway-alias', 'error', probeRef(r), {
        pattern: 'unresolvable-name',
        discriminator: name,
        related: pub ? [containerRef(pub.c)] : [],
        title: `${name} does not resolve in ${r.initiator.name}`,
        message: `${name} is defined by Docker Desktop; on Docker Engine (Linux) it exists only when the container is started with extra_hosts: ["${name}:host-gateway"]. ${r.initiator.name} has no such entry, and its resolver answers ${dns.error}.${
          loopbackOnly && pub
            ? ` Even with the alias, port ${r.target.port} is published on ${hostPort(pub.p.hostIp, pub.p.hostPort)} only, which the gateway address does not reach.`
            : ''
        }`,
        evidence: [
          ...stepEvidence(r, ['dns']),
          ...(pub
            ? [
                {
                  label: 'published port',
                  value: `${hostPort(pub.p.hostIp, pub.p.hostPort)} → ${pub.c.name}:${pub.p.containerPort}/tcp`,
                  source: 'docker-api' as const,
                },
              ]
            : []),
        ],
        fix: `Add extra_hosts: ["${name}:host-gateway"] to ${owner?.compose?.service ?? r.initiator.name}${
          loopbackOnly
            ? ` and publish ${r.target.port} on the bridge gateway address (or 0.0.0.0, firewalled) instead of ${pub?.p.hostIp}`
            : ''
        }.${viaName}`,
      }),
    ];
  });

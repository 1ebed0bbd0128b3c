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

/**
 * A container reaches for the host through a bridge gateway address (host.docker.internal
 * with host-gateway, 172.17.0.1…) and is refused, because the host side listens on
 * loopback only — a port published as 127.0.0.1:P, or a host service bound to 127.0.0.1.
 * The host's own probe of 127.0.0.1:P passes, which is what makes it confusing.
 */
export const hostLoopbackOnly: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    if (r.initiator.kind !== 'container') return [];
    const tcp = step(r, 'tcp');
    const gateways = new Set(t.networks.flatMap((n) => n.gateways));
    const attempt = tcp?.attempts.find((a) => a.error === 'ECONNREFUSED' && gateways.has(a.address));
    if (!tcp || tcp.ok || !attempt) return [];
    const host = t.namespaces.find((n) => n.kind === 'host');
    if (!host) return [];
    const onPort = host.listeners.filter((l) => l.protocol === 'tcp' && l.port === tcp.port);
    const pub = publishedOn(t, tcp.port);
    // With "userland-proxy": false a loopback publish has no host listener, only DNAT rules.
    const loopbackPublish = !!pub && isLoopbackAddress(pub.p.hostIp);
    if (onPort.some((l) => l.scope !== 'loopback') || (onPort.length === 0 && !loopbackPublish)) return [];
    const owner = namespaceOwner(t, r);
    if (!owner) return [];
    // On the host's own stack the gateway address is local, and so is 127.0.0.1.
    const onHostStack = owner.networkModeKind === 'host';
    const scheme = r.target.scheme === 'tcp' ? '' : `${r.target.scheme}://`;
    const what = pub
      ? `${pub.c.name} publishes ${tcp.port} on ${hostPort(pub.p.hostIp, pub.p.hostPort)} only`
      : `the host service on ${tcp.port} listens on ${onPort.map((l) => l.address).join(', ')} only`;
    const byName =
      pub && sharesNetwork(owner, pub.c)
        ? ` ${r.initiator.name} shares a network with ${pub.c.name}: use ${scheme}${pub.c.compose?.service ?? pub.c.name}:${pub.p.containerPort}${r.target.path || ''} instead.`
        : '';
    return [
      makeFinding('host-port-loopback-only', 'error', probeRef(r), {
        pattern: 'loopback-bind',
        discriminator: `${attempt.address}-${tcp.port}`,
        related: pub ? [containerRef(pub.c)] : [],
        title: `${r.initiator.name} → the host's ${tcp.port}: ${pub ? 'published' : 'listening'} on loopback only`,
        message: onHostStack
          ? `${r.initiator.name} runs on the host's network stack and dials ${attempt.address}, a host address, where nothing listens: ${what}. It can use 127.0.0.1:${tcp.port} directly.`
          : `${r.initiator.name} reaches the host at ${attempt.address} (a bridge gateway address) and is refused: ${what}, and the host's loopback is not reachable from a container. From the host itself 127.0.0.1:${tcp.port} works, which is why it looks fine there.`,
        evidence: [
          ...stepEvidence(r, ['dns', 'tcp']),
          ...onPort.map((l) => ({
            label: 'listener on the host',
            value: `${l.protocol} ${hostPort(l.address, l.port)}${l.process ? ` (${l.process.name})` : ''}`,
            source: host.listenerSource,
          })),
        ],
        fix: onHostStack
          ? `Use ${scheme}127.0.0.1:${tcp.port}${r.target.path || ''}: on the host network the host's loopback is ${r.initiator.name}'s too.`
          : `${
              pub
                ? `Publish on the gateway address as well (ports: ["${attempt.address}:${tcp.port}:${pub.p.containerPort}"]) or on 0.0.0.0 behind a firewall`
                : `Make the host service also listen on ${attempt.address} (or 0.0.0.0, firewalled)`
            }.${byName}`,
      }),
    ];
  });

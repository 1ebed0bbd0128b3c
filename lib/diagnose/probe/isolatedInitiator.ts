import type { ProbeResult } from '../../model/probe';
import { hostPort, isLoopbackAddress } from '../../util/address';
import { containerRef, makeFinding } from '../finding';
import { namespaceOwner, type ProbeRule, probeRef, stepEvidence, targetContainer } from './context';

const NO_ROUTE = /^(ENETUNREACH|EHOSTUNREACH)\b/;
const isLoopback = (a: string) => isLoopbackAddress(a) || a === 'localhost';

/** The failure the kernel gave for lack of a route, if that is how the probe failed. */
function noRoute(r: ProbeResult): string | undefined {
  for (const s of r.steps) {
    if (s.kind === 'dns' && !s.ok && s.error && NO_ROUTE.test(s.error)) return `resolver: ${s.error}`;
    if (s.kind === 'tcp' && !s.ok) {
      const a = s.attempts.find((x) => x.error && NO_ROUTE.test(x.error));
      if (a) return `${hostPort(a.address, s.port)} ${a.error}`;
    }
  }
  return undefined;
}

/**
 * The initiator's namespace has nowhere to send the packet: `network_mode: none` leaves only
 * loopback, and internal networks have no route beyond their own subnets. The target is
 * not at fault, so say so before anyone debugs it.
 */
export const isolatedInitiator: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    if (r.initiator.kind !== 'container' || r.verdict !== 'fail') return [];
    const owner = namespaceOwner(t, r);
    // In network_mode none every non-loopback failure is the missing network, whatever the
    // error (a resolv.conf naming 127.0.0.53 gives "refused", not "no route").
    const firstFailure = r.steps.find((s) => !s.ok);
    const why =
      noRoute(r) ??
      (owner?.networkModeKind === 'none' && firstFailure
        ? `${firstFailure.kind}: ${firstFailure.error ?? 'failed'}`
        : undefined);
    if (!owner || !why) return [];
    const dnsAddrs = r.steps.flatMap((s) => (s.kind === 'dns' ? s.addresses : []));
    if (isLoopback(r.target.host) || (dnsAddrs.length > 0 && dnsAddrs.every(isLoopback))) return [];
    const target = targetContainer(t, r);
    const targetNet = target?.attachments.find(
      (a) => !t.networks.find((n) => n.id === a.networkId)?.internal,
    );
    const evidence = [
      ...stepEvidence(r, ['dns', 'tcp']),
      {
        label: `routes of ${r.initiator.name}`,
        value: r.initiator.routes.join('; '),
        source: 'probe' as const,
      },
    ];
    const related = target ? [containerRef(target)] : [];
    if (owner.networkModeKind === 'none') {
      return [
        makeFinding('isolated-initiator', 'error', probeRef(r), {
          pattern: 'isolated-namespace',
          related,
          title: `${r.initiator.name} has no network (network_mode: none)`,
          message: `${owner.name} runs with network_mode: none, so its namespace holds only loopback: no other container, not the host, not its nameserver can be reached from it (${why}). ${r.target.host} is not at fault.`,
          evidence: [...evidence, { label: 'network mode', value: 'none', source: 'docker-api' }],
          fix: `Give ${owner.compose?.service ?? owner.name} a network: drop network_mode: none and attach it to ${targetNet ? `${targetNet.networkName} (the network ${target?.name} is on)` : 'a user-defined network'}; or share the namespace of a service that has one (network_mode: "service:<name>").`,
        }),
      ];
    }
    const nets = owner.attachments.map((a) => t.networks.find((n) => n.id === a.networkId));
    if (nets.length === 0 || !nets.every((n) => n?.internal)) return [];
    const names = nets.map((n) => n?.name).join(', ');
    return [
      makeFinding('isolated-initiator', 'error', probeRef(r), {
        pattern: 'isolated-namespace',
        related,
        title: `${r.initiator.name} is only on internal networks (${names})`,
        message: `An internal network has no route beyond its own subnet: ${r.initiator.name} reaches the containers on ${names} (and at most the host's own address on it), not other networks, published ports or the outside (${why}).`,
        evidence: [
          ...evidence,
          { label: 'networks', value: `${names} (internal: true)`, source: 'docker-api' },
        ],
        fix: `Attach ${owner.compose?.service ?? owner.name} to a network it shares with the target${targetNet ? ` (${targetNet.networkName})` : ''}, or drop internal: true from ${names} if it must reach the host or the outside.`,
      }),
    ];
  });

import type { ProbeResult } from '../model/probe';
import type { Container, Topology } from '../model/topology';
import { isLoopbackAddress } from '../util/address';
import { normalizeAddress } from './address';

/**
 * Where a probe's edge starts and ends on the graph: the initiator's node, and the node of
 * whatever answered (or should have): the container owning the address dialled, the
 * container behind a published port, or the host. Pure; used by the UI.
 */

export interface ProbeEndpoints {
  source: string;
  target: string | null;
}

/** The container that holds an address (only running containers have one). */
export function containerByAddress(t: Topology, address: string): Container | undefined {
  const a = normalizeAddress(address);
  return t.containers.find((c) => c.attachments.some((x) => x.ipv4 === a || x.ipv6 === a));
}

/**
 * The running container that publishes a host TCP port, with the binding; `orStopped`: else
 * one that publishes it when running (for edges: a stopped container's port is still its own).
 */
export function publishedOn(t: Topology, port: number, orStopped = false) {
  for (const c of t.containers) {
    const p = c.ports.find((x) => x.protocol === 'tcp' && x.hostPort === port);
    if (p && c.state === 'running') return { c, p };
  }
  if (!orStopped) return undefined;
  for (const c of t.containers) {
    const p = c.configuredPorts.find((x) => x.protocol === 'tcp' && x.hostPort === port);
    if (p && c.state !== 'running') return { c, p };
  }
  return undefined;
}

/** The address the probe connected to, or the first it tried. */
export function dialledAddress(r: ProbeResult): string | undefined {
  const tcp = r.steps.find((s) => s.kind === 'tcp');
  return tcp?.kind === 'tcp' ? (tcp.connected?.address ?? tcp.attempts[0]?.address) : undefined;
}

function containerByName(t: Topology, name: string): Container | undefined {
  const n = name.toLowerCase();
  return (
    t.containers.find((c) => c.name.toLowerCase() === n) ??
    t.containers.find((c) => c.compose?.service.toLowerCase() === n && c.state === 'running') ??
    t.containers.find((c) => c.attachments.some((a) => a.aliases.some((al) => al.toLowerCase() === n)))
  );
}

const node = (c: Container) => `ctr:${c.id}`;

/** The probe ran from a container that no longer exists (removed, not merely stopped). */
export function initiatorGone(t: Pick<Topology, 'containers'>, r: ProbeResult): boolean {
  return r.initiator.kind === 'container' && !t.containers.some((c) => c.id === r.initiator.id);
}

export function probeEndpoints(t: Topology, r: ProbeResult): ProbeEndpoints {
  const source = r.initiator.kind === 'host' ? 'ns:host' : `ctr:${r.initiator.id}`;
  const dns = r.steps.find((s) => s.kind === 'dns');
  const address =
    dialledAddress(r) ??
    (dns?.kind === 'dns' ? dns.addresses[0] : undefined) ??
    (r.target.literal ? r.target.host : undefined);
  if (!address) {
    const c = containerByName(t, r.target.host);
    return { source, target: c ? node(c) : null };
  }
  const a = normalizeAddress(address);
  // A failed probe of a stopped container's published port still ends on that container.
  const publisher = () => publishedOn(t, r.target.port, !r.ok)?.c;
  // A host-network container's loopback is the host's.
  const onHostStack =
    r.initiator.kind === 'host' || t.namespaces.find((n) => n.id === r.initiator.netns)?.kind === 'host';
  if (isLoopbackAddress(a)) {
    if (onHostStack) {
      const c = publisher();
      if (c) return { source, target: node(c) };
      const hn = t.containers.find(
        (x) => x.networkModeKind === 'host' && x.exposedPorts.some((p) => p.port === r.target.port),
      );
      return { source, target: hn ? node(hn) : 'ns:host' };
    }
    // Loopback inside a container: whoever in its own namespace listens there.
    const ns = t.namespaces.find((n) => n.id === r.initiator.netns);
    const l = ns?.listeners.find((x) => x.port === r.target.port && x.role === 'workload');
    const holder = l?.containerId ?? ns?.ownerId ?? null;
    return { source, target: holder ? `ctr:${holder}` : ns ? `ns:${ns.key}` : null };
  }
  const c = containerByAddress(t, a);
  if (c) return { source, target: node(c) };
  if (t.networks.some((n) => n.driver === 'bridge' && n.gateways.includes(a))) {
    // The host through a bridge gateway (host.docker.internal): a published port's container.
    const c = publisher();
    return { source, target: c ? node(c) : 'ns:host' };
  }
  return { source, target: null };
}

/** The key under which the latest result of "this path" is kept: re-probing replaces it. */
export const probePathKey = (r: Pick<ProbeResult, 'initiator' | 'target' | 'origin'>) =>
  `${r.initiator.id}→${r.target.input}${r.origin ? ` @${r.origin}` : ''}`;

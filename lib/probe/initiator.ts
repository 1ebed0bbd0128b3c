import { OperatorError } from '../errors';
import type { Container, Namespace, Topology } from '../model/topology';

/** Which namespace a probe starts from: the host, or a running container's. Pure. */

export class ProbeError extends OperatorError {
  override name = 'ProbeError';
}

export interface ResolvedInitiator {
  kind: 'host' | 'container';
  container: Container | null;
  namespace: Namespace | null;
}

export function resolveInitiator(t: Topology, ref: string): ResolvedInitiator {
  const r = ref.trim();
  if (r === 'host') {
    // An engine on another machine: a probe from here would leave this machine, not its host.
    if (t.host.engineElsewhere)
      throw new ProbeError(
        'the engine runs on another machine: a probe from "host" would start from Reachmap\'s machine, not the engine\'s; probe from one of its containers (helper-container runner)',
      );
    return { kind: 'host', container: null, namespace: t.namespaces.find((n) => n.kind === 'host') ?? null };
  }
  const lower = r.toLowerCase().replace(/^\//, '');
  const exact = t.containers.filter((c) => c.id === lower || c.name.toLowerCase() === lower);
  const byPrefix =
    lower.length >= 4 && /^[0-9a-f]+$/.test(lower) ? t.containers.filter((c) => c.id.startsWith(lower)) : [];
  const byService = t.containers.filter(
    (c) => c.compose?.service.toLowerCase() === lower && c.state === 'running',
  );
  const matches = exact.length ? exact : byPrefix.length ? byPrefix : byService;
  if (matches.length === 0) {
    const running = t.containers.filter((c) => c.state === 'running').map((c) => c.name);
    throw new ProbeError(
      `unknown initiator "${r}": use "host", or a container name or id (running: ${running.slice(0, 12).join(', ') || 'none'})`,
    );
  }
  if (matches.length > 1) {
    throw new ProbeError(
      `initiator "${r}" is ambiguous: ${matches.map((c) => c.name).join(', ')}; use a full name or id`,
    );
  }
  const c = matches[0] as Container;
  if (c.state !== 'running' || !c.netns) {
    throw new ProbeError(
      `${c.name} is not running (${c.status}): a stopped container has no network namespace to probe from`,
    );
  }
  return { kind: 'container', container: c, namespace: t.namespaces.find((n) => n.id === c.netns) ?? null };
}

/** A short route summary: the interfaces an initiator has, as the engine reports them. */
export function routeSummary(t: Topology, init: ResolvedInitiator): string[] {
  if (init.kind === 'host')
    return t.networks
      .filter((n) => n.gateways.length && n.driver === 'bridge')
      .map((n) => `${n.name}: ${n.gateways.join(', ')} (bridge gateway)`);
  const c = init.container as Container;
  const owner = c.networkModeKind === 'container' ? t.containers.find((o) => o.id === c.sharesNetnsWith) : c;
  if (c.networkModeKind === 'host') return ['host network stack'];
  const list = (owner ?? c).attachments.map(
    (a) => `${a.networkName}: ${a.ipv4 ?? a.ipv6 ?? '—'}${a.gateway ? ` via ${a.gateway}` : ''}`,
  );
  const shared =
    c.networkModeKind === 'container'
      ? [`shares the namespace of ${owner?.name ?? c.sharesNetnsWith?.slice(0, 12)}`]
      : [];
  return [...shared, ...(list.length ? list : ['loopback only'])];
}

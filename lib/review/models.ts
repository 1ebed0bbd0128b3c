import type { Container, Topology } from '../model/topology';
import { hostPort } from '../util/address';

/**
 * The networking-model matrix of domain.md, per compose service: which model it uses today,
 * how it listens, and what that means for reaching it from the same compose file and from
 * the host. Pure.
 */

export type NetModel = 'bridge+publish' | 'bridge' | 'host' | 'service-namespace' | 'none' | 'stopped';

export interface ServiceModel {
  project: string | null;
  service: string;
  containers: string[];
  model: NetModel;
  listen: string;
  fromCompose: string;
  fromHost: string;
  risk: string;
}

function modelOf(c: Container): NetModel {
  if (c.networkModeKind === 'host') return 'host';
  if (c.networkModeKind === 'container') return 'service-namespace';
  if (c.networkModeKind === 'none') return 'none';
  if (c.state !== 'running') return 'stopped';
  return c.ports.length ? 'bridge+publish' : 'bridge';
}

const RISK: Record<NetModel, string> = {
  'bridge+publish': 'firewall and published-port docs drift; a loopback bind breaks both paths',
  bridge: 'no path from the host except the container IP; a loopback bind breaks siblings',
  host: 'port collisions with the host and other host-network containers; INPUT chains apply',
  'service-namespace':
    'upgrade ordering: a recreated or restarted owner strands the sidecar in the old namespace',
  none: 'no network at all',
  stopped: '—',
};

export function serviceModels(t: Topology): ServiceModel[] {
  const groups = new Map<string, Container[]>();
  for (const c of t.containers) {
    if (c.compose?.oneoff) continue;
    const key = c.compose ? `${c.compose.project}/${c.compose.service}` : `/${c.name}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const out: ServiceModel[] = [];
  for (const [key, cs] of groups) {
    const c = cs.find((x) => x.state === 'running') ?? (cs[0] as Container);
    const model = modelOf(c);
    const ns = t.namespaces.find((n) => n.id === c.netns);
    const listeners = (ns?.listeners ?? []).filter((l) => l.role === 'workload' && l.protocol === 'tcp');
    const listen = listeners.length
      ? listeners.map((l) => hostPort(l.address, l.port)).join(', ')
      : c.state === 'running'
        ? 'no TCP listener'
        : 'not running';
    const svc = c.compose?.service ?? c.name;
    const open = listeners.filter((l) => l.scope !== 'loopback');
    const owner =
      c.networkModeKind === 'container' ? t.containers.find((o) => o.id === c.sharesNetnsWith) : undefined;
    let fromCompose: string;
    let fromHost: string;
    switch (model) {
      case 'bridge+publish':
      case 'bridge':
        fromCompose = open.length
          ? `${svc}:${open.map((l) => l.port).join(', ')} (service name + internal port)`
          : listeners.length
            ? `✖ loopback-only: ${svc} is unreachable by name`
            : '—';
        fromHost =
          model === 'bridge+publish'
            ? c.ports
                .map((p) => `${p.hostIp === '0.0.0.0' ? '127.0.0.1 or any host IP' : p.hostIp}:${p.hostPort}`)
                .join(', ') + (open.length ? '' : ' ✖ (resets: loopback-only inside)')
            : 'no publish: only the container IP, which changes on recreate';
        break;
      case 'host':
        fromCompose = 'the service-name path is gone for bridge peers; they need the bridge gateway IP';
        fromHost = listeners.length ? listeners.map((l) => `127.0.0.1:${l.port}`).join(', ') : '—';
        break;
      case 'service-namespace':
        fromCompose = `127.0.0.1:<port> reaches ${owner?.name ?? 'the owner'} (shared namespace)`;
        fromHost = `through ${owner?.name ?? 'the owner'}'s publishes only`;
        break;
      default:
        fromCompose = '—';
        fromHost = '—';
    }
    out.push({
      project: c.compose?.project ?? null,
      service: key.replace(/^\//, ''),
      containers: cs.map((x) => x.name),
      model,
      listen,
      fromCompose,
      fromHost,
      risk: RISK[model],
    });
  }
  return out.sort((a, b) => a.service.localeCompare(b.service));
}

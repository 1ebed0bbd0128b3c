import type { ProbeResult } from '../model/probe';
import type { Topology } from '../model/topology';
import { hostPort, isLoopbackAddress } from '../util/address';
import { serviceModels } from './models';

/**
 * The design-review decision table of domain.md: for a constraint, the safer default, the
 * signal that says it works, the main risk — and how the current services measure up.
 */

export interface Decision {
  id: string;
  constraint: string;
  saferDefault: string;
  acceptanceSignal: string;
  mainRisk: string;
}

export const DECISIONS: Decision[] = [
  {
    id: 'same-compose',
    constraint: 'CLI and Gateway in one compose file',
    saferDefault: 'bridge + explicit 0.0.0.0 bind',
    acceptanceSignal: 'service-name resolution matches the internal-port probe',
    mainRisk: 'firewall / published-port docs drift',
  },
  {
    id: 'shared-localhost',
    constraint: 'Must share localhost semantics',
    saferDefault: 'sidecar, network_mode: service:gateway',
    acceptanceSignal: 'a sidecar restart does not keep stale pools or namespace',
    mainRisk: 'upgrade ordering, volume permissions',
  },
  {
    id: 'host-proxy',
    constraint: 'Host reverse proxy already exists',
    saferDefault: 'publish on loopback only, TLS at the edge',
    acceptanceSignal: 'consistent WebSocket upgrade through the proxy',
    mainRisk: 'allowedOrigins misses the URL shapes clients use',
  },
];

export interface Assessment {
  service: string;
  follows: boolean;
  why: string;
  /** A probe result that shows the acceptance signal, when one was run. */
  signal: 'observed' | 'failed' | 'not probed';
}

export function assess(t: Topology, probes: ProbeResult[], decision: string): Assessment[] {
  const models = serviceModels(t).filter((m) => m.model !== 'stopped');
  const byName = (svc: string) => probes.filter((p) => p.target.host === svc.split('/').pop());
  return models.map((m) => {
    const svc = m.service.split('/').pop() as string;
    const related = byName(svc);
    const signal: Assessment['signal'] =
      related.length === 0 ? 'not probed' : related.some((p) => p.ok) ? 'observed' : 'failed';
    switch (decision) {
      case 'same-compose': {
        const ok = (m.model === 'bridge' || m.model === 'bridge+publish') && /0\.0\.0\.0|::/.test(m.listen);
        return {
          service: m.service,
          follows: ok,
          why: ok ? `bridge, listens on ${m.listen}` : `${m.model}, listens on ${m.listen}`,
          signal,
        };
      }
      case 'shared-localhost': {
        const ok = m.model === 'service-namespace';
        const stale = t.findings.some(
          (f) => f.rule === 'stale-shared-netns' && m.containers.includes(f.subject.name),
        );
        return {
          service: m.service,
          follows: ok && !stale,
          why: ok
            ? stale
              ? 'sidecar, but its namespace is stale'
              : 'sidecar in the owner’s namespace'
            : m.model,
          signal: stale ? 'failed' : signal,
        };
      }
      default: {
        const c = t.containers.find((x) => m.containers.includes(x.name) && x.state === 'running');
        const loopbackPublish =
          !!c && c.ports.length > 0 && c.ports.every((p) => isLoopbackAddress(p.hostIp));
        const ws = related.filter((p) => p.steps.some((s) => s.kind === 'ws'));
        const wsSignal: Assessment['signal'] =
          ws.length === 0 ? 'not probed' : ws.some((p) => p.ok) ? 'observed' : 'failed';
        return {
          service: m.service,
          follows: loopbackPublish,
          why: c?.ports.length
            ? `published on ${c.ports.map((p) => hostPort(p.hostIp, p.hostPort)).join(', ')}`
            : 'not published',
          signal: wsSignal,
        };
      }
    }
  });
}

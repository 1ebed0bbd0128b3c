import { containerRef, makeFinding } from '../finding';
import {
  emptiedAfterConnect,
  type ProbeRule,
  pathInto,
  probeRef,
  step,
  stepEvidence,
  targetContainer,
} from './context';

/** A probe fails into a container Docker calls healthy: its check runs in its own namespace. */
export const healthyUnreachable: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    if (r.ok) return [];
    const failed = r.steps.find((s) => !s.ok);
    if (!failed || (failed.kind !== 'tcp' && failed.kind !== 'http')) return [];
    const c = targetContainer(t, r);
    if (c?.health !== 'healthy' || c.id === r.initiator.id) return [];
    // An HTTP status means the request arrived: reachable, whatever the answer.
    if (step(r, 'http')?.status) return [];
    // Only when the service is up on that port: a wrong port is not "healthy but unreachable".
    const ns = t.namespaces.find((n) => n.id === c.netns);
    const path = pathInto(r, c);
    // Through a publish, only a failure inside c counts (docker-proxy accepted, then nothing).
    if (path.via === 'published' && !emptiedAfterConnect(r)) return [];
    if (
      ns &&
      ns.listenerSource !== 'unavailable' &&
      !ns.listeners.some((l) => l.protocol === 'tcp' && l.port === path.port)
    )
      return [];
    return [
      makeFinding('probe-healthy-unreachable', 'warning', probeRef(r), {
        pattern: 'health-not-reachability',
        discriminator: c.id.slice(0, 12),
        related: [containerRef(c)],
        title: `${c.name} is “healthy” yet ${r.initiator.name} cannot reach it`,
        message: `Docker marks ${c.name} healthy${c.healthcheck ? ` (its check: ${c.healthcheck})` : ''}, but the check runs inside ${c.name}'s own namespace. From ${r.initiator.name} the path fails at ${failed.kind}: ${failed.error}. Process health is not reachability.`,
        evidence: [
          ...stepEvidence(r, [failed.kind]),
          { label: 'health', value: c.health, source: 'docker-api' },
        ],
        fix: 'Fix the path (see the other findings on this edge); make the healthcheck go the way clients do, or add a Reachmap probe from the client’s namespace to your checks.',
      }),
    ];
  });

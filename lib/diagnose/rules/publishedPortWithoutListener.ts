import type { Container, Finding, Topology } from '../../model/topology';
import { hostPort } from '../../util/address';
import { bindingText, containerRef, type Index, makeFinding, namespaceRef, type Rule } from '../finding';

/** Servers take a moment to bind after start; a missing listener then is not yet a fault. */
const START_GRACE_MS = 60_000;

function stillStarting(c: Container, scannedAt: string): boolean {
  if (c.health === 'starting') return true;
  const started = c.startedAt ? Date.parse(c.startedAt) : Number.NaN;
  return Number.isFinite(started) && Date.parse(scannedAt) - started < START_GRACE_MS;
}

/** A published port whose container namespace has no listener on that port at all. */
export const publishedPortWithoutListener: Rule = (t: Topology, idx: Index): Finding[] => {
  const out: Finding[] = [];
  for (const ns of t.namespaces) {
    if (ns.kind !== 'container' || ns.listenerSource === 'unavailable') continue;
    for (const id of ns.containerIds) {
      const c = idx.containerById.get(id) as Container;
      const starting = stillStarting(c, t.scannedAt);
      const seen = new Set<string>();
      for (const p of c.ports) {
        const key = `${p.protocol}/${p.containerPort}`;
        if (seen.has(key) || p.protocol === 'sctp') continue;
        seen.add(key);
        if (ns.listeners.some((l) => l.protocol === p.protocol && l.port === p.containerPort)) continue;
        const bindings = c.ports.filter(
          (b) => b.protocol === p.protocol && b.containerPort === p.containerPort,
        );
        out.push(
          makeFinding('published-port-no-listener', starting ? 'info' : 'warning', containerRef(c), {
            discriminator: key.replace('/', '-'),
            pattern: 'no-listener',
            related: [namespaceRef(ns)],
            title: `${c.name}: nothing listens on published ${p.containerPort}/${p.protocol}`,
            message: `${c.name} publishes ${p.containerPort}/${p.protocol}, but no socket in its namespace listens on that port: the host side accepts and then closes, or the service is still starting or listens on another port.${starting ? ` It started moments ago${c.health === 'starting' ? ' and its healthcheck is still “starting”' : ''}: scan again before acting on this.` : ''}`,
            evidence: [
              ...bindings.map((b) => ({
                label: 'published port',
                value: bindingText(b),
                source: 'docker-api' as const,
              })),
              {
                label: 'listeners in namespace',
                value:
                  ns.listeners
                    .filter((l) => l.role === 'workload')
                    .map((l) => `${l.protocol} ${hostPort(l.address, l.port)}`)
                    .join(', ') || 'none',
                source: ns.listenerSource,
              },
            ],
            fix: `Check the service's listen port matches the container side of the publish (ports: ["HOST:${p.containerPort}"]), and that it has finished starting.`,
          }),
        );
      }
    }
  }
  return out;
};

import type { Finding, Topology } from '../../model/topology';
import { containerRef, makeFinding, type Rule } from '../finding';

/**
 * "docker compose ps is green": a healthcheck that calls loopback inside the container
 * proves the process answers, not that anyone else can reach it. When the same container
 * serves its port on loopback only, green and unreachable hold at once.
 */
export const healthNotReachability: Rule = (t: Topology): Finding[] => {
  const out: Finding[] = [];
  const loopbackOnly = new Set(
    t.findings.filter((f) => f.rule === 'loopback-only-listener').map((f) => f.subject.id),
  );
  for (const c of t.containers) {
    if (c.health !== 'healthy' || !c.healthcheck || !loopbackOnly.has(c.id)) continue;
    if (!/\b(127\.0\.0\.1|localhost|\[?::1\]?)\b/.test(c.healthcheck)) continue;
    out.push(
      makeFinding('healthy-but-unreachable', 'warning', containerRef(c), {
        pattern: 'health-not-reachability',
        title: `${c.name} is “healthy” but unreachable from other namespaces`,
        message: `Docker reports ${c.name} healthy because its healthcheck runs inside its own namespace against loopback, where the server does listen. Other containers and the published port cannot reach it. Process health is not reachability.`,
        evidence: [
          { label: 'health', value: c.health, source: 'docker-api' },
          { label: 'healthcheck', value: c.healthcheck, source: 'docker-api' },
        ],
        fix: 'Fix the bind (see the loopback-only finding), and make the healthcheck use the address clients use (the service name or the container IP), or probe the path from the client’s namespace (Reachmap probe).',
      }),
    );
  }
  return out;
};

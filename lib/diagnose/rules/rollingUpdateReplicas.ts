import type { Container, Finding, Topology } from '../../model/topology';
import { shellWord } from '../../util/shellWord';
import { containerRef, makeFinding, type Rule, short } from '../finding';

/**
 * Pattern 5 of domain.md, the rolling-update half: two live containers of one compose
 * service with different configuration. Clients may still resolve or pool the old one.
 */
export const rollingUpdateReplicas: Rule = (t: Topology): Finding[] => {
  const groups = new Map<string, Container[]>();
  for (const c of t.containers) {
    if (c.state !== 'running' || !c.compose || c.compose.oneoff) continue;
    const key = `${c.compose.project}/${c.compose.service}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const out: Finding[] = [];
  for (const [key, members] of groups) {
    if (members.length < 2) continue;
    const configs = new Set(members.map((m) => `${m.compose?.configHash ?? ''}|${m.imageId}`));
    if (configs.size < 2) continue;
    const sorted = [...members].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const newest = sorted[sorted.length - 1] as Container;
    const service = newest.compose?.service ?? key;
    out.push(
      makeFinding('rolling-update-replicas', 'warning', containerRef(newest), {
        discriminator: key,
        pattern: 'rolling-update',
        related: sorted.slice(0, -1).map(containerRef),
        title: `${members.length} live replicas of ${service} with different configuration`,
        message: `${members.length} containers of compose service ${key} are running with different configuration or images: a rolling update in progress or one left half-done. Clients can still resolve the service name to the old replica or keep pooled connections to it.`,
        evidence: sorted.map((m) => ({
          label: m.name,
          value: `created ${m.createdAt}, config-hash ${short(m.compose?.configHash ?? '-')}, image ${short(m.imageId.replace(/^sha256:/, ''))}, IPs ${
            m.attachments
              .map((a) => a.ipv4)
              .filter(Boolean)
              .join(', ') || '-'
          }`,
          source: 'docker-api' as const,
        })),
        fix: `Finish the update and remove the old replica (docker compose -p ${shellWord(newest.compose?.project ?? '')} up -d --remove-orphans ${shellWord(service)}); before raising timeouts, compare what clients resolve ${service} to with the current container's IP.`,
      }),
    );
  }
  return out;
};

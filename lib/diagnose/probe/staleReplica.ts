import { containerRef, makeFinding } from '../finding';
import { type ProbeRule, probeRef, step, stepEvidence } from './context';

/** Pattern 5, rolling updates: the initiator resolves or reaches an older replica while a newer one runs. */
export const staleReplica: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    const tcp = step(r, 'tcp');
    const dns = step(r, 'dns');
    const addr = tcp?.connected?.address ?? dns?.addresses[0];
    if (!addr) return [];
    const hit = t.containers.find((c) => c.attachments.some((a) => a.ipv4 === addr || a.ipv6 === addr));
    if (!hit?.compose) return [];
    const { project, service } = hit.compose;
    const newer = t.containers.find(
      (c) =>
        c.id !== hit.id &&
        c.state === 'running' &&
        c.compose?.project === project &&
        c.compose.service === service &&
        !c.compose.oneoff &&
        c.createdAt > hit.createdAt &&
        // A scaled service runs equal replicas side by side; only a different config is an update.
        (c.compose.configHash !== hit.compose?.configHash || c.imageId !== hit.imageId),
    );
    if (!newer) return [];
    return [
      makeFinding('talks-to-old-replica', 'warning', probeRef(r), {
        pattern: 'rolling-update',
        discriminator: hit.id.slice(0, 12),
        related: [containerRef(hit), containerRef(newer)],
        title: `${r.initiator.name} reaches the older replica of ${service}`,
        message: `${r.target.host} led ${r.initiator.name} to ${addr}, which is ${hit.name} (created ${hit.createdAt}); ${newer.name} (created ${newer.createdAt}) is the newer replica. During a rolling update clients that resolved or pooled early keep talking to the old one.`,
        evidence: [
          ...stepEvidence(r, ['dns', 'tcp']),
          { label: 'replicas', value: `${hit.name} (old) and ${newer.name} (new)`, source: 'docker-api' },
        ],
        fix: `Finish the update (remove ${hit.name}), make clients re-resolve and drop pooled connections; compare what they resolve with the current container before raising timeouts.`,
      }),
    ];
  });

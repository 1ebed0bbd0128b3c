import type { Container, Finding, Topology } from '../../model/topology';
import { shellWord } from '../../util/shellWord';
import { containerRef, type Index, makeFinding, type Rule, short } from '../finding';

/**
 * Pattern 5 of domain.md: a sidecar (`network_mode: service:X`, i.e. `container:<id>`)
 * keeps the namespace it joined at start. After X is recreated the id it names is gone;
 * after X is restarted X has a new namespace while NetworkMode still looks right. Only the
 * live namespace identities tell (docker-facts.md).
 */

function serviceLabel(c: Container): string {
  return c.compose ? `service ${c.compose.service}` : c.name;
}

function recreateFix(sidecar: Container): string {
  return sidecar.compose
    ? `docker compose -p ${shellWord(sidecar.compose.project)} up -d --force-recreate --no-deps ${shellWord(sidecar.compose.service)}`
    : `recreate ${sidecar.name} (docker rm -f ${sidecar.name}, then run it again with --network container:<current owner>)`;
}

export const staleSharedNetns: Rule = (t: Topology, idx: Index): Finding[] => {
  const out: Finding[] = [];
  for (const c of t.containers) {
    if (c.networkModeKind !== 'container' || c.state !== 'running' || !c.sharesNetnsWith) continue;
    const target = idx.containerById.get(c.sharesNetnsWith);
    const base = [
      { label: 'NetworkMode', value: c.networkMode, source: 'docker-api' as const },
      { label: `${c.name} netns`, value: c.netns ?? 'unknown', source: c.netnsSource },
    ];
    if (!target) {
      // Who replaced it? The same compose project may hold the current owner under the same service.
      out.push(
        makeFinding('stale-shared-netns', 'error', containerRef(c), {
          discriminator: 'gone',
          pattern: 'stale-namespace',
          title: `${c.name} shares the namespace of a container that no longer exists`,
          message: `${c.name} joined the network namespace of container ${short(c.sharesNetnsWith)}, which no longer exists (it was recreated or removed). ${c.name} is still running in that orphaned namespace: 127.0.0.1 there reaches nothing the new container serves, and compose may refuse to restart it ("No such container").`,
          evidence: [
            ...base,
            {
              label: 'named container',
              value: `${short(c.sharesNetnsWith)}: not found`,
              source: 'docker-api',
            },
          ],
          fix: recreateFix(c),
        }),
      );
      continue;
    }
    if (target.state !== 'running') {
      out.push(
        makeFinding('stale-shared-netns', 'error', containerRef(c), {
          discriminator: 'stopped',
          pattern: 'stale-namespace',
          related: [containerRef(target)],
          title: `${c.name} shares the namespace of stopped ${target.name}`,
          message: `${c.name} shares the network namespace of ${target.name}, which is ${target.status}. ${c.name} keeps the old namespace alive on its own; when ${target.name} starts again it gets a new one, and ${c.name} will not follow.`,
          evidence: [...base, { label: target.name, value: target.status, source: 'docker-api' }],
          fix: `Start ${target.name}, then ${recreateFix(c)}`,
        }),
      );
      continue;
    }
    if (
      c.netns &&
      target.netns &&
      c.netns !== target.netns &&
      c.netnsSource === 'proc' &&
      target.netnsSource === 'proc'
    ) {
      out.push(
        makeFinding('stale-shared-netns', 'error', containerRef(c), {
          discriminator: 'diverged',
          pattern: 'stale-namespace',
          related: [containerRef(target)],
          title: `${c.name} is in an old namespace of ${target.name}`,
          message: `${c.name} is configured to share ${target.name}'s namespace (${c.networkMode}), but the two processes live in different namespaces: ${target.name} was restarted (started ${target.startedAt ?? '?'}) and got a new one, while ${c.name} kept the old. Inspect and compose both look healthy; 127.0.0.1 from ${c.name} no longer reaches ${target.name}.`,
          evidence: [
            ...base,
            { label: `${target.name} netns`, value: target.netns, source: target.netnsSource },
          ],
          fix: c.compose
            ? `docker compose -p ${shellWord(c.compose.project)} restart ${shellWord(c.compose.service)}`
            : `docker restart ${shellWord(c.name)}`,
        }),
      );
      continue;
    }
    // The owner is alive, but a newer replica of its compose service now serves traffic.
    if (target.compose) {
      const tc = target.compose;
      const newer = t.containers.find(
        (o) =>
          o.id !== target.id &&
          o.state === 'running' &&
          o.compose?.project === tc.project &&
          o.compose.service === tc.service &&
          !o.compose.oneoff &&
          o.createdAt > target.createdAt &&
          // Equal replicas of a scaled service are not an update left half-done.
          (o.compose.configHash !== tc.configHash || o.imageId !== target.imageId),
      );
      if (newer) {
        out.push(
          makeFinding('stale-shared-netns', 'warning', containerRef(c), {
            discriminator: 'old-replica',
            pattern: 'stale-namespace',
            related: [containerRef(target), containerRef(newer)],
            title: `${c.name} shares the namespace of an old replica of ${serviceLabel(target)}`,
            message: `${c.name} shares ${target.name}'s namespace, but ${newer.name} is a newer container of ${serviceLabel(target)} (created ${newer.createdAt}). When the old one goes, ${c.name} is left behind.`,
            evidence: [
              ...base,
              {
                label: 'shared with',
                value: `${target.name} (created ${target.createdAt})`,
                source: 'docker-api',
              },
              {
                label: 'newer replica',
                value: `${newer.name} (created ${newer.createdAt})`,
                source: 'docker-api',
              },
            ],
            fix: recreateFix(c),
          }),
        );
      }
    }
  }
  return out;
};

import { shellWord } from '../../util/shellWord';
import { composeNetworkKey, containerRef, makeFinding } from '../finding';
import { initiatorContainer, namespaceOwner, type ProbeRule, probeRef, step, stepEvidence } from './context';

/**
 * Pattern 2: a name the initiator's namespace cannot resolve. Compose service names live in
 * Docker's embedded DNS (127.0.0.11), only inside containers on user-defined networks.
 */
export const unresolvableName: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    const dns = step(r, 'dns');
    if (!dns || dns.ok || dns.source === 'literal') return [];
    const name = r.target.host.toLowerCase();
    // A service name means the initiator's own compose project first (two projects may both have a "db").
    const project = initiatorContainer(t, r)?.compose?.project;
    const services = t.containers.filter((c) => c.compose?.service.toLowerCase() === name);
    const target =
      services.find((c) => c.state === 'running' && c.compose?.project === project) ??
      t.containers.find((c) => c.name.toLowerCase() === name) ??
      t.containers.find((c) =>
        c.attachments.some((a) => a.aliases.some((al) => al.toLowerCase() === name)),
      ) ??
      services.find((c) => c.state === 'running') ??
      services.find((c) => c.compose?.project === project) ??
      services[0];
    if (!target) return [];
    const svc = target.compose?.service ?? target.name;
    const pub = target.ports.find((p) => p.containerPort === r.target.port) ?? target.ports[0];
    const base = {
      pattern: 'unresolvable-name' as const,
      related: [containerRef(target)],
      evidence: stepEvidence(r, ['dns']),
    };
    const meFirst = initiatorContainer(t, r);
    // A host-network container resolves like the host (it shares the host's stack and a copy of its resolv.conf).
    if (r.initiator.kind === 'host' || meFirst?.networkModeKind === 'host') {
      return [
        makeFinding('host-uses-service-name', 'error', probeRef(r), {
          ...base,
          discriminator: name,
          title: `The host cannot resolve “${r.target.host}” — a ${target.compose ? 'compose service' : 'container'} name`,
          message: `${r.target.host} is a name only Docker's embedded DNS (127.0.0.11, inside containers on user-defined networks) knows. The host resolves with its own resolv.conf (${dns.nameservers.join(', ')}), which answers ${dns.error}.`,
          fix: pub
            ? `From the host use the published port: ${r.target.scheme === 'tcp' ? '' : `${r.target.scheme}://`}${pub.hostIp === '0.0.0.0' ? '127.0.0.1' : pub.hostIp}:${pub.hostPort}${r.target.path || ''} (${svc} publishes ${pub.containerPort}/${pub.protocol} there).`
            : `${svc} publishes no port. Publish it for host clients: ports: ["127.0.0.1:${r.target.port}:${r.target.port}"], or run the client in a container on the same network.`,
        }),
      ];
    }
    const owner = namespaceOwner(t, r);
    const myNets = new Set(owner?.attachments.map((a) => a.networkId) ?? []);
    const shared = target.attachments.filter((a) => myNets.has(a.networkId));
    const attachments = owner?.attachments ?? [];
    // A container without networks (none mode) is not on the default bridge.
    const onlyDefault =
      attachments.length > 0 &&
      attachments.every((a) => t.networks.find((n) => n.id === a.networkId)?.embeddedDns === false);
    if (onlyDefault) {
      return [
        makeFinding('default-bridge-no-dns', 'error', probeRef(r), {
          ...base,
          discriminator: name,
          title: `${r.initiator.name} is on the default bridge, which has no DNS for container names`,
          message: `Docker's default bridge network does not resolve container or service names; ${r.initiator.name} asked ${dns.nameservers.join(', ')} for ${r.target.host} and got ${dns.error}.`,
          fix: `Put both on a user-defined network (compose does this by default): networks: [app] on ${r.initiator.name} and ${target.name}; or address ${target.name} by IP (fragile).`,
        }),
      ];
    }
    if (shared.length === 0 && attachments.length > 0) {
      const targetNet = t.networks.find((n) => n.id === target.attachments[0]?.networkId);
      return [
        makeFinding('no-shared-network', 'error', probeRef(r), {
          ...base,
          discriminator: name,
          title: `${r.initiator.name} and ${target.name} share no network`,
          message: `${target.name} is on ${target.networks.join(', ') || 'no network'}; ${r.initiator.name} on ${owner?.networks.join(', ') || 'none'}. Docker's DNS answers names only for containers on a network the asker is on.`,
          fix: `Attach both to one network (networks: [${targetNet ? composeNetworkKey(targetNet) : 'shared'}] on ${owner?.compose?.service ?? r.initiator.name}).`,
        }),
      ];
    }
    // Otherwise the name would resolve: Docker's DNS answers only for running containers.
    if (target.state !== 'running' && r.initiator.kind === 'container') {
      return [
        makeFinding('target-not-running', 'error', probeRef(r), {
          pattern: 'unresolvable-name',
          discriminator: name,
          related: [containerRef(target)],
          title: `${target.name} is not running (${target.status})`,
          message: `${r.target.host} does not resolve because ${target.name} is ${target.status}: Docker's embedded DNS answers only for running containers, so clients see ${dns.error} rather than a refused connection.`,
          evidence: [
            ...stepEvidence(r, ['dns']),
            { label: 'state', value: target.status, source: 'docker-api' as const },
          ],
          fix: `Find out why it stopped (docker logs ${shellWord(target.name)}; exit ${target.exitCode ?? '?'}), then start it (${target.compose ? `docker compose up -d ${shellWord(target.compose.service)}` : `docker start ${shellWord(target.name)}`}); a restart policy keeps it up.`,
        }),
      ];
    }
    return [];
  });

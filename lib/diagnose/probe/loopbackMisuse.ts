import type { ProbeResult } from '../../model/probe';
import type { Container, Evidence, Finding, Listener, Namespace, Topology } from '../../model/topology';
import { hostPort, isLoopbackAddress } from '../../util/address';
import { containerRef, makeFinding } from '../finding';
import {
  initiatorContainer,
  namespaceOwner,
  type ProbeRule,
  probeRef,
  publishedOn,
  step,
  stepEvidence,
} from './context';

/**
 * Pattern 2, the other half: a container uses 127.0.0.1 (or localhost) for a service that
 * lives in another namespace — another container's, or the host's (a published port, a
 * host process). Its loopback is its own.
 */

type Elsewhere =
  | { kind: 'container'; owner: Container; n: Namespace; l: Listener }
  | { kind: 'published'; owner: Container; containerPort: number; l: Listener | undefined; host: Namespace }
  | { kind: 'host'; l: Listener; host: Namespace };

/** Who really listens on that port, outside the initiator's namespace. */
function whereItListens(t: Topology, r: ProbeResult): Elsewhere | undefined {
  const port = r.target.port;
  const tcpOn = (l: Listener) => l.protocol === 'tcp' && l.port === port;
  const netOwner = namespaceOwner(t, r);
  // Several containers may listen on that port: the one the initiator could reach by name wins.
  const rank = (e: { owner: Container; l: Listener }) =>
    (sharedNetwork(t, netOwner, e.owner) ? 0 : 2) + (e.l.scope === 'loopback' ? 1 : 0);
  const inContainers = t.namespaces
    .filter((n) => n.id !== r.initiator.netns && n.kind === 'container')
    .flatMap((n) => {
      const l = n.listeners.find((x) => x.role === 'workload' && tcpOn(x));
      const owner = t.containers.find((c) => c.id === (n.ownerId ?? n.containerIds[0]));
      return l && owner ? [{ kind: 'container' as const, owner, n, l }] : [];
    })
    .sort((a, b) => rank(a) - rank(b));
  if (inContainers[0]) return inContainers[0];
  const host = t.namespaces.find((n) => n.kind === 'host');
  if (!host || host.id === r.initiator.netns) return undefined;
  const published = publishedOn(t, port);
  const hostListener = host.listeners.find(tcpOn);
  if (published)
    return {
      kind: 'published',
      owner: published.c,
      containerPort: published.p.containerPort,
      l: hostListener,
      host,
    };
  if (hostListener && hostListener.role === 'workload') return { kind: 'host', l: hostListener, host };
  return undefined;
}

/** Can the initiator reach the owner by name: a user-defined network they share? */
function sharedNetwork(t: Topology, me: Container | undefined, owner: Container): string | undefined {
  const mine = new Set(me?.attachments.map((a) => a.networkId) ?? []);
  const shared = owner.attachments.find(
    (a) => mine.has(a.networkId) && t.networks.find((n) => n.id === a.networkId)?.embeddedDns,
  );
  return shared?.networkName;
}

export const loopbackMisuse: ProbeRule = (t, probes) =>
  probes.flatMap((r): Finding[] => {
    if (r.initiator.kind !== 'container') return [];
    const dns = step(r, 'dns');
    const tcp = step(r, 'tcp');
    const loop = (dns?.addresses ?? []).some(isLoopbackAddress);
    if (!loop || !tcp || tcp.ok || !tcp.attempts.some((a) => a.error === 'ECONNREFUSED')) return [];
    const me = initiatorContainer(t, r);
    const netOwner = namespaceOwner(t, r);
    // A stale sharer's refusal is the stale namespace (its own finding), not a wrong address.
    if (!me || !netOwner) return [];
    const where = whereItListens(t, r);
    if (!where) return [];
    const scheme = r.target.scheme === 'tcp' ? '' : `${r.target.scheme}://`;
    const path = r.target.path || '';
    const listenerEv = (label: string, l: Listener, source: Evidence['source']): Evidence => ({
      label,
      value: `${l.protocol} ${hostPort(l.address, l.port)}${l.process ? ` (${l.process.name})` : ''}`,
      source,
    });
    const base = {
      pattern: 'loopback-misuse' as const,
      discriminator: String(r.target.port),
    };

    if (netOwner.networkModeKind === 'host') {
      // Its 127.0.0.1 is the host's: a container's port is there only when published on it.
      if (where.kind !== 'container') return [];
      const svc = where.owner.compose?.service ?? where.owner.name;
      const ip = where.owner.attachments.find((a) => a.ipv4)?.ipv4;
      return [
        makeFinding('loopback-means-self', 'error', probeRef(r), {
          ...base,
          confidence: 'medium',
          related: [containerRef(where.owner)],
          title: `127.0.0.1 in ${r.initiator.name} (host network) is the host, not ${where.owner.name}`,
          message: `${r.initiator.name} runs on the host's network stack, so ${r.target.host}:${r.target.port} is the host's loopback, where nothing listens on ${r.target.port}. ${where.owner.name} listens on ${r.target.port} in its own namespace and does not publish it.`,
          evidence: [
            ...stepEvidence(r, ['dns', 'tcp']),
            listenerEv(`listener in ${where.owner.name}`, where.l, where.n.listenerSource),
          ],
          fix: `Publish it on the host's loopback: ports: ["127.0.0.1:${r.target.port}:${r.target.port}"] on ${svc}${where.l.scope === 'loopback' ? ' (and bind the server to 0.0.0.0 inside its container)' : ''}${ip ? `, or use its address ${scheme}${ip}:${r.target.port}${path} (changes when it is recreated)` : ''}.`,
        }),
      ];
    }

    if (where.kind === 'host') {
      const hostRunner = t.containers.find((c) => c.id === where.l.containerId);
      return [
        makeFinding('loopback-means-self', 'error', probeRef(r), {
          ...base,
          related: hostRunner ? [containerRef(hostRunner)] : [],
          title: `127.0.0.1 in ${r.initiator.name} is ${r.initiator.name} itself, not the host`,
          message: `${r.initiator.name} tried ${r.target.host}:${r.target.port} and was refused: in its own namespace nothing listens there. The service on ${r.target.port} runs on the host${hostRunner ? ` (${hostRunner.name}, a network_mode: host container)` : where.l.process ? ` (${where.l.process.name})` : ''}; the host's loopback is not ${r.initiator.name}'s.`,
          evidence: [
            ...stepEvidence(r, ['dns', 'tcp']),
            listenerEv('listener on the host', where.l, where.host.listenerSource),
          ],
          fix: `Reach the host by its bridge gateway: extra_hosts: ["host.docker.internal:host-gateway"] and ${scheme}host.docker.internal:${r.target.port}${path}${where.l.scope === 'loopback' ? ` — the host service listens on ${where.l.address} only, so it must also listen on the bridge gateway address (or 0.0.0.0, firewalled)` : ''}; or run the client with network_mode: host.`,
        }),
      ];
    }

    const owner = where.owner;
    const svc = owner.compose?.service ?? owner.name;
    const internalPort = where.kind === 'published' ? where.containerPort : r.target.port;
    const ownerListener =
      where.kind === 'container'
        ? where.l
        : t.namespaces
            .find((n) => n.id === owner.netns)
            ?.listeners.find((l) => l.protocol === 'tcp' && l.port === internalPort && l.role === 'workload');
    const shared = sharedNetwork(t, netOwner, owner);
    const byName = `${scheme}${svc}:${internalPort}${path}`;
    const bindNote = ownerListener?.scope === 'loopback' ? ', and bind the server to 0.0.0.0' : '';
    const evidence: Evidence[] = [...stepEvidence(r, ['dns', 'tcp'])];
    if (where.kind === 'published') {
      const pub = owner.ports.find((p) => p.protocol === 'tcp' && p.hostPort === r.target.port);
      evidence.push({
        label: 'published port',
        value: `${pub ? hostPort(pub.hostIp, pub.hostPort) : r.target.port} → ${owner.name}:${internalPort}/tcp`,
        source: 'docker-api',
      });
      if (where.l) evidence.push(listenerEv('listener on the host', where.l, where.host.listenerSource));
    } else evidence.push(listenerEv(`listener in ${owner.name}`, where.l, where.n.listenerSource));

    const message =
      where.kind === 'published'
        ? `${r.initiator.name} tried ${r.target.host}:${r.target.port} and was refused: in its own namespace nothing listens there. ${r.target.port} is ${owner.name}'s port published on the host (→ ${internalPort} inside ${owner.name}); the host's loopback is not the container's. Containers reach ${svc} by name on its internal port, not through the published one.`
        : `${r.initiator.name} tried ${r.target.host}:${r.target.port} and was refused: in its own namespace nothing listens there. ${owner.name} listens on ${r.target.port} in another namespace (${where.l.address}).`;
    return [
      makeFinding('loopback-means-self', 'error', probeRef(r), {
        ...base,
        related: [containerRef(owner)],
        title: `127.0.0.1 in ${r.initiator.name} is ${r.initiator.name} itself, not ${where.kind === 'published' ? 'the host' : owner.name}`,
        message,
        evidence,
        // Found by port alone (many images use 8080 or 3000) unless it is the exact publish.
        confidence: where.kind === 'published' ? 'high' : 'medium',
        fix: shared
          ? `Use the service name and its internal port: ${byName} (both are on ${shared}${bindNote}), or share the namespace: network_mode: "service:${svc}".`
          : `Put ${netOwner === me ? r.initiator.name : `${netOwner.compose?.service ?? netOwner.name} (whose namespace ${r.initiator.name} shares)`} on a network with ${svc} and use ${byName}${bindNote}${netOwner === me ? `, or share the namespace: network_mode: "service:${svc}"` : ''}.`,
      }),
    ];
  });

import type { Container, Finding, Protocol, Topology } from '../../model/topology';
import { hostPort } from '../../util/address';
import { containerRef, type Index, makeFinding, type Rule } from '../finding';

/**
 * Host-network containers share the host's port space with each other, with host
 * processes and with every published port (docker-proxy binds on the host). Two claims on
 * one port mean one of them failed to bind or answers for the other.
 */

interface Claim {
  protocol: Protocol;
  port: number;
  address: string;
  containerId: string | null;
  how: string;
  source: 'docker-api' | 'proc';
}

const overlaps = (a: string, b: string) =>
  a === b || ['0.0.0.0', '::'].includes(a) || ['0.0.0.0', '::'].includes(b);

export const hostPortCollision: Rule = (t: Topology, idx: Index): Finding[] => {
  const hostNs = t.namespaces.find((n) => n.kind === 'host');
  const hostMode = t.containers.filter((c) => c.networkModeKind === 'host');
  if (hostMode.length === 0) return [];
  const claims: Claim[] = [];
  for (const c of t.containers) {
    for (const p of c.ports) {
      claims.push({
        protocol: p.protocol,
        port: p.hostPort,
        address: p.hostIp,
        containerId: c.id,
        how: `publishes ${hostPort(p.hostIp, p.hostPort)}`,
        source: 'docker-api',
      });
    }
  }
  const listeners = hostNs && hostNs.listenerSource !== 'unavailable' ? hostNs.listeners : [];
  for (const c of hostMode) {
    // What it really listens on when the host's listeners could be attributed; EXPOSE otherwise.
    if (c.state === 'running' && listeners.some((l) => l.containerId === c.id)) continue;
    for (const e of c.exposedPorts) {
      claims.push({
        protocol: e.protocol,
        port: e.port,
        address: '0.0.0.0',
        containerId: c.id,
        how: `host network, exposes ${e.port}/${e.protocol}`,
        source: 'docker-api',
      });
    }
  }
  for (const l of listeners) {
    if (l.role !== 'workload') continue; // docker-proxy is the publish it implements; DNS is the engine's
    // A listener whose owner could not be named cannot be told apart from the container's own.
    if (!l.process) continue;
    claims.push({
      protocol: l.protocol,
      port: l.port,
      address: l.address,
      containerId: l.containerId,
      how: `listens on ${l.address}:${l.port} (${l.process.name})`,
      source: 'proc',
    });
  }
  const byPort = new Map<string, Claim[]>();
  for (const c of claims)
    byPort.set(`${c.protocol}/${c.port}`, [...(byPort.get(`${c.protocol}/${c.port}`) ?? []), c]);

  const out: Finding[] = [];
  const hostModeIds = new Set(hostMode.map((c) => c.id));
  for (const [key, cs] of byPort) {
    // A host-mode container's own listener and its EXPOSE are one claim, not two.
    const owners = new Map<string, Claim[]>();
    for (const c of cs) {
      const k = c.containerId ?? `host:${c.how}`;
      owners.set(k, [...(owners.get(k) ?? []), c]);
    }
    if (owners.size < 2) continue;
    const involved = [...owners.keys()];
    const hostModeInvolved = involved.filter((k) => hostModeIds.has(k));
    if (hostModeInvolved.length === 0) continue;
    const clash = cs.some((a) =>
      cs.some(
        (b) =>
          a !== b && (a.containerId ?? a.how) !== (b.containerId ?? b.how) && overlaps(a.address, b.address),
      ),
    );
    if (!clash) continue;
    const subject = idx.containerById.get(hostModeInvolved[0] as string) as Container;
    const name = (c: Claim) =>
      c.containerId
        ? (idx.containerById.get(c.containerId)?.name ?? c.containerId.slice(0, 12))
        : 'a host process';
    out.push(
      makeFinding('host-port-collision', 'error', containerRef(subject), {
        discriminator: key.replace('/', '-'),
        pattern: 'port-collision',
        related: involved
          .filter((k) => k !== subject.id && idx.containerById.has(k))
          .map((k) => containerRef(idx.containerById.get(k) as Container)),
        title: `Port ${key} is claimed twice in the host namespace`,
        message: `${subject.name} uses the host's network stack, and port ${key} is also claimed by ${[...new Set(cs.filter((c) => c.containerId !== subject.id).map(name))].join(', ')}. Only one socket can bind it: one of them failed to start its listener, or clients reach a different service than they expect.`,
        evidence: cs.map((c) => ({ label: name(c), value: c.how, source: c.source })),
        fix: `Give ${subject.name} a free port (or move it to a bridge network with an explicit publish), and check which process answers on ${key} now.`,
      }),
    );
  }
  return out;
};

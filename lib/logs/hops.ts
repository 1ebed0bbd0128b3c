import { proxyKind } from '../diagnose/probe/proxyNoUpgrade';
import type { ContainerLogs, ProbeResult } from '../model/probe';
import type { Topology } from '../model/topology';
import { dialledAddress, probeEndpoints } from '../probe/edges';
import { hostPort, isLoopbackAddress } from '../util/address';

/**
 * Which hops a probe's request crossed and the peer address each one saw, from the topology
 * and the marked log lines: initiator → (published port: docker-proxy or DNAT) → (reverse
 * proxy) → upstream/target. A proxy that answered without its upstream logging the request
 * is told apart from one that passed it on. Pure.
 */

export interface Hop {
  name: string;
  kind: 'initiator' | 'published-port' | 'reverse-proxy' | 'target';
  /** The address this hop is reached at. */
  address: string;
  /** The client address this hop saw, from its own log line. */
  sawPeer: string | null;
  /** The log line that shows it (marked with the probe's id). */
  evidence: string | null;
  /** For a proxy: whether the request reached the upstream (null: could not tell). */
  passedOn: boolean | null;
}

const IPV4 = /\b(\d{1,3}(?:\.\d{1,3}){3})\b/g;

function peerIn(line: string, known: Set<string>): string | null {
  const remote = /remote(?:_addr)?=\[?([\d.a-f:]+?)\]?(?::\d+)?(?:\s|$)/i.exec(line)?.[1];
  if (remote) return remote;
  const ips = [...line.matchAll(IPV4)].map((m) => m[1] as string);
  return ips.find((ip) => known.has(ip)) ?? ips[0] ?? null;
}

const marked = (c: ContainerLogs | undefined) => c?.lines.filter((l) => l.match === 'marker') ?? [];

export function hopsOf(t: Topology, r: ProbeResult): Hop[] {
  const tcp = r.steps.find((s) => s.kind === 'tcp');
  const hops: Hop[] = [
    {
      name: r.initiator.name,
      kind: 'initiator',
      address:
        tcp?.kind === 'tcp' && tcp.connected
          ? hostPort(tcp.connected.localAddress, tcp.connected.localPort)
          : '—',
      sawPeer: null,
      evidence: null,
      passedOn: null,
    },
  ];
  const { target } = probeEndpoints(t, r);
  const c = target?.startsWith('ctr:') ? t.containers.find((x) => `ctr:${x.id}` === target) : undefined;
  if (!c) return hops;
  const known = new Set(
    [
      ...t.containers.flatMap((x) => x.attachments.map((a) => a.ipv4 ?? '')),
      ...t.networks.flatMap((n) => n.gateways),
    ].filter(Boolean),
  );
  const addr = dialledAddress(r) ?? '';
  if (isLoopbackAddress(addr) && r.initiator.kind === 'host') {
    const pub = c.ports.find((p) => p.hostPort === r.target.port);
    const host = t.namespaces.find((n) => n.kind === 'host');
    const proxyListener = host?.listeners.find((l) => l.role === 'docker-proxy' && l.port === r.target.port);
    hops.push({
      name: proxyListener
        ? `docker-proxy (pid ${proxyListener.process?.pid ?? '?'})`
        : 'DNAT (iptables nat DOCKER)',
      kind: 'published-port',
      address: `${pub?.hostIp ?? addr}:${r.target.port} → ${c.attachments.find((a) => a.ipv4)?.ipv4 ?? '?'}:${pub?.containerPort ?? '?'}`,
      sawPeer: addr,
      evidence: proxyListener
        ? 'userland proxy: connections from the host itself are relayed, the container sees the bridge gateway as peer'
        : null,
      passedOn: null,
    });
  }
  const logs = r.logs?.containers ?? [];
  const mine = logs.find((l) => l.containerId === c.id);
  const first = marked(mine)[0];
  if (proxyKind(t, c)) {
    const ups = logs.filter((l) => l.role === 'upstream');
    const upMarked = ups.flatMap((u) => marked(u).map((l) => ({ u, l })));
    const readable = ups.some((u) => !u.note);
    hops.push({
      name: c.name,
      kind: 'reverse-proxy',
      address: `${addr}:${r.target.port}`,
      sawPeer: first ? peerIn(first.text, known) : null,
      evidence: first?.text ?? null,
      // "Answered without its upstream" needs the proxy's own line for this probe as proof it was reached.
      passedOn: upMarked.length > 0 ? true : first && readable ? false : null,
    });
    for (const u of ups) {
      const line = marked(u)[0];
      hops.push({
        name: u.name,
        kind: 'target',
        address: u.containerId.slice(0, 12),
        sawPeer: line ? peerIn(line.text, known) : null,
        evidence: line?.text ?? (u.note ? `logs: ${u.note}` : 'no line for this probe'),
        passedOn: null,
      });
    }
    return hops;
  }
  hops.push({
    name: c.name,
    kind: 'target',
    address: `${c.attachments.find((a) => a.ipv4)?.ipv4 ?? addr}`,
    sawPeer: first ? peerIn(first.text, known) : null,
    evidence: first?.text ?? (mine?.note ? `logs: ${mine.note}` : mine ? 'no line for this probe' : null),
    passedOn: null,
  });
  return hops;
}

export function describeHops(hops: Hop[]): string[] {
  return hops.map((h, i) => {
    const seen = h.sawPeer ? `, saw the request from ${h.sawPeer}` : '';
    const passed =
      h.passedOn === true
        ? ' — passed it on to its upstream'
        : h.passedOn === false
          ? ' — answered without contacting its upstream (the upstream logged nothing for this probe)'
          : '';
    return `${i + 1}. ${h.kind} ${h.name} (${h.address})${seen}${passed}`;
  });
}

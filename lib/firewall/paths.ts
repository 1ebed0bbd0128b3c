import type { Container, Network, PortBinding, Topology } from '../model/topology';
import { normalizeAddress } from '../probe/address';
import { containerByAddress } from '../probe/edges';
import { isLoopbackAddress } from '../util/address';
import { tablesOf } from './facts';
import { evaluate, inPorts, type Packet, type Verdict } from './iptables';

/**
 * The packet-filter path of a connection, from the rules Reachmap read. Pure.
 *
 * Container → container on one bridge: bridged, and with bridge netfilter on it crosses
 * filter FORWARD (DOCKER-USER first). The host → its own published port: docker-proxy (the
 * userland proxy) accepts locally and connects to the container from the host — OUTPUT,
 * never FORWARD — so DOCKER-USER does not see it. From outside: nat PREROUTING DNAT, then
 * FORWARD → DOCKER-USER → DOCKER.
 */

/** The network on which a container holds this address. */
export function networkOf(t: Topology, address: string): Network | undefined {
  const a = normalizeAddress(address);
  const att = containerByAddress(t, a)?.attachments.find((x) => x.ipv4 === a || x.ipv6 === a);
  return t.networks.find((n) => n.id === att?.networkId);
}

export function forwardVerdict(t: Topology, p: Packet): Verdict | null {
  if (!t.firewall.available) return null;
  return evaluate(tablesOf(t.firewall), 'filter', 'FORWARD', p);
}

/**
 * A new TCP connection from a container's address to another container's, bridge to bridge:
 * what filter FORWARD does with it. Null when the rules are unreadable or either side is not
 * on a Linux bridge.
 */
export function bridgedTcpVerdict(
  t: Topology,
  src: { ipv4: string | null; networkId: string },
  dst: string,
  dport: number,
): Verdict | null {
  const srcNet = t.networks.find((n) => n.id === src.networkId);
  const dstNet = networkOf(t, dst);
  if (!src.ipv4 || !srcNet?.bridge || !dstNet?.bridge) return null;
  return forwardVerdict(t, {
    src: src.ipv4,
    dst,
    proto: 'tcp',
    dport,
    inIf: srcNet.bridge,
    outIf: dstNet.bridge,
    state: 'NEW',
  });
}

export interface PublishedPath {
  binding: PortBinding;
  fromHost: string[];
  fromOutside: string[];
}

const OUTSIDE = '203.0.113.10'; // TEST-NET-3: any outside address

export function publishedPaths(t: Topology, c: Container): PublishedPath[] {
  const host = t.namespaces.find((n) => n.kind === 'host');
  const att = c.attachments.find((a) => a.ipv4);
  const net = t.networks.find((n) => n.id === att?.networkId);
  const uplink = t.host.uplink?.interface ?? 'eth0';
  return c.ports.map((b) => {
    const proxy = host?.listeners.find((l) => l.role === 'docker-proxy' && l.port === b.hostPort);
    const dnat = t.firewall.chains
      .find((ch) => ch.table === 'nat' && ch.name === 'DOCKER')
      ?.rules.find(
        (r) =>
          r.target === 'DNAT' &&
          r.dports &&
          inPorts(r.dports, b.hostPort) &&
          r.toDestination?.endsWith(`:${b.containerPort}`),
      );
    const fromHost = [
      `a client on the host connects to ${b.hostIp === '0.0.0.0' ? '127.0.0.1' : b.hostIp}:${b.hostPort}`,
      proxy
        ? `docker-proxy (userland proxy, pid ${proxy.process?.pid ?? '?'}) accepts it and connects to ${att?.ipv4 ?? '?'}:${b.containerPort} from ${att?.gateway ?? 'the bridge gateway'}`
        : dnat
          ? `nat OUTPUT → DOCKER: ${dnat.raw}`
          : 'no docker-proxy listener and no DNAT rule found for it',
      'locally generated: filter OUTPUT, not FORWARD — DOCKER-USER never sees this path',
    ];
    let fromOutside: string[];
    if (isLoopbackAddress(b.hostIp)) {
      fromOutside = [`not reachable from outside: published on ${b.hostIp} only`];
    } else if (!t.firewall.available) {
      fromOutside = [
        `${uplink}:${b.hostPort} → DNAT → ${att?.ipv4 ?? '?'}:${b.containerPort}; the rules could not be read (${t.firewall.reason ?? 'unknown'})`,
      ];
    } else {
      const v =
        att?.ipv4 && net?.bridge
          ? forwardVerdict(t, {
              src: OUTSIDE,
              dst: att.ipv4,
              proto: b.protocol === 'udp' ? 'udp' : 'tcp',
              dport: b.containerPort,
              inIf: uplink,
              outIf: net.bridge,
              state: 'NEW',
            })
          : null;
      fromOutside = [
        `${uplink}:${b.hostPort} → nat PREROUTING → DOCKER${dnat ? `: ${dnat.raw}` : ' (no matching DNAT rule found)'}`,
        v
          ? `filter FORWARD (${v.path.join(' → ')}): ${v.action}${v.rule ? ` by ${v.rule.raw}` : ' (policy)'}`
          : 'filter FORWARD: not evaluated',
      ];
    }
    return { binding: b, fromHost, fromOutside };
  });
}

/** Whether a DOCKER-USER rule restricts traffic to a container port from outside. */
export function restrictedFromOutside(
  t: Topology,
  c: Container,
  port: number,
): { restricted: boolean; rule: string | null } | null {
  if (!t.firewall.available) return null;
  const att = c.attachments.find((a) => a.ipv4);
  const net = t.networks.find((n) => n.id === att?.networkId);
  if (!att?.ipv4 || !net?.bridge) return null;
  const v = forwardVerdict(t, {
    src: OUTSIDE,
    dst: att.ipv4,
    proto: 'tcp',
    dport: port,
    inIf: t.host.uplink?.interface ?? 'eth0',
    outIf: net.bridge,
    state: 'NEW',
  });
  if (!v) return null;
  return { restricted: v.action !== 'ACCEPT', rule: v.rule?.raw ?? null };
}

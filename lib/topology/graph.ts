import type { Container, Finding, Listener, Namespace, Network, Severity, Topology } from '../model/topology';
import { hostPort } from '../util/address';

/**
 * Topology → the drawable graph: framework-free nodes and edges with stable ids, sizes and
 * positions. React Flow only renders what this returns (components/graph).
 */

export type NodeKind = 'namespace' | 'container' | 'network';

export interface ListenerRow {
  text: string;
  scope: Listener['scope'];
  role: Listener['role'];
}

export interface NamespaceData {
  kind: 'namespace';
  nsKey: string;
  nsId: string | null;
  variant: 'host' | 'container' | 'stopped';
  title: string;
  subtitle: string;
  listeners: ListenerRow[];
  hiddenListeners: number;
  listenerNote: string | null;
  worst: Severity | null;
}

export interface ContainerData {
  kind: 'container';
  containerId: string;
  name: string;
  state: Container['state'];
  health: Container['health'];
  service: string | null;
  project: string | null;
  image: string;
  mode: string;
  ports: string[];
  /** "network IP" per attachment, shown in the node instead of on every edge. */
  addresses: string[];
  worst: Severity | null;
  findingCount: number;
}

export interface NetworkData {
  kind: 'network';
  networkId: string;
  name: string;
  driver: string;
  subnet: string;
  gateway: string;
  mtu: number | null;
  embeddedDns: boolean;
  internal: boolean;
  attached: number;
}

export type NodeData = NamespaceData | ContainerData | NetworkData;

export interface GraphNode {
  id: string;
  type: NodeKind;
  parentId?: string;
  position: { x: number; y: number };
  width: number;
  height: number;
  data: NodeData;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle: string;
  targetHandle: string;
  kind: 'attachment' | 'publish' | 'gateway';
  label: string;
  /** A finding on this path makes it stand out. */
  severity: Severity | null;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface GraphFilter {
  project?: string | null;
}

// Geometry (px). Heights are computed here so the layout knows them before rendering.
export const G = {
  nsWidth: 300,
  nsHeader: 52,
  nsPad: 10,
  ctrHeight: 76,
  ctrGap: 8,
  listenerHeader: 22,
  listenerRow: 18,
  maxListeners: 8,
  netWidth: 300,
  netHeight: 96,
  laneGap: 60,
  rowGap: 28,
  netToNs: 70,
  rowsPerColumn: 3,
  hostX: 0,
  lanesX: 420,
} as const;

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
export function worstOf(fs: Finding[]): Severity | null {
  return fs.reduce<Severity | null>(
    (w, f) => (w === null || SEVERITY_RANK[f.severity] < SEVERITY_RANK[w] ? f.severity : w),
    null,
  );
}

export const nodeIdForNamespaceKey = (key: string) => `ns:${key}`;
export const nodeIdForContainer = (id: string) => `ctr:${id}`;
export const nodeIdForNetwork = (id: string) => `net:${id}`;

/** Compose prefixes network names with the project; inside a project box the suffix is enough. */
function shortNetName(name: string, project: string | undefined): string {
  if (!project) return name;
  for (const sep of ['_', '-']) if (name.startsWith(project + sep)) return name.slice(project.length + 1);
  return name;
}

function listenerRows(ns: Namespace): { rows: ListenerRow[]; hidden: number } {
  // Workload listeners first; Docker's own DNS last; the host's list can be long.
  const ls = [...ns.listeners].sort(
    (a, b) => (a.role === 'docker-dns' ? 1 : 0) - (b.role === 'docker-dns' ? 1 : 0),
  );
  const rows = ls.map((l) => ({
    text: `${l.protocol} ${hostPort(l.address, l.port)}${l.v6only ? ' v6only' : ''}${l.process ? ` ${l.process.name}` : l.role === 'docker-dns' ? ' docker dns' : ''}`,
    scope: l.scope,
    role: l.role,
  }));
  return { rows: rows.slice(0, G.maxListeners), hidden: Math.max(0, rows.length - G.maxListeners) };
}

export function namespaceHeight(
  containers: number,
  listeners: number,
  hidden: boolean,
  note: boolean,
): number {
  const ctr = containers * G.ctrHeight + Math.max(0, containers - 1) * G.ctrGap;
  const lis =
    listeners > 0 || note
      ? G.listenerHeader + (listeners + (hidden ? 1 : 0) + (note ? 1 : 0)) * G.listenerRow
      : 0;
  return G.nsHeader + ctr + G.nsPad + lis + G.nsPad;
}

interface Box {
  key: string;
  variant: NamespaceData['variant'];
  ns: Namespace | null;
  members: Container[];
  networks: string[];
  sortKey: string;
}

function containerSortKey(c: Container): string {
  return `${c.compose?.project ?? '~'}\u0000${c.compose?.service ?? ''}\u0000${c.name}`;
}

/** Namespaces to draw: live ones, plus one "stopped" box per container without a namespace. */
function boxes(t: Topology, keep: (c: Container) => boolean): Box[] {
  const byId = new Map(t.containers.map((c) => [c.id, c]));
  const out: Box[] = [];
  for (const ns of t.namespaces) {
    const members = ns.containerIds.map((id) => byId.get(id)).filter((c): c is Container => !!c);
    if (ns.kind !== 'host' && !members.some(keep)) continue;
    const owner = members.find((m) => m.id === ns.ownerId) ?? members[0];
    out.push({
      key: ns.key,
      variant: ns.kind === 'host' ? 'host' : 'container',
      ns,
      members: members.sort((a, b) =>
        a.id === ns.ownerId ? -1 : b.id === ns.ownerId ? 1 : a.name.localeCompare(b.name),
      ),
      networks: [...new Set(members.flatMap((m) => m.networks))].sort(),
      sortKey: owner ? containerSortKey(owner) : ns.key,
    });
  }
  for (const c of t.containers) {
    if (c.netns || !keep(c)) continue;
    out.push({
      key: `ctr:${c.id}`,
      variant: 'stopped',
      ns: null,
      members: [c],
      networks: [...c.networks].sort(),
      sortKey: containerSortKey(c),
    });
  }
  return out;
}

function namespaceTitle(b: Box): { title: string; subtitle: string } {
  if (b.variant === 'host')
    return { title: 'Host network namespace', subtitle: b.ns?.id ?? 'identity unavailable' };
  if (b.variant === 'stopped')
    return {
      title: b.members[0]?.name ?? '?',
      subtitle: `no namespace: ${b.members[0]?.status ?? 'not running'}`,
    };
  const shared = b.members.length > 1 ? ` · shared by ${b.members.length}` : '';
  return { title: b.members[0]?.name ?? b.key, subtitle: `${b.ns?.id ?? ''}${shared}` };
}

function findingsFor(t: Topology, containerId: string): Finding[] {
  return t.findings.filter(
    (f) => f.subject.id === containerId || f.related.some((r) => r.id === containerId),
  );
}

export function projectsOf(t: Topology): string[] {
  return [...new Set(t.containers.map((c) => c.compose?.project).filter((p): p is string => !!p))].sort();
}

export function buildGraph(t: Topology, filter: GraphFilter = {}): Graph {
  const keep = (c: Container) => !filter.project || c.compose?.project === filter.project;
  const all = boxes(t, keep);
  const hostBox = all.find((b) => b.variant === 'host');
  const nsBoxes = all.filter((b) => b.variant !== 'host');

  const usedNets = new Set(nsBoxes.flatMap((b) => b.networks));
  const networks: Network[] = t.networks.filter(
    (n) =>
      n.driver !== 'null' &&
      n.driver !== 'host' &&
      (usedNets.has(n.name) || (filter.project ? n.composeProject === filter.project : true)),
  );
  const laneOf = (b: Box) => b.networks.find((n) => networks.some((x) => x.name === n)) ?? null;

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];

  const addNamespace = (b: Box, x: number, y: number): GraphNode => {
    const { rows, hidden } = b.ns ? listenerRows(b.ns) : { rows: [], hidden: 0 };
    // Host namespace members are host-network containers; only those kept by the filter.
    const members = b.variant === 'host' ? b.members.filter(keep) : b.members;
    const note =
      b.ns && b.ns.listenerSource === 'unavailable'
        ? `listeners unavailable${b.ns.errors[0] ? `: ${b.ns.errors[0]}` : ''}`
        : b.ns && b.ns.listenerSource === 'exec'
          ? 'listeners read with docker exec'
          : null;
    const { title, subtitle } = namespaceTitle(b);
    const id = nodeIdForNamespaceKey(b.key);
    const worst = worstOf(members.flatMap((m) => findingsFor(t, m.id)));
    const node: GraphNode = {
      id,
      type: 'namespace',
      position: { x, y },
      width: b.variant === 'host' ? G.nsWidth + 40 : G.nsWidth,
      height: namespaceHeight(members.length, rows.length, hidden > 0, note !== null),
      data: {
        kind: 'namespace',
        nsKey: b.key,
        nsId: b.ns?.id ?? null,
        variant: b.variant,
        title,
        subtitle,
        listeners: rows,
        hiddenListeners: hidden,
        listenerNote: note,
        worst,
      },
    };
    nodes.push(node);
    members.forEach((c, i) => {
      const fs = findingsFor(t, c.id);
      nodes.push({
        id: nodeIdForContainer(c.id),
        type: 'container',
        parentId: id,
        position: { x: G.nsPad, y: G.nsHeader + i * (G.ctrHeight + G.ctrGap) },
        width: node.width - 2 * G.nsPad,
        height: G.ctrHeight,
        data: {
          kind: 'container',
          containerId: c.id,
          name: c.name,
          state: c.state,
          health: c.health,
          service: c.compose?.service ?? null,
          project: c.compose?.project ?? null,
          image: c.image,
          mode:
            c.networkModeKind === 'container'
              ? `shares ${c.sharesNetnsWith?.slice(0, 12)}`
              : c.networkModeKind === 'network' || c.networkModeKind === 'default'
                ? 'bridge'
                : c.networkModeKind,
          ports: c.ports.map((p) => `${hostPort(p.hostIp, p.hostPort)}→${p.containerPort}/${p.protocol}`),
          addresses: c.attachments.map(
            (a) => `${shortNetName(a.networkName, c.compose?.project)} ${a.ipv4 ?? a.ipv6 ?? '—'}`,
          ),
          worst: worstOf(fs),
          findingCount: fs.length,
        },
      });
    });
    return node;
  };

  // Column 0: the host's own namespace.
  if (hostBox) addNamespace(hostBox, G.hostX, 0);

  // One lane per network, network node on top, its namespaces stacked below in fixed-size
  // columns, so a change in one container moves at most the boxes below it in its lane.
  const lanes: Array<{ net: Network | null; items: Box[] }> = networks.map((n) => ({ net: n, items: [] }));
  const noNet: Box[] = [];
  for (const b of nsBoxes) {
    const lane = laneOf(b);
    const l = lane ? lanes.find((x) => x.net?.name === lane) : undefined;
    if (l) l.items.push(b);
    else noNet.push(b);
  }
  if (noNet.length) lanes.push({ net: null, items: noNet });

  let x = G.lanesX;
  for (const lane of lanes) {
    lane.items.sort((a, b) => a.sortKey.localeCompare(b.sortKey) || a.key.localeCompare(b.key));
    const cols = Math.max(1, Math.ceil(lane.items.length / G.rowsPerColumn));
    const laneWidth = Math.max(G.netWidth, cols * G.nsWidth + (cols - 1) * 24);
    if (lane.net) {
      const n = lane.net;
      nodes.push({
        id: nodeIdForNetwork(n.id),
        type: 'network',
        position: { x, y: 0 },
        width: G.netWidth,
        height: G.netHeight,
        data: {
          kind: 'network',
          networkId: n.id,
          name: n.name,
          driver: n.driver,
          subnet: n.subnets.join(', ') || '—',
          gateway: n.gateways.join(', ') || '—',
          mtu: n.mtu,
          embeddedDns: n.embeddedDns,
          internal: n.internal,
          attached: n.containerIds.length,
        },
      });
      if (hostBox && n.gateways.length)
        edges.push({
          id: `gw:${n.id}`,
          source: nodeIdForNamespaceKey('host'),
          target: nodeIdForNetwork(n.id),
          sourceHandle: 'right',
          targetHandle: 'left',
          kind: 'gateway',
          label: `gw ${n.gateways[0]}`,
          severity: null,
        });
    }
    const colY = new Array<number>(cols).fill(G.netHeight + G.netToNs);
    lane.items.forEach((b, i) => {
      const col = Math.floor(i / G.rowsPerColumn);
      const node = addNamespace(b, x + col * (G.nsWidth + 24), colY[col] as number);
      colY[col] = (colY[col] as number) + node.height + G.rowGap;
    });
    x += laneWidth + G.laneGap;
  }

  // Edges: network attachments (with the IP each member got) and published ports.
  const netByName = new Map(networks.map((n) => [n.name, n]));
  for (const b of nsBoxes) {
    const target = nodeIdForNamespaceKey(b.key);
    for (const c of b.members) {
      for (const a of c.attachments) {
        const n = netByName.get(a.networkName);
        if (!n) continue;
        edges.push({
          id: `att:${c.id}:${n.id}`,
          source: nodeIdForNetwork(n.id),
          target,
          sourceHandle: 'bottom',
          targetHandle: 'top',
          kind: 'attachment',
          label: '',
          severity: null,
        });
      }
      if (!hostBox) continue;
      const seen = new Set<string>();
      for (const p of c.ports) {
        const k = `${p.hostIp}:${p.hostPort}/${p.protocol}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const loopbackOnly = t.findings.some(
          (f) =>
            f.rule === 'loopback-only-listener' &&
            f.subject.id === c.id &&
            f.id.endsWith(`${p.protocol}-${p.containerPort}`),
        );
        edges.push({
          id: `pub:${c.id}:${k}`,
          source: nodeIdForNamespaceKey('host'),
          target,
          sourceHandle: 'right',
          targetHandle: 'left',
          kind: 'publish',
          label: `${hostPort(p.hostIp, p.hostPort)} → ${p.containerPort}/${p.protocol}`,
          severity: loopbackOnly ? 'error' : null,
        });
      }
    }
  }
  return { nodes, edges };
}

import type { Container, Finding, Listener, Namespace, Network, Severity, Topology } from '../model/topology';
import { hostPort } from '../util/address';
import {
  compareGroups,
  type ExpansionInput,
  type GroupKind,
  type GroupRef,
  groupNodeId,
  groupOf,
  isExpanded,
} from './groups';
import { G, type Lane, layoutLanes, type Point, type Rect, shelfPack } from './layout';

/**
 * Topology → the drawable graph: framework-free nodes and edges with stable ids, sizes and
 * positions. React Flow only renders what this returns (components/graph).
 *
 * A pipeline of small passes, each linear in the size of the host: boxes (one per network
 * namespace) → groups (compose project, or network) → which groups are open → geometry →
 * nodes → edges, re-pointed at the group card when an end sits inside a closed group.
 */

export { G } from './layout';

export type NodeKind = 'namespace' | 'container' | 'network' | 'group';

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
  /** Workload listeners bound to loopback only: shown even in the compact drawing. */
  loopbackOnly: number;
  worst: Severity | null;
}

export interface ContainerData {
  kind: 'container';
  containerId: string;
  name: string;
  /** The name inside its group: the compose service (and replica), since the group names the project. */
  shortName: string;
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
  /** Without the compose project's prefix (the group names the project). */
  shortName: string;
  driver: string;
  subnet: string;
  gateway: string;
  mtu: number | null;
  embeddedDns: boolean;
  internal: boolean;
  attached: number;
}

export interface GroupData {
  kind: 'group';
  groupKey: string;
  groupKind: GroupKind;
  label: string;
  expanded: boolean;
  containers: number;
  running: number;
  namespaces: number;
  networks: number;
  worst: Severity | null;
  findingCount: number;
  /** The title of the worst finding, so a closed card says what is wrong inside. */
  worstTitle: string | null;
  /** Host ports published into the group (drawn as edges only when the group is open). */
  published: number;
}

export type NodeData = NamespaceData | ContainerData | NetworkData | GroupData;

export interface GraphNode {
  id: string;
  type: NodeKind;
  parentId?: string;
  position: Point;
  width: number;
  height: number;
  /** Open groups are frames drawn behind their content. */
  zIndex?: number;
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
  /** Node ids hidden in a closed group → the group card that stands for them. */
  hiddenIn: Map<string, string>;
}

export interface GraphFilter extends ExpansionInput {}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
export function worstOf(fs: Finding[]): Severity | null {
  return fs.reduce<Severity | null>(
    (w, f) => (w === null || SEVERITY_RANK[f.severity] < SEVERITY_RANK[w] ? f.severity : w),
    null,
  );
}
function worseOf(a: Severity | null, b: Severity | null): Severity | null {
  if (a === null) return b;
  if (b === null) return a;
  return SEVERITY_RANK[a] <= SEVERITY_RANK[b] ? a : b;
}

export const nodeIdForNamespaceKey = (key: string) => `ns:${key}`;
export const nodeIdForContainer = (id: string) => `ctr:${id}`;
export const nodeIdForNetwork = (id: string) => `net:${id}`;
export { groupNodeId } from './groups';

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
  group: GroupRef | null;
  /** What the box lists under its containers; its height depends on it, so it is made once. */
  listing: Listing;
}

interface Listing {
  rows: ListenerRow[];
  hidden: number;
  note: string | null;
}

function listingOf(ns: Namespace | null): Listing {
  if (!ns) return { rows: [], hidden: 0, note: null };
  const note =
    ns.listenerSource === 'unavailable'
      ? `listeners unavailable${ns.errors[0] ? `: ${ns.errors[0]}` : ''}`
      : ns.listenerSource === 'exec'
        ? 'listeners read with docker exec'
        : null;
  return { ...listenerRows(ns), note };
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
      group: ns.kind === 'host' || !owner ? null : groupOf(owner),
      listing: listingOf(ns),
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
      group: groupOf(c),
      listing: listingOf(null),
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

/** Findings per container id (subject or related), built once: rules × containers would be quadratic. */
function findingIndex(t: Topology): Map<string, Finding[]> {
  const m = new Map<string, Finding[]>();
  const add = (id: string, f: Finding) => {
    const list = m.get(id);
    if (!list) m.set(id, [f]);
    else if (list[list.length - 1] !== f) list.push(f);
  };
  for (const f of t.findings) {
    add(f.subject.id, f);
    for (const r of f.related) add(r.id, f);
  }
  return m;
}

export function projectsOf(t: Topology): string[] {
  return [...new Set(t.containers.map((c) => c.compose?.project).filter((p): p is string => !!p))].sort();
}

function namespaceNode(b: Box, members: Container[], at: Point, worst: Severity | null): GraphNode {
  const { rows, hidden, note } = b.listing;
  const { title, subtitle } = namespaceTitle(b);
  return {
    id: nodeIdForNamespaceKey(b.key),
    type: 'namespace',
    position: at,
    width: b.variant === 'host' ? G.hostWidth : G.nsWidth,
    height: boxHeight(b, members.length),
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
      loopbackOnly: (b.ns?.listeners ?? []).filter((l) => l.scope === 'loopback' && l.role === 'workload')
        .length,
      worst,
    },
  };
}

function boxHeight(b: Box, members: number): number {
  const { rows, hidden, note } = b.listing;
  return namespaceHeight(members, rows.length, hidden > 0, note !== null);
}

function containerNode(c: Container, parent: GraphNode, i: number, fs: Finding[]): GraphNode {
  return {
    id: nodeIdForContainer(c.id),
    type: 'container',
    parentId: parent.id,
    position: { x: G.nsPad, y: G.nsHeader + i * (G.ctrHeight + G.ctrGap) },
    width: parent.width - 2 * G.nsPad,
    height: G.ctrHeight,
    data: {
      kind: 'container',
      containerId: c.id,
      name: c.name,
      shortName: c.compose
        ? `${c.compose.service}${c.compose.number && c.compose.number > 1 ? ` #${c.compose.number}` : ''}`
        : c.name,
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
  };
}

function networkNode(n: Network, at: Point): GraphNode {
  return {
    id: nodeIdForNetwork(n.id),
    type: 'network',
    position: at,
    width: G.netWidth,
    height: G.netHeight,
    data: {
      kind: 'network',
      networkId: n.id,
      name: n.name,
      shortName: shortNetName(n.name, n.composeProject ?? undefined),
      driver: n.driver,
      subnet: n.subnets.join(', ') || '—',
      gateway: n.gateways.join(', ') || '—',
      mtu: n.mtu,
      embeddedDns: n.embeddedDns,
      internal: n.internal,
      attached: n.containerIds.length,
    },
  };
}

interface GroupPlan {
  ref: GroupRef;
  boxes: Box[];
  networks: Network[];
  expanded: boolean;
}

/** Each shown network belongs to the group that uses it most (ties: the group's order). */
function networkOwners(networks: Network[], plans: GroupPlan[]): Map<string, GroupPlan> {
  const owner = new Map<string, GroupPlan>();
  const best = new Map<string, number>();
  for (const p of plans) {
    const uses = new Map<string, number>();
    for (const b of p.boxes) for (const n of b.networks) uses.set(n, (uses.get(n) ?? 0) + 1);
    for (const [n, count] of uses) {
      if (count > (best.get(n) ?? 0)) {
        best.set(n, count);
        owner.set(n, p);
      }
    }
  }
  for (const n of networks) {
    if (owner.has(n.name)) continue;
    // Unused networks sit with their project, or form a group of their own.
    const p = plans.find((x) => x.ref.kind === 'project' && x.ref.label === n.composeProject);
    if (p) owner.set(n.name, p);
  }
  return owner;
}

export function buildGraph(t: Topology, filter: GraphFilter = {}): Graph {
  const keep = (c: Container) => !filter.project || c.compose?.project === filter.project;
  const all = boxes(t, keep);
  const hostBox = all.find((b) => b.variant === 'host');
  const nsBoxes = all.filter((b) => b.variant !== 'host');
  const findings = findingIndex(t);
  const findingsOf = (id: string) => findings.get(id) ?? [];

  const usedNets = new Set(nsBoxes.flatMap((b) => b.networks));
  const networks: Network[] = t.networks.filter(
    (n) =>
      n.driver !== 'null' &&
      n.driver !== 'host' &&
      (usedNets.has(n.name) || (filter.project ? n.composeProject === filter.project : true)),
  );

  // Groups, in a stable order.
  const plans = new Map<string, GroupPlan>();
  const planFor = (ref: GroupRef) => {
    let p = plans.get(ref.key);
    if (!p) {
      p = { ref, boxes: [], networks: [], expanded: false };
      plans.set(ref.key, p);
    }
    return p;
  };
  for (const b of nsBoxes) if (b.group) planFor(b.group).boxes.push(b);
  const owners = networkOwners(networks, [...plans.values()]);
  for (const n of networks) {
    const p = owners.get(n.name) ?? planFor({ key: `n:${n.name}`, kind: 'network', label: n.name });
    owners.set(n.name, p);
    p.networks.push(n);
  }
  const ordered = [...plans.values()].sort((a, b) => compareGroups(a.ref, b.ref));
  const visibleContainers = nsBoxes.reduce((s, b) => s + b.members.length, 0);
  for (const p of ordered) p.expanded = isExpanded(p.ref.key, visibleContainers, ordered.length, filter);

  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const hiddenIn = new Map<string, string>();

  const pushNamespace = (b: Box, at: Point) => {
    // Host namespace members are host-network containers; only those kept by the filter.
    const members = b.variant === 'host' ? b.members.filter(keep) : b.members;
    const worst = worstOf(members.flatMap((m) => findingsOf(m.id)));
    const node = namespaceNode(b, members, at, worst);
    nodes.push(node);
    members.forEach((c, i) => {
      nodes.push(containerNode(c, node, i, findingsOf(c.id)));
    });
  };

  if (hostBox) pushNamespace(hostBox, { x: G.hostX, y: 0 });

  // Geometry of each group: an open block of lanes, or a closed card.
  const blocks = ordered.map((p) => {
    if (!p.expanded) return { p, lanes: null, width: G.cardWidth, height: G.cardHeight };
    const mine = new Set(p.networks.map((n) => n.name));
    const laneByNet = new Map<string, Lane>(
      p.networks.map((n) => [n.name, { networkNodeId: nodeIdForNetwork(n.id), items: [] }]),
    );
    const foreign = new Map<string, Lane>();
    const noNet: Lane = { networkNodeId: null, items: [] };
    const sorted = [...p.boxes].sort(
      (a, b) => a.sortKey.localeCompare(b.sortKey) || a.key.localeCompare(b.key),
    );
    for (const b of sorted) {
      const item = { id: nodeIdForNamespaceKey(b.key), height: boxHeight(b, b.members.length) };
      const net = b.networks.find((n) => mine.has(n)) ?? b.networks.find((n) => owners.has(n));
      if (net && laneByNet.has(net)) laneByNet.get(net)?.items.push(item);
      else if (net) {
        const lane = foreign.get(net) ?? { networkNodeId: null, items: [] };
        lane.items.push(item);
        foreign.set(net, lane);
      } else noNet.items.push(item);
    }
    const lanes = [...laneByNet.values(), ...foreign.values(), ...(noNet.items.length ? [noNet] : [])];
    const laid = layoutLanes(lanes);
    return {
      p,
      lanes: laid,
      width: Math.max(G.cardWidth, laid.width + 2 * G.groupPad),
      height: G.groupHeader + laid.height + G.groupPad,
    };
  });
  const origins = shelfPack(
    blocks.map((b) => ({ id: b.p.ref.key, width: b.width, height: b.height })),
    { x: G.lanesX, y: 0 },
  );

  for (const block of blocks) {
    const { p } = block;
    const at = origins.get(p.ref.key) as Point;
    const gid = groupNodeId(p.ref.key);
    const members = p.boxes.flatMap((b) => b.members);
    const groupFindings = [...new Set(members.flatMap((m) => findingsOf(m.id)))];
    const worst = worstOf(groupFindings);
    nodes.push({
      id: gid,
      type: 'group',
      position: at,
      width: block.width,
      height: block.height,
      ...(p.expanded ? { zIndex: -1 } : {}),
      data: {
        kind: 'group',
        groupKey: p.ref.key,
        groupKind: p.ref.kind,
        label: p.ref.label,
        expanded: p.expanded,
        containers: members.length,
        running: members.filter((m) => m.state === 'running').length,
        namespaces: p.boxes.filter((b) => b.variant === 'container').length,
        // The networks its members are on, wherever they are drawn.
        networks: new Set(members.flatMap((m) => m.networks)).size,
        worst,
        findingCount: groupFindings.length,
        worstTitle: groupFindings.find((f) => f.severity === worst)?.title ?? null,
        published: members.reduce((n, m) => n + m.ports.length, 0),
      },
    });
    if (!block.lanes) {
      for (const b of p.boxes) {
        hiddenIn.set(nodeIdForNamespaceKey(b.key), gid);
        for (const c of b.members) hiddenIn.set(nodeIdForContainer(c.id), gid);
      }
      for (const n of p.networks) hiddenIn.set(nodeIdForNetwork(n.id), gid);
      continue;
    }
    const origin = { x: at.x + G.groupPad, y: at.y + G.groupHeader };
    const pos = (id: string): Point => {
      const rel = block.lanes?.positions.get(id) ?? { x: 0, y: 0 };
      return { x: origin.x + rel.x, y: origin.y + rel.y };
    };
    for (const n of p.networks) nodes.push(networkNode(n, pos(nodeIdForNetwork(n.id))));
    for (const b of p.boxes) pushNamespace(b, pos(nodeIdForNamespaceKey(b.key)));
  }

  // Edges, re-pointed at the card of a closed group and merged when several become one.
  const shown = (id: string) => hiddenIn.get(id) ?? id;
  const merged = new Map<string, GraphEdge & { count: number }>();
  const addEdge = (e: GraphEdge) => {
    const source = shown(e.source);
    const target = shown(e.target);
    if (source === target) return;
    const rerouted = source !== e.source || target !== e.target;
    // Into a closed group only what is wrong is drawn: a card counts its published ports
    // instead of a fan of edges from the host to every card.
    if (rerouted && e.kind === 'publish' && e.severity !== 'error') return;
    const key = rerouted ? `${e.kind}:${source}->${target}` : e.id;
    const prev = merged.get(key);
    if (prev) {
      prev.count++;
      prev.severity = worseOf(prev.severity, e.severity);
      prev.label = e.kind === 'publish' ? `${prev.count} published ports` : '';
      return;
    }
    merged.set(key, {
      ...e,
      id: rerouted ? `agg:${key}` : e.id,
      source,
      target,
      // A closed card has one handle per side.
      sourceHandle: source.startsWith('grp:')
        ? e.kind === 'attachment'
          ? 'bottom'
          : 'right'
        : e.sourceHandle,
      targetHandle: target.startsWith('grp:') ? (e.kind === 'attachment' ? 'top' : 'left') : e.targetHandle,
      count: 1,
    });
  };

  const netByName = new Map(networks.map((n) => [n.name, n]));
  if (hostBox)
    for (const n of networks)
      if (n.gateways.length && !hiddenIn.has(nodeIdForNetwork(n.id)))
        addEdge({
          id: `gw:${n.id}`,
          source: nodeIdForNamespaceKey('host'),
          target: nodeIdForNetwork(n.id),
          sourceHandle: 'right',
          targetHandle: 'left',
          kind: 'gateway',
          label: `gw ${n.gateways[0]}`,
          severity: null,
        });
  // The loopback-only finding's id ends with the port it is about.
  const loopbackOnly = new Map<string, string[]>();
  for (const f of t.findings)
    if (f.rule === 'loopback-only-listener')
      loopbackOnly.set(f.subject.id, [...(loopbackOnly.get(f.subject.id) ?? []), f.id]);
  for (const b of nsBoxes) {
    const target = nodeIdForNamespaceKey(b.key);
    for (const c of b.members) {
      for (const a of c.attachments) {
        const n = netByName.get(a.networkName);
        if (!n) continue;
        addEdge({
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
        const suffix = `${p.protocol}-${p.containerPort}`;
        const bad = (loopbackOnly.get(c.id) ?? []).some((id) => id.endsWith(suffix));
        addEdge({
          id: `pub:${c.id}:${k}`,
          source: nodeIdForNamespaceKey('host'),
          target,
          sourceHandle: 'right',
          targetHandle: 'left',
          kind: 'publish',
          label: `${hostPort(p.hostIp, p.hostPort)} → ${p.containerPort}/${p.protocol}`,
          severity: bad ? 'error' : null,
        });
      }
    }
  }
  for (const { count: _count, ...e } of merged.values()) edges.push(e);
  return { nodes, edges, hiddenIn };
}

/** Every node's rectangle in graph space (children are stored relative to their namespace). */
export function absoluteRects(g: Graph): Map<string, Rect> {
  const out = new Map<string, Rect>();
  for (const n of g.nodes) {
    // Parents come before children, so the parent's rectangle is already known.
    const p = n.parentId ? out.get(n.parentId) : undefined;
    out.set(n.id, {
      x: n.position.x + (p?.x ?? 0),
      y: n.position.y + (p?.y ?? 0),
      width: n.width,
      height: n.height,
    });
  }
  return out;
}

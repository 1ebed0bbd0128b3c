import { type Edge, MarkerType, type Node } from '@xyflow/react';
import type { ProbeRecord } from '@/lib/model/live';
import type { ProbeVerdict } from '@/lib/model/probe';
import type { Topology } from '@/lib/model/topology';
import { probeEndpoints, probePathKey } from '@/lib/probe/edges';
import type { Graph, GraphEdge } from '@/lib/topology/graph';
import { WATCH_BATCH } from '@/lib/watch/batch';

/** The framework-free graph (lib/topology/graph) → React Flow's nodes and edges. */

const EDGE_STYLE: Record<
  GraphEdge['kind'],
  { stroke: string; strokeDasharray?: string; strokeWidth: number }
> = {
  attachment: { stroke: '#6366f1', strokeWidth: 1.5 },
  publish: { stroke: '#38bdf8', strokeDasharray: '6 4', strokeWidth: 1.5 },
  gateway: { stroke: '#334155', strokeDasharray: '2 4', strokeWidth: 1 },
};

export function toFlowNodes(g: Graph, selectedId: string | null): Node[] {
  return g.nodes.map((n) => ({
    id: n.id,
    type: n.type,
    position: n.position,
    width: n.width,
    height: n.height,
    style: { width: n.width, height: n.height },
    data: n.data as unknown as Record<string, unknown>,
    selected: n.id === selectedId,
    draggable: false,
    connectable: false,
    // Open group frames sit behind their content and are not a click target of their own.
    ...(n.zIndex !== undefined ? { zIndex: n.zIndex, className: 'rm-frame' } : {}),
    ...(n.parentId ? { parentId: n.parentId, extent: 'parent' as const } : {}),
  }));
}

function sameNode(a: Node, b: Node): boolean {
  return (
    a.selected === b.selected &&
    a.width === b.width &&
    a.height === b.height &&
    a.position.x === b.position.x &&
    a.position.y === b.position.y &&
    a.parentId === b.parentId &&
    a.zIndex === b.zIndex &&
    JSON.stringify(a.data) === JSON.stringify(b.data)
  );
}

/**
 * Keeps the previous object of every node that did not change, so React Flow's memoised
 * node components skip re-rendering them when one container changes on a large host.
 */
export function reuseUnchanged(prev: Node[], next: Node[]): Node[] {
  if (prev.length === 0) return next;
  const before = new Map(prev.map((n) => [n.id, n]));
  return next.map((n) => {
    const old = before.get(n.id);
    return old && sameNode(old, n) ? old : n;
  });
}

/** Edge labels in compact mode: large enough to read when zoomed out. */
const COMPACT_LABEL = { fontSize: 20 } as const;

export function toFlowEdges(g: Graph, compact = false): Edge[] {
  return g.edges.map((e) => {
    const bad = e.severity === 'error';
    const style = bad ? { stroke: '#ef4444', strokeWidth: 2.5, strokeDasharray: '2 3' } : EDGE_STYLE[e.kind];
    return {
      id: e.id,
      source: e.source,
      target: e.target,
      sourceHandle: e.sourceHandle,
      targetHandle: e.targetHandle,
      type: e.kind === 'attachment' ? 'smoothstep' : 'default',
      // Zoomed out, the reason in a few large words; zoomed in, the whole binding.
      label: bad
        ? compact
          ? `✖ ${e.label.split(' → ')[0]} loopback only`
          : `✖ ${e.label} (loopback-only listener)`
        : e.label || undefined,
      ...(compact ? { labelStyle: COMPACT_LABEL } : {}),
      style,
      labelBgPadding: [4, 2] as [number, number],
      labelShowBg: true,
      markerEnd: e.kind === 'publish' ? { type: MarkerType.ArrowClosed, color: style.stroke } : undefined,
      data: { kind: e.kind, severity: e.severity },
      zIndex: bad ? 10 : e.kind === 'gateway' ? 0 : 1,
      focusable: false,
    };
  });
}

/** Probe verdicts by colour, line style and glyph: readable without colour too. */
const PROBE_STYLE: Record<ProbeVerdict, { stroke: string; strokeDasharray?: string; glyph: string }> = {
  pass: { stroke: '#22c55e', glyph: '✔' },
  fail: { stroke: '#ef4444', strokeDasharray: '8 5', glyph: '✖' },
  partial: { stroke: '#f59e0b', strokeDasharray: '10 4 2 4', glyph: '▲' },
};

export const PROBE_EDGE_PREFIX = 'probe:';

/** Absolute x of every node (children are positioned relative to their namespace). */
export function absoluteX(g: Graph): Map<string, number> {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  return new Map(
    g.nodes.map((n) => [n.id, n.position.x + (n.parentId ? (byId.get(n.parentId)?.position.x ?? 0) : 0)]),
  );
}

export function probeFlowEdges(
  t: Topology,
  records: ProbeRecord[],
  xs: Map<string, number>,
  selectedKey: string | null,
  /** Findings per probe path key: shown on the edge as a flag count. */
  findingsByPath: Map<string, number> = new Map(),
  /** Nodes drawn as part of a closed group: the edge ends at the group's card. */
  hiddenIn: Map<string, string> = new Map(),
  compact = false,
): Edge[] {
  const out: Edge[] = [];
  // Paths into (or out of) a closed group end on its card: one edge per card pair, worst
  // verdict first, instead of a stack of labels on the same line (a watch probes dozens).
  const merged = new Map<string, { source: string; target: string; recs: ProbeRecord[] }>();
  for (const rec of records) {
    const r = rec.initiator;
    const ends = probeEndpoints(t, r);
    const source = hiddenIn.get(ends.source) ?? ends.source;
    const target = ends.target ? (hiddenIn.get(ends.target) ?? ends.target) : null;
    const sx = xs.get(source);
    const tx = target ? xs.get(target) : undefined;
    if (!target || source === target || sx === undefined || tx === undefined) continue;
    if (source.startsWith('grp:') || target.startsWith('grp:')) {
      const pair = `${source}>${target}`;
      const m = merged.get(pair) ?? { source, target, recs: [] };
      m.recs.push(rec);
      merged.set(pair, m);
      continue;
    }
    // Within one lane, arc out to the right and back instead of crossing the boxes.
    const sameLane = Math.abs(sx - tx) < 100;
    const key = probePathKey(r);
    const st = PROBE_STYLE[r.verdict];
    const selected = key === selectedKey;
    // A passing path the watch keeps probing is context, not news: drawn faint.
    const quiet = rec.batchId === WATCH_BATCH && r.verdict === 'pass' && !selected;
    out.push({
      id: `${PROBE_EDGE_PREFIX}${key}`,
      source,
      target,
      sourceHandle: source.startsWith('ns:') ? 'right' : 'probe-out',
      targetHandle: target.startsWith('ns:') ? 'left' : sameLane ? 'probe-in-right' : 'probe-in',
      type: 'default',
      label: `${st.glyph} ${r.decisive ?? `${r.target.port} ok`}${findingsByPath.get(key) ? ` · ⚑${findingsByPath.get(key)}` : ''}`,
      style: {
        stroke: st.stroke,
        strokeWidth: selected ? 4 : quiet ? 1.5 : 2.5,
        strokeDasharray: st.strokeDasharray,
        ...(quiet ? { opacity: 0.55 } : {}),
      },
      labelStyle: {
        fill: st.stroke,
        fontWeight: 700,
        ...(quiet ? { opacity: 0.7 } : {}),
        ...(compact ? COMPACT_LABEL : {}),
      },
      labelBgPadding: [4, 2] as [number, number],
      labelShowBg: true,
      markerEnd: { type: MarkerType.ArrowClosed, color: st.stroke },
      data: { kind: 'probe', verdict: r.verdict, key },
      zIndex: 20,
      interactionWidth: 16,
    });
  }
  const rank = { fail: 0, partial: 1, pass: 2 } as const;
  for (const [pair, m] of merged) {
    const recs = [...m.recs].sort((a, b) => rank[a.initiator.verdict] - rank[b.initiator.verdict]);
    const worst = recs[0] as ProbeRecord;
    const st = PROBE_STYLE[worst.initiator.verdict];
    const bad = recs.filter((x) => x.initiator.verdict !== 'pass').length;
    const key = probePathKey(worst.initiator);
    out.push({
      id: `${PROBE_EDGE_PREFIX}${recs.length === 1 ? key : `group:${pair}`}`,
      source: m.source,
      target: m.target,
      sourceHandle: m.source.startsWith('ns:') || m.source.startsWith('grp:') ? 'right' : 'probe-out',
      targetHandle: m.target.startsWith('ns:') || m.target.startsWith('grp:') ? 'left' : 'probe-in',
      type: 'default',
      label:
        recs.length === 1
          ? `${st.glyph} ${worst.initiator.decisive ?? `${worst.initiator.target.port} ok`}`
          : bad > 0
            ? `${st.glyph} ${bad} of ${recs.length} paths fail (${worst.initiator.decisive ?? worst.initiator.verdict})`
            : `${st.glyph} ${recs.length} paths ok`,
      style: {
        stroke: st.stroke,
        strokeWidth: key === selectedKey ? 4 : 2.5,
        strokeDasharray: st.strokeDasharray,
      },
      labelStyle: { fill: st.stroke, fontWeight: 700, ...(compact ? COMPACT_LABEL : {}) },
      labelBgPadding: [4, 2] as [number, number],
      labelShowBg: true,
      markerEnd: { type: MarkerType.ArrowClosed, color: st.stroke },
      // A click opens the worst path's evidence.
      data: { kind: 'probe', verdict: worst.initiator.verdict, key },
      zIndex: 20,
      interactionWidth: 16,
    });
  }
  return out;
}

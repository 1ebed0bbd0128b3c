import { type Edge, MarkerType, type Node } from '@xyflow/react';
import type { Graph, GraphEdge } from '@/lib/topology/graph';

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
    ...(n.parentId ? { parentId: n.parentId, extent: 'parent' as const } : {}),
  }));
}

export function toFlowEdges(g: Graph): Edge[] {
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
      label: bad ? `✖ ${e.label} (loopback-only listener)` : e.label || undefined,
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

'use client';
import {
  Background,
  Controls,
  type EdgeMouseHandler,
  MiniMap,
  type Node,
  type NodeMouseHandler,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
} from '@xyflow/react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { dashboardStore } from '@/lib/client/store';
import { absoluteRects, buildGraph, type Graph as GraphModel } from '@/lib/topology/graph';
import { boundsOf, type Size } from '@/lib/topology/layout';
import { type Viewport, viewportFor, ZOOM } from '@/lib/topology/viewport';
import { useDashboard } from '../useDashboard';
import { useKeyboard } from '../useKeyboard';
import { ImageExport } from './ImageExport';
import { ContainerNode } from './nodes/ContainerNode';
import { GroupNode } from './nodes/GroupNode';
import { NamespaceNode } from './nodes/NamespaceNode';
import { NetworkNode } from './nodes/NetworkNode';
import { nodeIdForSelection, selectGraphNode } from './selectNode';
import {
  absoluteX,
  PROBE_EDGE_PREFIX,
  probeFlowEdges,
  reuseUnchanged,
  toFlowEdges,
  toFlowNodes,
} from './toFlow';
import { useCompact } from './useCompact';

// Module constant: React Flow re-mounts every node if nodeTypes changes identity (error002).
const nodeTypes = {
  namespace: NamespaceNode,
  container: ContainerNode,
  network: NetworkNode,
  group: GroupNode,
};

/**
 * Moves the view when asked (first picture, a new filter, a search hit, an opened group): to the
 * requested nodes at a zoom where their text is readable, never to a host-wide speck field.
 */
function useFitRequests(graph: GraphModel) {
  const { setViewport } = useReactFlow();
  const paneW = useStore((s) => s.width);
  const paneH = useStore((s) => s.height);
  const seq = useDashboard((s) => s.fitRequest.seq);
  // The first picture is placed by defaultViewport; only later requests move the view.
  const handled = useRef(dashboardStore.getState().fitRequest.seq);
  useEffect(() => {
    if (handled.current === seq || graph.nodes.length === 0 || paneW === 0 || paneH === 0) return;
    const { nodeIds } = dashboardStore.getState().fitRequest;
    const rects = absoluteRects(graph);
    const wanted = (nodeIds ?? [...rects.keys()])
      .map((id) => rects.get(graph.hiddenIn.get(id) ?? id))
      .filter((r) => r !== undefined);
    const b = boundsOf(wanted);
    if (!b) return;
    handled.current = seq;
    setViewport(viewportFor(b, { width: paneW, height: paneH }));
  }, [seq, graph, paneW, paneH, setViewport]);
}

/** Where the first picture is shown: computed before React Flow mounts, so it renders once. */
function firstViewport(graph: GraphModel, pane: Size): Viewport {
  const b = boundsOf([...absoluteRects(graph).values()]);
  return b ? viewportFor(b, pane) : { x: 0, y: 0, zoom: 1 };
}

function Graph({ pane }: { pane: Size }) {
  const topology = useDashboard((s) => s.topology);
  const project = useDashboard((s) => s.project);
  const expanded = useDashboard((s) => s.expanded);
  const selection = useDashboard((s) => s.selection);
  const probeFindings = useDashboard((s) => s.probeFindings);
  const graph = useMemo<GraphModel>(
    () =>
      topology
        ? buildGraph(
            { ...topology, findings: [...topology.findings, ...probeFindings] },
            { project, expanded },
          )
        : { nodes: [], edges: [], hiddenIn: new Map() },
    [topology, project, expanded, probeFindings],
  );
  useFitRequests(graph);
  const [initial] = useState(() => firstViewport(graph, pane));
  const selectedId = nodeIdForSelection(selection);
  const previous = useRef<Node[]>([]);
  const nodes = useMemo(() => {
    const next = reuseUnchanged(previous.current, toFlowNodes(graph, selectedId));
    previous.current = next;
    return next;
  }, [graph, selectedId]);
  const probes = useDashboard((s) => s.probes);
  const selectedProbe = selection?.kind === 'probe' ? selection.id : null;
  const findingsByPath = useMemo(() => {
    const m = new Map<string, number>();
    for (const f of probeFindings)
      if (f.subject.kind === 'probe') m.set(f.subject.id, (m.get(f.subject.id) ?? 0) + 1);
    return m;
  }, [probeFindings]);
  const compact = useCompact();
  const staticEdges = useMemo(() => toFlowEdges(graph, compact), [graph, compact]);
  const edges = useMemo(() => {
    if (!topology) return staticEdges;
    return [
      ...staticEdges,
      ...probeFlowEdges(
        topology,
        Object.values(probes),
        absoluteX(graph),
        selectedProbe,
        findingsByPath,
        graph.hiddenIn,
        compact,
      ),
    ];
  }, [staticEdges, topology, graph, probes, selectedProbe, findingsByPath, compact]);
  const onEdgeClick = useCallback<EdgeMouseHandler>((_e, edge) => {
    // The path's key is in the edge's data: a merged edge (into a closed group) opens its worst path.
    const key = (edge.data as { key?: unknown } | undefined)?.key;
    if (edge.id.startsWith(PROBE_EDGE_PREFIX) && typeof key === 'string')
      dashboardStore.getState().select({ kind: 'probe', id: key });
  }, []);
  const onNodeClick = useCallback<NodeMouseHandler>((_e, node) => selectGraphNode(node), []);
  const { getNode } = useReactFlow();
  useKeyboard(
    useCallback(
      (id: string) => {
        const n = getNode(id);
        if (n) selectGraphNode(n);
      },
      [getNode],
    ),
  );

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodeClick={onNodeClick}
      onEdgeClick={onEdgeClick}
      onPaneClick={() => dashboardStore.getState().select(null)}
      nodesDraggable={false}
      nodesConnectable={false}
      elementsSelectable
      defaultViewport={initial}
      minZoom={ZOOM.min}
      maxZoom={ZOOM.max}
      onlyRenderVisibleElements={nodes.length > 150}
      proOptions={{ hideAttribution: true }}
    >
      <Background gap={24} color="#1e293b" />
      <Controls showInteractive={false} />
      <ImageExport />
      <MiniMap
        pannable
        zoomable
        nodeColor={(n) =>
          n.type === 'network'
            ? '#4f46e5'
            : n.type === 'container'
              ? '#334155'
              : n.type === 'group'
                ? '#1e3a5f'
                : '#0f172a'
        }
      />
    </ReactFlow>
  );
}

/**
 * The graph mounts once the first topology is here and the pane's size is known, with its
 * first viewport already chosen: no render at 1:1 followed by a fit and a second render.
 */
export function TopologyGraph() {
  const ref = useRef<HTMLDivElement>(null);
  const [pane, setPane] = useState<Size | null>(null);
  const ready = useDashboard((s) => s.topology !== null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el) setPane({ width: el.clientWidth, height: el.clientHeight });
  }, []);
  return (
    <div ref={ref} className="h-full w-full">
      {ready && pane && (
        <ReactFlowProvider>
          <Graph pane={pane} />
        </ReactFlowProvider>
      )}
    </div>
  );
}

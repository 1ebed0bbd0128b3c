'use client';
import {
  Background,
  Controls,
  type EdgeMouseHandler,
  MiniMap,
  type NodeMouseHandler,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import { useCallback, useMemo } from 'react';
import { dashboardStore } from '@/lib/client/store';
import { buildGraph } from '@/lib/topology/graph';
import { useDashboard } from '../useDashboard';
import { ContainerNode } from './nodes/ContainerNode';
import { NamespaceNode } from './nodes/NamespaceNode';
import { NetworkNode } from './nodes/NetworkNode';
import { absoluteX, PROBE_EDGE_PREFIX, probeFlowEdges, toFlowEdges, toFlowNodes } from './toFlow';

// Module constant: React Flow re-mounts every node if nodeTypes changes identity (error002).
const nodeTypes = { namespace: NamespaceNode, container: ContainerNode, network: NetworkNode };

function selectionNodeId(sel: ReturnType<typeof dashboardStore.getState>['selection']): string | null {
  if (!sel) return null;
  if (sel.kind === 'container') return `ctr:${sel.id}`;
  if (sel.kind === 'network') return `net:${sel.id}`;
  if (sel.kind === 'namespace') return `ns:${sel.id}`;
  return null;
}

function Graph() {
  const topology = useDashboard((s) => s.topology);
  const project = useDashboard((s) => s.project);
  const selection = useDashboard((s) => s.selection);
  const probeFindings = useDashboard((s) => s.probeFindings);
  const graph = useMemo(
    () =>
      topology
        ? buildGraph({ ...topology, findings: [...topology.findings, ...probeFindings] }, { project })
        : { nodes: [], edges: [] },
    [topology, project, probeFindings],
  );
  const selectedId = selectionNodeId(selection);
  const nodes = useMemo(() => toFlowNodes(graph, selectedId), [graph, selectedId]);
  const probes = useDashboard((s) => s.probes);
  const selectedProbe = selection?.kind === 'probe' ? selection.id : null;
  const findingsByPath = useMemo(() => {
    const m = new Map<string, number>();
    for (const f of probeFindings)
      if (f.subject.kind === 'probe') m.set(f.subject.id, (m.get(f.subject.id) ?? 0) + 1);
    return m;
  }, [probeFindings]);
  const staticEdges = useMemo(() => toFlowEdges(graph), [graph]);
  const edges = useMemo(() => {
    if (!topology) return staticEdges;
    return [
      ...staticEdges,
      ...probeFlowEdges(topology, Object.values(probes), absoluteX(graph), selectedProbe, findingsByPath),
    ];
  }, [staticEdges, topology, graph, probes, selectedProbe, findingsByPath]);
  const onEdgeClick = useCallback<EdgeMouseHandler>((_e, edge) => {
    if (edge.id.startsWith(PROBE_EDGE_PREFIX))
      dashboardStore.getState().select({ kind: 'probe', id: edge.id.slice(PROBE_EDGE_PREFIX.length) });
  }, []);

  const onNodeClick = useCallback<NodeMouseHandler>((_e, node) => {
    const d = node.data as { kind: string; containerId?: string; networkId?: string; nsKey?: string };
    const select = dashboardStore.getState().select;
    if (d.kind === 'container' && d.containerId) select({ kind: 'container', id: d.containerId });
    else if (d.kind === 'network' && d.networkId) select({ kind: 'network', id: d.networkId });
    else if (d.kind === 'namespace' && d.nsKey) select({ kind: 'namespace', id: d.nsKey });
  }, []);

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
      fitView
      fitViewOptions={{ padding: 0.08, maxZoom: 1 }}
      minZoom={0.05}
      maxZoom={2}
      onlyRenderVisibleElements={nodes.length > 300}
      proOptions={{ hideAttribution: true }}
    >
      <Background gap={24} color="#1e293b" />
      <Controls showInteractive={false} />
      <MiniMap
        pannable
        zoomable
        nodeColor={(n) => (n.type === 'network' ? '#4f46e5' : n.type === 'container' ? '#334155' : '#0f172a')}
      />
    </ReactFlow>
  );
}

export function TopologyGraph() {
  return (
    <ReactFlowProvider>
      <Graph />
    </ReactFlowProvider>
  );
}

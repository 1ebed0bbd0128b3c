import type { Node } from '@xyflow/react';
import { dashboardStore, type Selection } from '@/lib/client/store';
import {
  type NodeData,
  nodeIdForContainer,
  nodeIdForNamespaceKey,
  nodeIdForNetwork,
} from '@/lib/topology/graph';
import { groupNodeId } from '@/lib/topology/groups';

/** The graph node a selection stands for (probes and runbooks are edges or panels: none). */
export function nodeIdForSelection(sel: Selection): string | null {
  if (sel?.kind === 'container') return nodeIdForContainer(sel.id);
  if (sel?.kind === 'network') return nodeIdForNetwork(sel.id);
  if (sel?.kind === 'namespace') return nodeIdForNamespaceKey(sel.id);
  return null;
}

/**
 * What a click (or Enter on a focused node) does: open the details of a container, network or
 * namespace; open a closed group and bring it into view; close an open group from its frame.
 */
export function selectGraphNode(node: Pick<Node, 'data'>): void {
  const d = node.data as unknown as NodeData;
  const s = dashboardStore.getState();
  switch (d.kind) {
    case 'container':
      s.select({ kind: 'container', id: d.containerId });
      break;
    case 'network':
      s.select({ kind: 'network', id: d.networkId });
      break;
    case 'namespace':
      s.select({ kind: 'namespace', id: d.nsKey });
      break;
    case 'group':
      if (d.expanded) break;
      s.setExpanded(d.groupKey, true);
      s.requestFit([groupNodeId(d.groupKey)]);
  }
}

import { dashboardStore, type Selection } from '@/lib/client/store';
import { buildGraph } from '@/lib/topology/graph';
import { nodeIdForSelection } from './selectNode';

/**
 * Select a container, network or namespace and bring it into view: widen the project filter
 * if it hides it, open the group it is drawn in, and move the view to it at a readable zoom.
 */
export function reveal(sel: NonNullable<Selection>): void {
  const s = dashboardStore.getState();
  const t = s.topology;
  s.select(sel);
  if (!t) return;
  const nodeId = nodeIdForSelection(sel);
  if (!nodeId) return;
  const c = sel.kind === 'container' ? t.containers.find((x) => x.id === sel.id) : undefined;
  if (s.project && c && c.compose?.project !== s.project) {
    s.setProject(null);
    s.select(sel);
  }
  const { project, expanded } = dashboardStore.getState();
  const group = buildGraph(t, { project, expanded }).hiddenIn.get(nodeId);
  if (group) s.setExpanded(group.slice('grp:'.length), true);
  s.requestFit([nodeId]);
}

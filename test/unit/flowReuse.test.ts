import { describe, expect, it } from 'vitest';
import { reuseUnchanged, toFlowNodes } from '@/components/graph/toFlow';
import { applyTopologyChange, diffTopology } from '@/lib/live/changes';
import type { Topology } from '@/lib/model/topology';
import { buildGraph, type GroupData, nodeIdForContainer } from '@/lib/topology/graph';
import { syntheticTopology } from '../synthetic';

/** A change on a large host reaches React Flow as new objects only for the nodes it touched. */
describe('applying a change re-renders only what it touched', () => {
  const before = syntheticTopology({ containers: 500 });
  const allOpen = Object.fromEntries(
    buildGraph(before)
      .nodes.filter((n) => n.type === 'group')
      .map((n) => [(n.data as GroupData).groupKey, true]),
  );
  const victim = before.containers.find((c) => c.compose?.project === 'stack04' && c.state === 'running');
  if (!victim) throw new Error('no running container in stack04');
  // The engine now says the container is unhealthy: one fact about one container changes.
  const after: Topology = {
    ...before,
    containers: before.containers.map((c) => (c.id === victim.id ? { ...c, health: 'unhealthy' } : c)),
  };

  it('keeps every other node object, so memoised nodes skip rendering', () => {
    const change = diffTopology(before, after, 1);
    if (!change) throw new Error('expected a change');
    expect(change.upsert.containers.map((c) => c.id)).toEqual([victim.id]);
    // What the browser holds after applying the change, with untouched entities shared.
    const applied = applyTopologyChange(before, change);
    const first = toFlowNodes(buildGraph(before, { expanded: allOpen }), null);
    const second = reuseUnchanged(first, toFlowNodes(buildGraph(applied, { expanded: allOpen }), null));
    const renewed = second.filter((n, i) => n !== first[i]).map((n) => n.id);
    expect(renewed).toEqual([nodeIdForContainer(victim.id)]);
    expect(second.length).toBeGreaterThan(900);
  });
});

import { applyTopologyChange, ChangeMismatchError, diffTopology } from '../live/changes';
import type { TopologyChange } from '../model/live';
import type { Topology } from '../model/topology';

/**
 * How the browser keeps its topology in step with the server's: a full topology on
 * (re)connect, then versioned changes. Pure, so the socket layer only wires messages.
 */

export type ChangeOutcome =
  | { kind: 'apply'; topology: Topology; version: number }
  /** Already seen (a change older than the topology we hold, e.g. one sent before a resync answer). */
  | { kind: 'ignore' }
  /** A version gap, or a change that does not fit what we hold: ask for a full topology. */
  | { kind: 'resync' };

export function reduceTopologyChange(
  state: { topology: Topology | null; version: number },
  change: TopologyChange,
): ChangeOutcome {
  if (!state.topology) return { kind: 'resync' };
  if (change.fromVersion !== state.version)
    return change.version <= state.version ? { kind: 'ignore' } : { kind: 'resync' };
  try {
    return { kind: 'apply', topology: applyTopologyChange(state.topology, change), version: change.version };
  } catch (e) {
    if (e instanceof ChangeMismatchError) return { kind: 'resync' };
    throw e;
  }
}

/**
 * A full topology, sharing the objects of the one we hold wherever they are equal: a
 * reconnect or a resync then re-renders only what really changed.
 */
export function adoptSnapshot(prev: Topology | null, next: Topology): Topology {
  if (!prev) return next;
  const change = diffTopology(prev, next);
  // Only the scan time differs: keep what we hold, so nothing re-renders.
  if (!change) return prev;
  try {
    return applyTopologyChange(prev, change);
  } catch {
    return next;
  }
}

import type { SnapshotDiff } from '../model/diff';
import type { Snapshot } from '../model/snapshot';
import { probePathKey } from '../probe/edges';
import type { DashboardState, DiffMark } from './store';

/**
 * The dashboard state that shows a stored snapshot: the same store the live page fills
 * from its socket, filled once from the snapshot, marked read-only. Pure.
 */
export function snapshotState(s: Snapshot): Partial<DashboardState> {
  return {
    snapshot: { id: s.id, takenAt: s.takenAt, note: s.note, host: s.host },
    topology: s.topology,
    version: 0,
    receivedAt: Date.parse(s.takenAt),
    engine: null,
    link: 'live',
    linkError: null,
    probes: Object.fromEntries(s.probes.map((r) => [probePathKey(r.initiator), r])),
    probeFindings: s.probeFindings,
    runbooks: Object.fromEntries(s.runbooks.map((r) => [r.id, r])),
    runbooksRunning: {},
    running: {},
    project: s.view.project,
    selection: s.view.selection,
    tab: 'findings',
  };
}

/** The /diff page: the later snapshot, read-only, with its containers marked by the diff. */
export function diffState(after: Snapshot, diff: SnapshotDiff): Partial<DashboardState> {
  const marks: Record<string, DiffMark> = {};
  const rank: Record<DiffMark, number> = { changed: 0, recreated: 1, added: 2 };
  for (const c of diff.changes) {
    if (c.kind === 'removed') continue;
    const mark: DiffMark = c.kind;
    const cur = marks[c.name];
    if (!cur || rank[mark] > rank[cur]) marks[c.name] = mark;
  }
  return { ...snapshotState(after), diff: { diff, marks }, tab: 'diff', selection: null };
}

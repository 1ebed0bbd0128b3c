import { createStore } from 'zustand/vanilla';
import type { SnapshotDiff } from '../model/diff';
import type { EngineState, ProbeProgress, ProbeRecord } from '../model/live';
import type { ProbeStep } from '../model/probe';
import type { RunbookReport } from '../model/runbook';
import type { Finding, Topology } from '../model/topology';
import { initiatorGone, probePathKey } from '../probe/edges';

/** What the dashboard knows. Components read it through narrow selectors. */

export type Selection = {
  kind: 'container' | 'namespace' | 'network' | 'probe' | 'runbook';
  id: string;
} | null;

export type Link = 'connecting' | 'live' | 'disconnected' | 'unauthorized';

export type SideTab = 'probe' | 'findings' | 'review' | 'snapshots' | 'diff';

/** Set when the page shows a stored snapshot (/s/<id>): everything is read-only then. */
export interface SnapshotMeta {
  id: string;
  takenAt: string;
  note: string;
  host: string;
}

export interface ProbeForm {
  from: string;
  to: string;
  ws: boolean;
  origin: string;
  paired: boolean;
  logs: boolean;
  /** Seconds to hold a WebSocket open after the upgrade ("" or 0: no hold). */
  holdS: string;
  /** ProbeSpec.large: the payload-size sweep. */
  large: boolean;
}

export interface RunningProbe {
  pairId: string;
  from: string;
  to: string;
  steps: { initiator: ProbeStep[]; host: ProbeStep[] };
}

export interface ProbeFailure {
  pairId: string;
  from: string;
  to: string;
  error: string;
  at: number;
}

/** How a container differs from the snapshot it is compared with (the /diff page). */
export type DiffMark = 'added' | 'changed' | 'recreated';

export interface DashboardState {
  snapshot: SnapshotMeta | null;
  /** Set on the /diff page: the diff shown, and its marks by container name. */
  diff: { diff: SnapshotDiff; marks: Record<string, DiffMark> } | null;
  topology: Topology | null;
  /** The server's version of `topology`; a topology:change applies only to this version. */
  version: number;
  /**
   * When `topology` was last known current: its last change, or the moment the link or the
   * engine was lost (the server sends nothing while nothing changes).
   */
  receivedAt: number | null;
  engine: EngineState | null;
  link: Link;
  linkError: string | null;
  selection: Selection;
  project: string | null;
  tab: SideTab;
  form: ProbeForm;
  /** Latest finished probe per path (initiator → target → origin). */
  probes: Record<string, ProbeRecord>;
  running: Record<string, RunningProbe>;
  failures: ProbeFailure[];
  batches: Record<string, ProbeProgress>;
  /** Findings derived from probe results (the topology carries the static ones). */
  probeFindings: Finding[];
  /** Finished runbooks by id, and the ones still running (id → what). */
  runbooks: Record<string, RunbookReport>;
  runbooksRunning: Record<string, { from: string; to: string; error?: string }>;
  /** Groups opened or closed by hand (group key → open); the rest follow the host's size. */
  expanded: Record<string, boolean>;
  /** A request to move the view: to these graph node ids, or (null) to everything drawn. */
  fitRequest: { seq: number; nodeIds: string[] | null };
  select: (s: Selection) => void;
  setProject: (p: string | null) => void;
  setExpanded: (groupKey: string, open: boolean) => void;
  /** Bring graph nodes into view (after the next render has drawn them). */
  requestFit: (nodeIds: string[] | null) => void;
  setTab: (t: SideTab) => void;
  setForm: (f: Partial<ProbeForm>) => void;
}

export const dashboardStore = createStore<DashboardState>()((set) => ({
  snapshot: null,
  diff: null,
  topology: null,
  version: 0,
  receivedAt: null,
  engine: null,
  link: 'connecting',
  linkError: null,
  selection: null,
  project: null,
  tab: 'findings',
  form: { from: 'host', to: '', ws: false, origin: '', paired: true, logs: true, holdS: '', large: false },
  probes: {},
  running: {},
  failures: [],
  batches: {},
  probeFindings: [],
  runbooks: {},
  runbooksRunning: {},
  expanded: {},
  fitRequest: { seq: 0, nodeIds: null },
  select: (selection) => set({ selection }),
  // A new filter is a new picture: fit it, and let its groups open by the usual rule.
  setProject: (project) =>
    set((s) => ({ project, expanded: {}, fitRequest: { seq: s.fitRequest.seq + 1, nodeIds: null } })),
  setExpanded: (key, open) => set((s) => ({ expanded: { ...s.expanded, [key]: open } })),
  requestFit: (nodeIds) => set((s) => ({ fitRequest: { seq: s.fitRequest.seq + 1, nodeIds } })),
  setTab: (tab) => set({ tab, selection: null }),
  setForm: (f) => set((s) => ({ form: { ...s.form, ...f } })),
}));

/** Reducers for probe messages: pure functions of state, so the socket layer stays thin. */
export const probeReducers = {
  step(
    s: DashboardState,
    m: { pairId: string; side: 'initiator' | 'host'; from: string; to: string; step: ProbeStep },
  ): Partial<DashboardState> {
    const cur = s.running[m.pairId] ?? {
      pairId: m.pairId,
      from: m.from,
      to: m.to,
      steps: { initiator: [], host: [] },
    };
    return {
      running: {
        ...s.running,
        [m.pairId]: { ...cur, steps: { ...cur.steps, [m.side]: [...cur.steps[m.side], m.step] } },
      },
    };
  },
  done(s: DashboardState, r: ProbeRecord): Partial<DashboardState> {
    const { [r.pairId]: _gone, ...running } = s.running;
    return { running, probes: { ...s.probes, [probePathKey(r.initiator)]: r } };
  },
  /** A new topology: results of initiators that were removed go, as they do on the server. */
  retain(s: DashboardState, t: Topology): Partial<DashboardState> {
    const gone = Object.entries(s.probes).filter(([, r]) => initiatorGone(t, r.initiator));
    if (gone.length === 0) return {};
    const probes = { ...s.probes };
    for (const [key] of gone) delete probes[key];
    return { probes };
  },
  history(s: DashboardState, records: ProbeRecord[]): Partial<DashboardState> {
    const probes = { ...s.probes };
    for (const r of records) probes[probePathKey(r.initiator)] = r;
    return { probes };
  },
  failed(s: DashboardState, f: Omit<ProbeFailure, 'at'>): Partial<DashboardState> {
    const { [f.pairId]: _gone, ...running } = s.running;
    return { running, failures: [{ ...f, at: Date.now() }, ...s.failures].slice(0, 20) };
  },
  progress(s: DashboardState, p: ProbeProgress): Partial<DashboardState> {
    return { batches: { ...s.batches, [p.batchId]: p } };
  },
};

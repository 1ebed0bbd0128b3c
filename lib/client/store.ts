import { createStore } from 'zustand/vanilla';
import type { EngineState } from '../model/live';
import type { Topology } from '../model/topology';

/** What the dashboard knows. Components read it through narrow selectors. */

export type Selection =
  | { kind: 'container' | 'namespace' | 'network'; id: string }
  | { kind: 'finding'; id: string }
  | null;

export type Link = 'connecting' | 'live' | 'disconnected' | 'unauthorized';

export interface DashboardState {
  topology: Topology | null;
  version: number;
  receivedAt: number | null;
  engine: EngineState | null;
  link: Link;
  linkError: string | null;
  selection: Selection;
  project: string | null;
  select: (s: Selection) => void;
  setProject: (p: string | null) => void;
}

export const dashboardStore = createStore<DashboardState>()((set) => ({
  topology: null,
  version: 0,
  receivedAt: null,
  engine: null,
  link: 'connecting',
  linkError: null,
  selection: null,
  project: null,
  select: (selection) => set({ selection }),
  setProject: (project) => set({ project }),
}));

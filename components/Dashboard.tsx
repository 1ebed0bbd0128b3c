'use client';
import { dashboardStore, type SideTab } from '@/lib/client/store';
import { TopologyGraph } from './graph/TopologyGraph';
import { DetailsPanel } from './panels/DetailsPanel';
import { FindingsList } from './panels/FindingsList';
import { ProbePanel } from './probe/ProbePanel';
import { ReviewPanel } from './review/ReviewPanel';
import { StatusBanner } from './StatusBanner';
import { DiffPanel } from './snapshot/DiffPanel';
import { SnapshotList } from './snapshot/SnapshotList';
import { TopBar } from './TopBar';
import { useDashboard } from './useDashboard';
import { useFindingsInView } from './useFindings';
import { useViewUrl } from './useViewUrl';

function Tabs() {
  const tab = useDashboard((s) => s.tab);
  const readOnly = useDashboard((s) => s.snapshot !== null);
  const isDiff = useDashboard((s) => s.diff !== null);
  const findings = useFindingsInView().length;
  const item = (id: SideTab, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={tab === id}
      data-testid={`tab-${id}`}
      onClick={() => dashboardStore.getState().setTab(id)}
      className={`px-3 py-1.5 text-xs font-semibold ${tab === id ? 'border-b-2 border-sky-400 text-slate-100' : 'text-slate-400 hover:text-slate-200'}`}
    >
      {label}
    </button>
  );
  return (
    <div role="tablist" className="mb-3 flex border-b border-slate-800">
      {isDiff && item('diff', 'Diff')}
      {item('findings', `Findings (${findings})`)}
      {!readOnly && item('probe', 'Probe')}
      {item('review', 'Review')}
      {!readOnly && item('snapshots', 'Snapshots')}
    </div>
  );
}

function TabBody({ tab }: { tab: SideTab }) {
  const readOnly = useDashboard((s) => s.snapshot !== null);
  if (tab === 'review') return <ReviewPanel />;
  if (tab === 'diff') return <DiffPanel />;
  if (readOnly || tab === 'findings') return <FindingsList />;
  return tab === 'probe' ? <ProbePanel /> : <SnapshotList />;
}

function SidePanel() {
  const selection = useDashboard((s) => s.selection);
  const tab = useDashboard((s) => s.tab);
  const wide = selection?.kind === 'probe' || selection?.kind === 'runbook';
  return (
    <aside
      className={`${wide ? 'w-[760px]' : 'w-[420px]'} shrink-0 overflow-y-auto border-l border-slate-800 bg-slate-950 p-3`}
    >
      {selection ? (
        <DetailsPanel />
      ) : (
        <>
          <Tabs />
          <TabBody tab={tab} />
        </>
      )}
    </aside>
  );
}

function EmptyState({ loading }: { loading: string }) {
  const hasTopology = useDashboard((s) => s.topology !== null);
  const link = useDashboard((s) => s.link);
  if (hasTopology) return null;
  return (
    <div className="absolute inset-0 grid place-items-center text-sm text-slate-400" data-testid="loading">
      {link === 'unauthorized' ? 'Not signed in.' : loading}
    </div>
  );
}

/** The page both the live dashboard and a snapshot link show; the store says which. */
export function Dashboard({ loading = 'Reading the Docker host…' }: { loading?: string }) {
  useViewUrl();
  return (
    <div className="flex h-screen flex-col">
      <TopBar />
      <StatusBanner />
      <div className="flex min-h-0 flex-1">
        <main className="relative min-w-0 flex-1">
          <EmptyState loading={loading} />
          <TopologyGraph />
        </main>
        <SidePanel />
      </div>
    </div>
  );
}

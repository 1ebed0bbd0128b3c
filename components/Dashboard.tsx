'use client';
import { useEffect } from 'react';
import { startLive } from '@/lib/client/socket';
import { dashboardStore, type SideTab } from '@/lib/client/store';
import { TopologyGraph } from './graph/TopologyGraph';
import { DetailsPanel } from './panels/DetailsPanel';
import { FindingsList } from './panels/FindingsList';
import { ProbePanel } from './probe/ProbePanel';
import { ReviewPanel } from './review/ReviewPanel';
import { StatusBanner } from './StatusBanner';
import { TopBar } from './TopBar';
import { useDashboard } from './useDashboard';
import { useFindingsInView } from './useFindings';

function Tabs() {
  const tab = useDashboard((s) => s.tab);
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
      {item('findings', `Findings (${findings})`)}
      {item('probe', 'Probe')}
      {item('review', 'Review')}
    </div>
  );
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
          {tab === 'probe' ? <ProbePanel /> : tab === 'review' ? <ReviewPanel /> : <FindingsList />}
        </>
      )}
    </aside>
  );
}

function EmptyState() {
  const hasTopology = useDashboard((s) => s.topology !== null);
  const link = useDashboard((s) => s.link);
  if (hasTopology) return null;
  return (
    <div className="absolute inset-0 grid place-items-center text-sm text-slate-400" data-testid="loading">
      {link === 'unauthorized' ? 'Not signed in.' : 'Reading the Docker host…'}
    </div>
  );
}

// The socket opens when this module loads, not after hydration: on a large host the first
// topology is over a megabyte, and its download then overlaps React's start-up.
startLive();

export function Dashboard() {
  // Usually already open (below); after a client-side remount it opens here.
  useEffect(() => startLive(), []);
  return (
    <div className="flex h-screen flex-col">
      <TopBar />
      <StatusBanner />
      <div className="flex min-h-0 flex-1">
        <main className="relative min-w-0 flex-1">
          <EmptyState />
          <TopologyGraph />
        </main>
        <SidePanel />
      </div>
    </div>
  );
}

'use client';
import { useEffect } from 'react';
import { connectLive } from '@/lib/client/socket';
import { TopologyGraph } from './graph/TopologyGraph';
import { DetailsPanel } from './panels/DetailsPanel';
import { FindingsList } from './panels/FindingsList';
import { StatusBanner } from './StatusBanner';
import { TopBar } from './TopBar';
import { useDashboard } from './useDashboard';

function SidePanel() {
  const hasSelection = useDashboard((s) => s.selection !== null);
  return (
    <aside className="w-[400px] shrink-0 overflow-y-auto border-l border-slate-800 bg-slate-950 p-3">
      {hasSelection ? <DetailsPanel /> : <FindingsList />}
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

export function Dashboard() {
  useEffect(() => connectLive(), []);
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

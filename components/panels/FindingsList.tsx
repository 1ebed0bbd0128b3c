'use client';
import { dashboardStore } from '@/lib/client/store';
import { useDashboard } from '../useDashboard';
import { FindingCard } from './FindingCard';

export function FindingsList() {
  const findings = useDashboard((s) => s.topology?.findings ?? null);
  const project = useDashboard((s) => s.project);
  const containers = useDashboard((s) => s.topology?.containers ?? null);
  if (!findings || !containers) return null;
  const inProject = (id: string) =>
    !project || containers.find((c) => c.id === id)?.compose?.project === project;
  const shown = findings.filter((f) => f.subject.kind !== 'container' || inProject(f.subject.id));
  return (
    <div data-testid="findings-list">
      <h2 className="mb-2 text-sm font-semibold text-slate-200">
        Findings <span className="text-slate-500">({shown.length})</span>
      </h2>
      {shown.length === 0 && <p className="text-xs text-slate-400">No static findings for what is shown.</p>}
      <div className="space-y-2">
        {shown.map((f) => (
          <FindingCard
            key={f.id}
            f={f}
            onSelect={() =>
              f.subject.kind === 'container' &&
              dashboardStore.getState().select({ kind: 'container', id: f.subject.id })
            }
          />
        ))}
      </div>
    </div>
  );
}

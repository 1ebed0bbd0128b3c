'use client';
import { dashboardStore } from '@/lib/client/store';
import type { Finding } from '@/lib/model/topology';
import { useDashboard } from '../useDashboard';
import { useAllFindings } from '../useFindings';
import { FindingCard } from './FindingCard';

function selectSubject(f: Finding): void {
  const { select } = dashboardStore.getState();
  if (f.subject.kind === 'container') select({ kind: 'container', id: f.subject.id });
  else if (f.subject.kind === 'probe') select({ kind: 'probe', id: f.subject.id });
  else if (f.subject.kind === 'network') select({ kind: 'network', id: f.subject.id });
}

export function FindingsList() {
  const findings = useAllFindings();
  const project = useDashboard((s) => s.project);
  const containers = useDashboard((s) => s.topology?.containers ?? null);
  if (!containers) return null;
  const inProject = (id: string) =>
    !project || containers.find((c) => c.id === id)?.compose?.project === project;
  const shown = findings.filter((f) => f.subject.kind !== 'container' || inProject(f.subject.id));
  return (
    <div data-testid="findings-list">
      {shown.length === 0 && (
        <p className="text-xs text-slate-400">
          No findings for what is shown. Probes add findings about the paths they try.
        </p>
      )}
      <div className="space-y-2">
        {shown.map((f) => (
          <FindingCard key={f.id} f={f} onSelect={() => selectSubject(f)} />
        ))}
      </div>
    </div>
  );
}

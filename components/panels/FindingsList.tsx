'use client';
import { dashboardStore } from '@/lib/client/store';
import type { Finding } from '@/lib/model/topology';
import { reveal } from '../graph/reveal';
import { useDashboard } from '../useDashboard';
import { useFindingsInView } from '../useFindings';
import { FindingCard } from './FindingCard';

function selectSubject(f: Finding): void {
  const { kind, id } = f.subject;
  if (kind === 'container' || kind === 'network') reveal({ kind, id });
  else if (kind === 'probe') dashboardStore.getState().select({ kind: 'probe', id });
}

export function FindingsList() {
  // The list follows the filter: findings about other stacks are not in view.
  const shown = useFindingsInView();
  const loaded = useDashboard((s) => s.topology !== null);
  if (!loaded) return null;
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

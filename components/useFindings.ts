'use client';
import { useMemo } from 'react';
import { bySeverity } from '@/lib/diagnose';
import type { Finding } from '@/lib/model/topology';
import { useDashboard } from './useDashboard';

/** Static findings (from the topology) and probe findings, one ordered list. */
export function useAllFindings(): Finding[] {
  const staticFindings = useDashboard((s) => s.topology?.findings);
  const probeFindings = useDashboard((s) => s.probeFindings);
  return useMemo(
    () => [...(staticFindings ?? []), ...probeFindings].sort(bySeverity),
    [staticFindings, probeFindings],
  );
}

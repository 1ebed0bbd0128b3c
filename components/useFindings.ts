'use client';
import { useMemo } from 'react';
import { bySeverity } from '@/lib/diagnose';
import type { Finding } from '@/lib/model/topology';
import { findingsInProject } from '@/lib/topology/scope';
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

/** The findings about what the compose-project filter shows. */
export function useFindingsInView(): Finding[] {
  const all = useAllFindings();
  const topology = useDashboard((s) => s.topology);
  const project = useDashboard((s) => s.project);
  return useMemo(() => (topology ? findingsInProject(topology, all, project) : []), [topology, all, project]);
}

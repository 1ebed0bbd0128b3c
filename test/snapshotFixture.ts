import { readFileSync } from 'node:fs';
import path from 'node:path';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import type { ProbeRecord } from '@/lib/model/live';
import type { ProbeResult } from '@/lib/model/probe';
import { RunbookReport } from '@/lib/model/runbook';
import type { Snapshot } from '@/lib/model/snapshot';
import { composeSnapshot, type SnapshotParts } from '@/lib/snapshot/compose';
import { newSnapshotId } from '@/lib/snapshot/id';
import { buildTopology } from '@/lib/topology/build';

/**
 * A snapshot of the lab as recorded on the real engine: its topology, the 13 recorded
 * probes (as the dashboard keeps them) and a recorded runbook.
 */
const FIX = path.join(import.meta.dirname, 'fixtures');
const read = (name: string) => JSON.parse(readFileSync(path.join(FIX, name), 'utf8'));

export function labSnapshotParts(overrides: Partial<SnapshotParts> = {}): SnapshotParts {
  const f = read('probes-lab.json');
  const topology = buildTopology({
    engine: f.engine,
    netns: f.netns,
    openclaw: f.openclaw,
    uplink: f.uplink,
    scannedAt: f.recordedAt,
    scanMs: 0,
  });
  const results = (f.results as { result: ProbeResult }[]).map((x) => x.result);
  const probes: ProbeRecord[] = results.map((r) => ({
    initiator: r,
    host: null,
    pairId: r.id,
    batchId: null,
    at: r.startedAt,
  }));
  return {
    id: newSnapshotId(),
    now: new Date('2026-12-02T10:00:00Z'),
    note: 'CLI gets 502 after the deploy',
    ttlSeconds: null,
    source: 'dashboard',
    view: { project: null, selection: null },
    topology,
    probes,
    probeFindings: diagnoseProbes(topology, results),
    runbooks: [RunbookReport.parse(read('runbook-origin.json'))],
    ...overrides,
  };
}

export const labSnapshot = (overrides: Partial<SnapshotParts> = {}): Snapshot =>
  composeSnapshot(labSnapshotParts(overrides));

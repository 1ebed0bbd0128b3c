import type { ProbeRecord } from '../model/live';
import type { RunbookReport } from '../model/runbook';
import {
  type ProxyRoutes,
  SNAPSHOT_SCHEMA_VERSION,
  type Snapshot,
  type SnapshotView,
} from '../model/snapshot';
import type { Finding, Topology } from '../model/topology';
import { newSnapshotId } from './id';
import { redactDeep } from './redact';

export interface SnapshotParts {
  id: string;
  now: Date;
  note: string;
  ttlSeconds: number | null;
  source: Snapshot['source'];
  view: SnapshotView;
  topology: Topology;
  probes: ProbeRecord[];
  probeFindings: Finding[];
  runbooks: RunbookReport[];
  /** Read at the edge (lib/proxy/configReader readProxyRoutes); none when not read. */
  proxies?: ProxyRoutes[];
}

/** A snapshot from what is shown now: pure, and redacted as a whole before anything stores it. */
export function composeSnapshot(p: SnapshotParts): Snapshot {
  return redactDeep({
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    id: p.id,
    takenAt: p.now.toISOString(),
    host: p.topology.host.name,
    note: p.note.trim(),
    source: p.source,
    expiresAt: p.ttlSeconds === null ? null : new Date(p.now.getTime() + p.ttlSeconds * 1000).toISOString(),
    view: p.view,
    topology: p.topology,
    probes: p.probes,
    probeFindings: p.probeFindings,
    runbooks: p.runbooks,
    proxies: p.proxies ?? [],
  } satisfies Snapshot);
}

/**
 * A snapshot exported by another Reachmap, stored here: a new id (the old link is the other
 * Reachmap's capability), its own time and content, redacted again.
 */
export function importedSnapshot(s: Snapshot, id = newSnapshotId()): Snapshot {
  return composeSnapshot({ ...s, id, now: new Date(s.takenAt), ttlSeconds: null, source: 'import' });
}

import { z } from 'zod';
import { ProbeRecord } from './live';
import { RunbookReport } from './runbook';
import { Finding, Topology } from './topology';

/**
 * A snapshot: what the dashboard showed at one moment, frozen and redacted, so it can be
 * linked (/s/<id>), exported, imported into another Reachmap and compared (diff).
 */

export const SNAPSHOT_SCHEMA_VERSION = 1;

/** 128 random bits, base64url without padding: exactly 22 characters of [A-Za-z0-9_-]. */
export const SNAPSHOT_ID_RE = /^[A-Za-z0-9_-]{22}$/;
export const SnapshotId = z
  .string()
  .regex(SNAPSHOT_ID_RE, 'a snapshot id is 22 characters of A-Z a-z 0-9 _ -');
export type SnapshotId = z.infer<typeof SnapshotId>;

export const NOTE_MAX = 2000;

/** The view it was taken from, so a snapshot link opens where its author was looking. */
export const SnapshotView = z.object({
  project: z.string().max(256).nullable(),
  selection: z
    .object({
      kind: z.enum(['container', 'namespace', 'network', 'probe', 'runbook']),
      id: z.string().max(512),
    })
    .nullable(),
});
export type SnapshotView = z.infer<typeof SnapshotView>;

export const SnapshotSource = z.enum(['dashboard', 'cli', 'import']);

/** A reverse proxy's routes as its own configuration says (nginx), read when the snapshot was taken. */
export const ProxyRoutes = z.object({
  /** The proxy container's name, and its stable subject (compose project/service). */
  container: z.string(),
  subject: z.string(),
  /** Which files were read, or why none could be. */
  source: z.string(),
  locations: z.array(
    z.object({
      server: z.string(),
      path: z.string(),
      upstream: z.string().nullable(),
      /** The servers of its upstream{} block, when proxy_pass names one (else absent). */
      upstreamServers: z.array(z.string()).optional(),
      httpVersion: z.string(),
      upgradeHeader: z.string().nullable(),
      connectionHeader: z.string().nullable(),
      readTimeout: z.string(),
    }),
  ),
});
export type ProxyRoutes = z.infer<typeof ProxyRoutes>;

export const Snapshot = z.object({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  id: SnapshotId,
  takenAt: z.iso.datetime({ offset: true }),
  /** The machine (or engine) it was taken from, as its hostname says. */
  host: z.string().max(256),
  note: z.string().max(NOTE_MAX),
  source: SnapshotSource,
  /** When it is deleted by itself; null: kept until deleted. */
  expiresAt: z.iso.datetime({ offset: true }).nullable(),
  view: SnapshotView,
  topology: Topology,
  /** The latest result of every probed path: the edges drawn, with evidence, logs and hops. */
  probes: z.array(ProbeRecord),
  /** Findings from those probes (the topology carries the static ones). */
  probeFindings: z.array(Finding),
  runbooks: z.array(RunbookReport),
  /** The reverse proxies' routes (upstream, forwarded Upgrade/Connection, HTTP version, idle timeout). */
  proxies: z.array(ProxyRoutes).default([]),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** What lists show, without the body. */
export const SnapshotSummary = z.object({
  id: SnapshotId,
  takenAt: z.string(),
  host: z.string(),
  note: z.string(),
  source: SnapshotSource,
  expiresAt: z.string().nullable(),
  containers: z.number().int(),
  findings: z.number().int(),
  /** Probed paths that did not pass. */
  failing: z.number().int(),
  /** Stored size (compressed), bytes. */
  bytes: z.number().int(),
});
export type SnapshotSummary = z.infer<typeof SnapshotSummary>;

/** The answer to taking one: its summary and the link to share. */
export const TakenSnapshot = z.object({ summary: SnapshotSummary, link: z.string() });
export type TakenSnapshot = z.infer<typeof TakenSnapshot>;

/** A dashboard's request to take one. */
export const SnapshotRequest = z.object({
  note: z.string().max(NOTE_MAX).default(''),
  /** Seconds until it expires; omitted or null: kept until deleted. */
  ttlSeconds: z
    .number()
    .int()
    .min(60)
    .max(366 * 24 * 3600)
    .nullable()
    .default(null),
  view: SnapshotView.default({ project: null, selection: null }),
});
export type SnapshotRequest = z.infer<typeof SnapshotRequest>;

export function summarize(s: Snapshot, bytes: number): SnapshotSummary {
  return {
    id: s.id,
    takenAt: s.takenAt,
    host: s.host,
    note: s.note,
    source: s.source,
    expiresAt: s.expiresAt,
    containers: s.topology.containers.length,
    findings: s.topology.findings.length + s.probeFindings.length,
    failing: s.probes.filter((p) => p.initiator.verdict !== 'pass').length,
    bytes,
  };
}

import { z } from 'zod';
import { ProbeVerdict } from './probe';

/**
 * What changed between two snapshots (or a snapshot and now), as lib/snapshot/diff.ts
 * computes it: per container (by compose service or name) and per probed path.
 */

/**
 * The networking-matrix cell a change moves (domain.md, "Review discipline"). bind,
 * network-mode, proxy-upstream and client-config are the four a change should move one at
 * a time; publish and origins are tracked but do not count towards that rule.
 */
export const MatrixCell = z.enum([
  'bind',
  'network-mode',
  'proxy-upstream',
  'client-config',
  'publish',
  'origins',
]);
export type MatrixCell = z.infer<typeof MatrixCell>;
export const BISECT_CELLS: readonly MatrixCell[] = [
  'bind',
  'network-mode',
  'proxy-upstream',
  'client-config',
];

export const DiffChange = z.object({
  /** The container's stable name across recreations: "project/service" (replica n>1: "#n"), else its name. */
  subject: z.string(),
  /** Its container name after (or before, when removed). */
  name: z.string(),
  kind: z.enum(['added', 'removed', 'recreated', 'changed']),
  /** For kind=changed/recreated: which fact ("listeners", "network mode", …). */
  field: z.string().nullable(),
  cell: MatrixCell.nullable(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export type DiffChange = z.infer<typeof DiffChange>;

export const ProbeFlip = z.object({
  /** initiator → target (Origin …) */
  path: z.string(),
  before: ProbeVerdict.nullable(),
  after: ProbeVerdict.nullable(),
  beforeDecisive: z.string().nullable(),
  afterDecisive: z.string().nullable(),
});
export type ProbeFlip = z.infer<typeof ProbeFlip>;

export const DiffSide = z.object({
  /** A snapshot id, or "now". */
  ref: z.string(),
  takenAt: z.string(),
  host: z.string(),
  note: z.string(),
});

export const SnapshotDiff = z.object({
  schemaVersion: z.literal(1),
  before: DiffSide,
  after: DiffSide,
  changes: z.array(DiffChange),
  flips: z.array(ProbeFlip),
  /**
   * Set when the diff moves more than one of the four matrix cells at once: the kind of
   * change that cannot be bisected when it breaks.
   */
  multiCell: z
    .object({
      cells: z.array(MatrixCell),
      subjects: z.array(z.object({ subject: z.string(), cells: z.array(MatrixCell) })),
    })
    .nullable(),
});
export type SnapshotDiff = z.infer<typeof SnapshotDiff>;

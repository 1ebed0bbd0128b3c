import { z } from 'zod';
import { SnapshotSummary, type SnapshotView, TakenSnapshot } from '../model/snapshot';

/** The dashboard's calls to /api/snapshots (session cookie), answers validated. */

const Listed = z.object({ snapshots: z.array(SnapshotSummary.extend({ link: z.string() })) });
export type ListedSnapshot = z.infer<typeof Listed>['snapshots'][number];

async function call<T>(path: string, init: RequestInit, schema: z.ZodType<T>): Promise<T> {
  const res = await fetch(path, { ...init, headers: { 'content-type': 'application/json' } });
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (body as { error?: unknown } | null)?.error;
    throw new Error(typeof error === 'string' ? error : `HTTP ${res.status}`);
  }
  return schema.parse(body);
}

export const takeSnapshot = (note: string, view: SnapshotView, ttlSeconds: number | null = null) =>
  call('/api/snapshots', { method: 'POST', body: JSON.stringify({ note, view, ttlSeconds }) }, TakenSnapshot);

/** A JSON export from this or another Reachmap, stored here under a new id. */
export const importSnapshot = (json: string) =>
  call('/api/snapshots/import', { method: 'POST', body: json }, TakenSnapshot);

export const listSnapshots = () => call('/api/snapshots', { method: 'GET' }, Listed).then((r) => r.snapshots);

export const deleteSnapshot = (id: string) =>
  call(`/api/snapshots/${encodeURIComponent(id)}`, { method: 'DELETE' }, z.object({ ok: z.literal(true) }));

export const exportUrl = (id: string, format: string) =>
  `/api/snapshots/${encodeURIComponent(id)}/export?format=${encodeURIComponent(format)}`;

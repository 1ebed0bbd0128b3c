import { z } from 'zod';
import { SnapshotSummary, type SnapshotView, TakenSnapshot } from '../model/snapshot';
import { at } from './basePath';
import { authHeaders } from './session';

/** The dashboard's calls to /api/snapshots (session cookie), answers validated. */

const Listed = z.object({ snapshots: z.array(SnapshotSummary.extend({ link: z.string() })) });
export type ListedSnapshot = z.infer<typeof Listed>['snapshots'][number];

async function call<T>(path: string, init: RequestInit, schema: z.ZodType<T>): Promise<T> {
  const res = await fetch(at(path), {
    ...init,
    headers: { 'content-type': 'application/json', ...authHeaders() },
  });
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

/** An export as a download (the session's binding cannot ride on a plain link). */
export async function downloadExport(id: string, format: string): Promise<void> {
  const res = await fetch(at(exportUrl(id, format)), { headers: authHeaders() });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: string } | null;
    throw new Error(body?.error ?? `HTTP ${res.status}`);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download =
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
    `reachmap-${id}.${format}`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

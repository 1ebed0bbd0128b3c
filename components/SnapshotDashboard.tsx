'use client';
import { useEffect, useState } from 'react';
import { at } from '@/lib/client/basePath';
import { snapshotState } from '@/lib/client/snapshotView';
import { dashboardStore } from '@/lib/client/store';
import { Snapshot } from '@/lib/model/snapshot';
import { Dashboard } from './Dashboard';

/**
 * A snapshot link (/s/<id>): the shared view over a stored, immutable snapshot. It loads
 * one JSON document from its own public route and opens no socket: nothing here is live,
 * nothing reaches Docker, and no probe can be started.
 */
export function SnapshotDashboard({ id }: { id: string }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const res = await fetch(at(`/s/${encodeURIComponent(id)}/snapshot.json`), { cache: 'no-store' });
      if (!res.ok)
        throw new Error(
          res.status === 404 ? 'this snapshot does not exist (deleted or expired)' : `HTTP ${res.status}`,
        );
      const parsed = Snapshot.safeParse(await res.json());
      if (!parsed.success) throw new Error('the snapshot could not be read (unexpected format)');
      if (!cancelled) dashboardStore.setState(snapshotState(parsed.data));
    })().catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [id]);
  if (error)
    return (
      <div role="alert" className="p-8 text-sm text-red-200" data-testid="snapshot-error">
        {error}
      </div>
    );
  return <Dashboard loading="Opening the snapshot…" />;
}

'use client';
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { at } from '@/lib/client/basePath';
import { authHeaders } from '@/lib/client/session';
import { diffState } from '@/lib/client/snapshotView';
import { dashboardStore } from '@/lib/client/store';
import { SnapshotDiff } from '@/lib/model/diff';
import { Snapshot } from '@/lib/model/snapshot';
import { Dashboard } from '../Dashboard';

const DiffResponse = z.object({ diff: SnapshotDiff, after: Snapshot });

/** /diff/<a>/<b>: the later side drawn read-only, its containers marked, the table beside it. */
export function DiffDashboard({ a, b }: { a: string; b: string }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const res = await fetch(at(`/diff/${encodeURIComponent(a)}/${encodeURIComponent(b)}/diff.json`), {
        cache: 'no-store',
        headers: authHeaders(), // "now" reads the live host
      });
      const body: unknown = await res.json().catch(() => null);
      if (!res.ok) throw new Error((body as { error?: string } | null)?.error ?? `HTTP ${res.status}`);
      const parsed = DiffResponse.safeParse(body);
      if (!parsed.success) throw new Error('the diff could not be read (unexpected format)');
      if (!cancelled) dashboardStore.setState(diffState(parsed.data.after, parsed.data.diff));
    })().catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [a, b]);
  if (error)
    return (
      <div role="alert" className="p-8 text-sm text-red-200" data-testid="diff-error">
        {error}
      </div>
    );
  return <Dashboard loading="Comparing…" />;
}

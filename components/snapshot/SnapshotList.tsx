'use client';
import { useCallback, useEffect, useState } from 'react';
import { at } from '@/lib/client/basePath';
import {
  deleteSnapshot,
  downloadExport,
  importSnapshot,
  type ListedSnapshot,
  listSnapshots,
} from '@/lib/client/snapshotsApi';

/** Store a JSON export (from this or another Reachmap) as a new snapshot. */
function ImportButton({ onDone, onError }: { onDone: () => void; onError: (e: string) => void }) {
  return (
    <label className="cursor-pointer text-xs text-sky-300 hover:underline">
      Import a JSON export…
      <input
        type="file"
        accept="application/json,.json"
        data-testid="snapshot-import"
        className="hidden"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (!f) return;
          f.text()
            .then(importSnapshot)
            .then(onDone, (x: unknown) => onError(x instanceof Error ? x.message : String(x)));
          e.target.value = '';
        }}
      />
    </label>
  );
}

function ExportButton(p: { id: string; format: string; label: string; onError: (e: string) => void }) {
  return (
    <button
      type="button"
      data-testid={`export-${p.format}`}
      className="text-sky-300 hover:underline"
      onClick={() =>
        downloadExport(p.id, p.format).catch((e: unknown) =>
          p.onError(e instanceof Error ? e.message : String(e)),
        )
      }
    >
      {p.label}
    </button>
  );
}

/** The stored snapshots: links, exports, delete. */
export function SnapshotList() {
  const [items, setItems] = useState<ListedSnapshot[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    listSnapshots().then(
      (x) => {
        setItems(x);
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  useEffect(load, [load]);

  const head = (
    <div className="mb-2 flex items-center gap-3">
      <ImportButton onDone={load} onError={setError} />
      {error && (
        <span role="alert" className="text-xs text-red-300">
          {error}
        </span>
      )}
    </div>
  );
  if (!items) return head;
  if (!items.length)
    return (
      <>
        {head}
        <p className="text-xs text-slate-400" data-testid="snapshots-empty">
          No snapshots yet. <b>Snapshot</b> (top bar) freezes what you see and gives a link to share.
        </p>
      </>
    );
  return (
    <>
      {head}
      <ul className="space-y-2" data-testid="snapshot-list">
        {items.map((s) => (
          <li
            key={s.id}
            className="rounded border border-slate-800 p-2 text-xs text-slate-300"
            data-testid="snapshot-item"
          >
            <div className="flex items-baseline gap-2">
              <a
                href={s.link}
                target="_blank"
                rel="noreferrer"
                className="font-semibold text-sky-300 hover:underline"
              >
                {new Date(s.takenAt).toLocaleString()}
              </a>
              <span className="text-slate-500">
                {s.source} · {s.containers} containers · {s.failing} failing · {(s.bytes / 1024).toFixed(0)}{' '}
                KiB
              </span>
            </div>
            {s.note && <p className="mt-0.5 break-words text-slate-200">{s.note}</p>}
            {s.expiresAt && (
              <p className="text-slate-500">expires {new Date(s.expiresAt).toLocaleString()}</p>
            )}
            <div className="mt-1 flex gap-3">
              <ExportButton id={s.id} format="md" label="Markdown" onError={setError} />
              <ExportButton id={s.id} format="json" label="JSON" onError={setError} />
              <ExportButton id={s.id} format="html" label="offline HTML" onError={setError} />
              <ExportButton id={s.id} format="svg" label="SVG" onError={setError} />
              <a
                className="text-sky-300 hover:underline"
                href={at(`/s/${s.id}/review`)}
                target="_blank"
                rel="noreferrer"
              >
                review
              </a>
              <button
                type="button"
                data-testid="snapshot-delete"
                className="ml-auto text-red-300 hover:underline"
                onClick={() => {
                  if (!window.confirm('Delete this snapshot? Its link stops working.')) return;
                  deleteSnapshot(s.id).then(load, (e: unknown) =>
                    setError(e instanceof Error ? e.message : String(e)),
                  );
                }}
              >
                delete
              </button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

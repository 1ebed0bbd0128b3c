'use client';
import { useState } from 'react';
import { takeSnapshot } from '@/lib/client/snapshotsApi';
import { dashboardStore } from '@/lib/client/store';
import { NOTE_MAX, type TakenSnapshot } from '@/lib/model/snapshot';

/** One button: freeze what is shown (with an optional note) and get a link to paste. */
export function TakeSnapshot() {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [taken, setTaken] = useState<TakenSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [ttl, setTtl] = useState<number | null>(null);

  const take = async () => {
    setBusy(true);
    setError(null);
    try {
      const { project, selection } = dashboardStore.getState();
      setTaken(await takeSnapshot(note, { project, selection }, ttl));
      setNote('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="relative">
      <button
        type="button"
        data-testid="snapshot-open"
        className="rounded border border-violet-500 px-2 py-1 text-xs font-semibold text-violet-100 hover:bg-violet-900"
        onClick={() => {
          setOpen(!open);
          setTaken(null);
          setError(null);
          setCopied(false);
        }}
      >
        Snapshot
      </button>
      {open && (
        <div
          role="dialog"
          aria-label="Take a snapshot"
          className="absolute right-0 z-50 mt-2 w-96 rounded border border-slate-700 bg-slate-900 p-3 text-xs text-slate-200 shadow-xl"
        >
          {taken ? (
            <div data-testid="snapshot-taken">
              <p className="mb-1 font-semibold">Snapshot taken. Anyone with this link sees it (read-only):</p>
              <input
                readOnly
                data-testid="snapshot-link"
                value={taken.link}
                onFocus={(e) => e.currentTarget.select()}
                className="w-full rounded border border-slate-700 bg-slate-950 px-2 py-1 font-mono"
              />
              <div className="mt-2 flex gap-3">
                <button
                  type="button"
                  className="text-sky-300 hover:underline"
                  onClick={() => void navigator.clipboard?.writeText(taken.link).then(() => setCopied(true))}
                >
                  {copied ? 'copied' : 'copy link'}
                </button>
                <a
                  className="text-sky-300 hover:underline"
                  href={taken.link}
                  target="_blank"
                  rel="noreferrer"
                >
                  open
                </a>
                <span className="text-slate-400">
                  {taken.summary.containers} containers · {taken.summary.failing} failing paths ·{' '}
                  {(taken.summary.bytes / 1024).toFixed(0)} KiB
                </span>
              </div>
            </div>
          ) : (
            <>
              <label className="mb-1 block font-semibold" htmlFor="snapshot-note">
                Note (optional)
              </label>
              <textarea
                id="snapshot-note"
                data-testid="snapshot-note"
                value={note}
                maxLength={NOTE_MAX}
                onChange={(e) => setNote(e.target.value)}
                rows={2}
                placeholder="e.g. CLI gets 502 after the 14:05 deploy"
                className="w-full rounded border border-slate-700 bg-slate-950 px-2 py-1"
              />
              <label className="mt-2 flex items-center gap-2">
                Keep
                <select
                  data-testid="snapshot-ttl"
                  value={ttl ?? ''}
                  onChange={(e) => setTtl(e.target.value ? Number(e.target.value) : null)}
                  className="rounded border border-slate-700 bg-slate-950 px-1 py-0.5"
                >
                  <option value="">until deleted</option>
                  <option value={86400}>1 day</option>
                  <option value={7 * 86400}>7 days</option>
                  <option value={30 * 86400}>30 days</option>
                </select>
              </label>
              <p className="mt-1 text-slate-400">
                Freezes the graph, findings, probe results with their evidence, and runbooks. Secrets are
                masked before it is stored.
              </p>
              <button
                type="button"
                data-testid="snapshot-take"
                disabled={busy}
                onClick={() => void take()}
                className="mt-2 rounded bg-violet-700 px-3 py-1 font-semibold text-white hover:bg-violet-600 disabled:opacity-50"
              >
                {busy ? 'Taking…' : 'Take snapshot'}
              </button>
            </>
          )}
          {error && (
            <p role="alert" className="mt-2 text-red-300">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

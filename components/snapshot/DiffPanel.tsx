'use client';
import { at } from '@/lib/client/basePath';
import type { SnapshotDiff } from '@/lib/model/diff';
import { useDashboard } from '../useDashboard';

const KIND_STYLE: Record<string, string> = {
  added: 'text-emerald-300',
  removed: 'text-red-300',
  recreated: 'text-violet-300',
  changed: 'text-amber-200',
};

function Side({ label, s }: { label: string; s: SnapshotDiff['before'] }) {
  return (
    <p>
      <span className="text-slate-400">{label}:</span>{' '}
      {s.ref === 'now' ? (
        <b>now (live)</b>
      ) : (
        <a className="text-sky-300 hover:underline" href={at(`/s/${s.ref}`)}>
          {new Date(s.takenAt).toLocaleString()}
        </a>
      )}
      {s.note && <span className="text-slate-300"> — {s.note}</span>}
    </p>
  );
}

/** The diff as a table: the two sides, the multi-cell warning, every change, every flipped verdict. */
export function DiffPanel() {
  const d = useDashboard((s) => s.diff?.diff);
  if (!d) return null;
  return (
    <div className="space-y-3 text-xs text-slate-200" data-testid="diff-panel">
      <div>
        <Side label="Before" s={d.before} />
        <Side label="After (drawn)" s={d.after} />
      </div>
      {d.multiCell && (
        <div
          role="alert"
          data-testid="diff-multicell"
          className="rounded border border-red-700 bg-red-950/60 p-2 text-red-100"
        >
          <b>This change moves {d.multiCell.cells.length} matrix cells at once</b> (
          {d.multiCell.cells.join(', ')}): if it breaks, it cannot be bisected. Change one cell per step.
          <ul className="mt-1 list-disc pl-4">
            {d.multiCell.subjects.map((s) => (
              <li key={s.subject}>
                {s.subject}: {s.cells.join(', ')}
              </li>
            ))}
          </ul>
        </div>
      )}
      {d.changes.length === 0 && d.flips.length === 0 && (
        <p className="text-slate-400">
          No difference in containers, listeners, networks, ports, proxies, origins or verdicts.
        </p>
      )}
      {d.changes.length > 0 && (
        <table className="w-full border-collapse" data-testid="diff-table">
          <thead>
            <tr className="text-left text-slate-400">
              <th className="py-1 pr-2">container</th>
              <th className="pr-2">change</th>
              <th className="pr-2">before</th>
              <th>after</th>
            </tr>
          </thead>
          <tbody>
            {d.changes.map((c) => (
              <tr
                key={`${c.subject}|${c.kind}|${c.field}`}
                data-testid="diff-row"
                data-kind={c.kind}
                data-field={c.field ?? ''}
                data-cell={c.cell ?? ''}
                className="border-t border-slate-800 align-top"
              >
                <td className="break-all py-1 pr-2 font-semibold">{c.subject}</td>
                <td className={`pr-2 ${KIND_STYLE[c.kind] ?? ''}`}>
                  {c.kind}
                  {c.field && <div className="text-slate-400">{c.field}</div>}
                  {c.cell && <div className="text-slate-500">cell: {c.cell}</div>}
                </td>
                <td className="break-all pr-2 font-mono text-[11px] text-slate-400">{c.before ?? ''}</td>
                <td className="break-all font-mono text-[11px]">{c.after ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d.flips.length > 0 && (
        <div data-testid="diff-flips">
          <h3 className="mb-1 font-semibold">Probe verdicts that flipped</h3>
          <ul className="space-y-1">
            {d.flips.map((f) => (
              <li key={f.path} className="break-all">
                {f.path}: {f.before ?? '—'} {f.beforeDecisive && `(${f.beforeDecisive})`} →{' '}
                <b className={f.after === 'pass' ? 'text-emerald-300' : 'text-red-300'}>{f.after ?? '—'}</b>{' '}
                {f.afterDecisive && `(${f.afterDecisive})`}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

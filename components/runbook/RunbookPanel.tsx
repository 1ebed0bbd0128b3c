'use client';
import type { RunbookReport, RunbookStep } from '@/lib/model/runbook';
import { runbookMarkdown } from '@/lib/runbook/markdown';
import { download } from '../download';
import { FindingCard } from '../panels/FindingCard';
import { useDashboard } from '../useDashboard';
import { ConnectionTable } from './ConnectionTable';

const STATUS: Record<RunbookStep['status'], string> = {
  pass: 'bg-emerald-600 text-white',
  fail: 'bg-red-600 text-white',
  info: 'bg-sky-700 text-white',
  skipped: 'bg-slate-700 text-slate-300',
};
const GLYPH: Record<RunbookStep['status'], string> = {
  pass: '✔ pass',
  fail: '✖ fail',
  info: 'i info',
  skipped: '⏭ skipped',
};

function Step({ s }: { s: RunbookStep }) {
  return (
    <li
      data-testid="runbook-step"
      data-n={s.n}
      data-status={s.status}
      className="rounded border border-slate-800 p-2 text-xs"
    >
      <div className="flex items-center gap-2">
        <span className="font-semibold text-slate-100">
          {s.n}. {s.title}
        </span>
        <span className={`ml-auto rounded px-1.5 text-[10px] font-bold uppercase ${STATUS[s.status]}`}>
          {GLYPH[s.status]}
        </span>
      </div>
      <p className="mt-1 text-slate-300">{s.summary}</p>
      {s.lines.length > 0 && (
        <ul className="mt-1 space-y-0.5 font-mono text-[10.5px] text-slate-400">
          {s.lines.map((l) => (
            <li key={l} className="break-all">
              {l}
            </li>
          ))}
        </ul>
      )}
      {s.table && (
        <table className="mt-1.5 w-full text-left font-mono text-[10.5px]">
          <thead className="text-slate-400">
            <tr>
              {s.table[0]?.map((h) => (
                <th key={h} className="pr-2 font-normal">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="text-slate-200">
            {s.table.slice(1).map((row) => (
              <tr key={row.join('|')}>
                {row.map((c, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                  <td key={i} className="pr-2 align-top break-all">
                    {c}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}

function Report({ r }: { r: RunbookReport }) {
  return (
    <div data-testid="runbook-report">
      <h2 className="text-sm font-semibold text-slate-100">
        Runbook: {r.from} → {r.to}
      </h2>
      <p className="mt-0.5 text-xs text-slate-400">
        {r.origin ? `Origin ${r.origin} · ` : ''}
        {new Date(r.createdAt).toLocaleString()} ·{' '}
        {r.stoppedAt ? `stopped at step ${r.stoppedAt}` : 'all steps ran'}
      </p>
      <div className="mt-2 flex gap-2">
        <button
          type="button"
          data-testid="runbook-md"
          className="rounded border border-slate-600 px-2 py-0.5 text-xs text-slate-200 hover:bg-slate-800"
          onClick={() => download(`runbook-${r.id}.md`, runbookMarkdown(r), 'text/markdown')}
        >
          Markdown
        </button>
        <button
          type="button"
          className="rounded border border-slate-600 px-2 py-0.5 text-xs text-slate-200 hover:bg-slate-800"
          onClick={() => download(`runbook-${r.id}.json`, JSON.stringify(r, null, 2), 'application/json')}
        >
          JSON
        </button>
      </div>
      {r.findings.length > 0 && (
        <section className="mt-3 space-y-2" data-testid="runbook-findings">
          {r.findings.map((f) => (
            <FindingCard key={f.id} f={f} />
          ))}
        </section>
      )}
      <ol className="mt-3 space-y-1.5">
        {r.steps.map((s) => (
          <Step key={s.n} s={s} />
        ))}
      </ol>
      <h3 className="mt-3 mb-1 text-[11px] font-semibold uppercase tracking-wide text-slate-400">
        Connections
      </h3>
      <ConnectionTable rows={r.connections} />
    </div>
  );
}

export function RunbookPanel({ id }: { id: string }) {
  const report = useDashboard((s) => s.runbooks[id]);
  const running = useDashboard((s) => s.runbooksRunning[id]);
  if (report) return <Report r={report} />;
  if (running?.error)
    return (
      <p role="alert" className="rounded bg-red-950/60 p-2 text-xs text-red-200">
        The runbook {running.from} → {running.to} could not run: {running.error}
      </p>
    );
  return (
    <p className="text-xs text-slate-300" data-testid="runbook-running">
      Running the six-step runbook {running ? `${running.from} → ${running.to}` : ''}… (HTTP, WebSocket,
      listen matrix, proxy, origins)
    </p>
  );
}

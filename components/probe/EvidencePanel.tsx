'use client';
import { useShallow } from 'zustand/react/shallow';
import { startRunbook } from '@/lib/client/socket';
import { dashboardStore } from '@/lib/client/store';
import type { ProbeResult } from '@/lib/model/probe';
import { probePathKey } from '@/lib/probe/edges';
import { WATCH_BATCH } from '@/lib/watch/batch';
import { FindingCard } from '../panels/FindingCard';
import { useDashboard } from '../useDashboard';
import { useAllFindings } from '../useFindings';
import { StepDetails } from './StepDetails';
import { Timeline } from './Timeline';
import { VerdictBadge } from './VerdictBadge';
import { WatchStrip } from './WatchStrip';

function Side({ r, title }: { r: ProbeResult; title: string }) {
  const topology = useDashboard((s) => s.topology);
  return (
    <section
      data-testid={`evidence-${title === 'from the host' ? 'host' : 'initiator'}`}
      className="min-w-0 flex-1"
    >
      <h3 className="mb-1 flex items-center gap-2 text-[11px] font-semibold uppercase tracking-wide text-slate-400">
        {title} <VerdictBadge verdict={r.verdict} />
      </h3>
      <div className="mb-1 text-[10.5px] text-slate-400">
        {r.initiator.name} · {r.initiator.netns ?? 'netns ?'} · hostname {r.initiator.hostname}
        <br />
        {r.initiator.routes.join('; ')}
        <br />
        runner: {r.runner.kind} — {r.runner.detail} · {r.ms} ms · started{' '}
        {new Date(r.startedAt).toLocaleTimeString()}
      </div>
      <ol className="space-y-1">
        {r.steps.map((s) => (
          <StepDetails key={`${s.kind}-${s.at}`} s={s} />
        ))}
      </ol>
      {topology && <Timeline r={r} t={topology} />}
    </section>
  );
}

/** The runbooks already run on this path (live, or kept in a snapshot): each opens its report. */
function PathRunbooks({ from, to }: { from: string; to: string }) {
  const runbooks = useDashboard(
    useShallow((s) => Object.values(s.runbooks).filter((rb) => rb.from === from && rb.to === to)),
  );
  if (runbooks.length === 0) return null;
  return (
    <ul className="mt-2 space-y-1 text-xs" data-testid="path-runbooks">
      {runbooks.map((rb) => (
        <li key={rb.id}>
          <button
            type="button"
            data-testid="open-runbook"
            className="text-sky-300 hover:underline"
            onClick={() => dashboardStore.getState().select({ kind: 'runbook', id: rb.id })}
          >
            Runbook of {new Date(rb.createdAt).toLocaleTimeString()}:{' '}
            {rb.stoppedAt === null ? 'all steps ran' : `stopped at step ${rb.stoppedAt}`}
          </button>
        </li>
      ))}
    </ul>
  );
}

export function EvidencePanel({ pathKey }: { pathKey: string }) {
  const record = useDashboard((s) => s.probes[pathKey]);
  const readOnly = useDashboard((s) => s.snapshot !== null);
  const all = useAllFindings();
  const keys = new Set([pathKey, ...(record?.host ? [probePathKey(record.host)] : [])]);
  // The initiator's own findings first: the host's paired view is context, not the edge's reason.
  const findings = all
    .filter((f) => f.subject.kind === 'probe' && keys.has(f.subject.id))
    .sort((a, b) => Number(a.subject.id !== pathKey) - Number(b.subject.id !== pathKey));
  if (!record) return <p className="text-xs text-slate-400">This probe result is no longer kept.</p>;
  const r = record.initiator;
  return (
    <div data-testid="evidence-panel">
      <h2 className="flex items-center gap-2 text-sm font-semibold text-slate-100">
        <VerdictBadge verdict={r.verdict} />
        <span className="break-all">{r.decisive ?? 'reachable'}</span>
      </h2>
      <p className="mt-1 break-all text-xs text-slate-300">
        {r.initiator.name} → {r.target.input}
        {r.origin ? ` with Origin ${r.origin}` : ''}
      </p>
      {!readOnly && (
        <>
          <button
            type="button"
            data-testid="run-runbook"
            className="mt-1 mr-3 rounded bg-sky-700 px-2 py-0.5 text-xs font-semibold text-white hover:bg-sky-600"
            onClick={() =>
              void startRunbook({
                from: r.initiator.kind === 'host' ? 'host' : r.initiator.name,
                to: r.target.input,
                ...(r.origin ? { origin: r.origin } : {}),
              })
            }
          >
            Run the six-step runbook
          </button>
          <button
            type="button"
            className="mt-1 text-xs text-sky-300 hover:underline"
            onClick={() => {
              const s = dashboardStore.getState();
              s.setForm({
                from: r.initiator.kind === 'host' ? 'host' : r.initiator.name,
                to: r.target.input,
                origin: r.origin ?? '',
              });
              s.setTab('probe');
            }}
          >
            probe again
          </button>
        </>
      )}
      {record.batchId === WATCH_BATCH && !readOnly && <WatchStrip edge={pathKey} latestAt={record.at} />}
      <PathRunbooks from={r.initiator.kind === 'host' ? 'host' : r.initiator.name} to={r.target.input} />
      {findings.length > 0 && (
        <div className="mt-3 space-y-2" data-testid="evidence-findings">
          {findings.map((f) => (
            <FindingCard key={f.id} f={f} />
          ))}
        </div>
      )}
      <div className="mt-3 flex gap-3">
        <Side r={r} title={r.initiator.kind === 'host' ? 'from the host' : 'from the initiator'} />
        {record.host && <Side r={record.host} title="from the host" />}
      </div>
    </div>
  );
}

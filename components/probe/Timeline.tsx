'use client';
import { hopsOf } from '@/lib/logs/hops';
import { timeline } from '@/lib/logs/match';
import type { ProbeResult } from '@/lib/model/probe';
import type { Topology } from '@/lib/model/topology';

const MARK = { marker: '◆', peer: '◇', window: '·' } as const;

/** The probe's steps and the log lines of every hop on one clock, and the hops with the peer each saw. */
export function Timeline({ r, t }: { r: ProbeResult; t: Topology }) {
  if (!r.logs) return null;
  const entries = timeline(r);
  const hops = hopsOf(t, r);
  return (
    <section data-testid="timeline" className="mt-2 rounded border border-slate-800 p-1.5 text-[10.5px]">
      <h4 className="text-[10px] font-semibold uppercase tracking-wide text-slate-400">
        Timeline — steps and logs
      </h4>
      <ul className="mt-1 space-y-0.5 text-slate-400">
        {r.logs.containers.map((c) => (
          <li key={c.containerId} data-testid="log-source" data-role={c.role}>
            {c.role} <span className="text-slate-200">{c.name}</span> · {c.driver} · {c.lines.length} line(s)
            · {c.readMs} ms
            {c.skewMs !== null && Math.abs(c.skewMs) > 1000 ? ` · clock skew ${c.skewMs} ms` : ''}
            {c.note ? <span className="text-amber-300"> — {c.note}</span> : null}
          </li>
        ))}
      </ul>
      <ol className="mt-1 space-y-px font-mono">
        {entries.map((e, i) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: entries are a fixed, ordered list
            key={i}
            data-testid={e.kind === 'step' ? 'timeline-step' : 'timeline-log'}
            data-match={e.match}
            className={`flex gap-2 ${e.kind === 'step' ? (e.ok ? 'text-emerald-300' : 'text-red-300') : e.match === 'marker' ? 'text-amber-200' : 'text-slate-400'}`}
          >
            <span className="w-16 shrink-0 text-right text-slate-500">+{e.at.toFixed(1)}</span>
            <span className="shrink-0">
              {e.kind === 'step' ? (e.ok ? '✔' : '✖') : MARK[e.match ?? 'window']}
            </span>
            <span className="break-all">
              {e.kind === 'log' ? <span className="text-slate-500">{e.source}: </span> : null}
              {e.label}
            </span>
          </li>
        ))}
      </ol>
      <h4 className="mt-2 text-[10px] font-semibold uppercase tracking-wide text-slate-400">Hops</h4>
      <ol className="mt-0.5 space-y-0.5" data-testid="hops">
        {hops.map((h) => (
          <li key={`${h.kind}-${h.name}`} className="text-slate-300">
            <span className="text-slate-500">{h.kind}</span> {h.name}{' '}
            <span className="font-mono text-slate-400">({h.address})</span>
            {h.sawPeer ? ` saw ${h.sawPeer}` : ''}
            {h.passedOn === true
              ? ' — passed it on'
              : h.passedOn === false
                ? ' — answered without its upstream'
                : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}

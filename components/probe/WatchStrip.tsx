'use client';
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { at } from '@/lib/client/basePath';
import { authHeaders } from '@/lib/client/session';
import { WatchPoint } from '@/lib/watch/point';
import { coexisting, replicaSpans } from '@/lib/watch/replicas';

const Answer = z.object({ points: z.array(WatchPoint) });
const colour = { pass: 'bg-emerald-500', partial: 'bg-amber-400', fail: 'bg-red-500' } as const;
const time = (iso: string) => new Date(iso).toLocaleTimeString();

/** When the path's current verdict began, and how often it flipped: what one probe cannot show. */
export function summarize(points: readonly WatchPoint[]): { since: string | null; flips: number } {
  let flips = 0;
  for (let i = 1; i < points.length; i++) if (points[i]?.verdict !== points[i - 1]?.verdict) flips++;
  const last = points.at(-1);
  if (!last) return { since: null, flips };
  let i = points.length - 1;
  while (i > 0 && points[i - 1]?.verdict === last.verdict) i--;
  return { since: points[i]?.at ?? null, flips };
}

/**
 * A watched path's verdicts over the last hours (the watch keeps probing it), oldest left:
 * flapping shows as alternating colours, and the header says since when it is as it is.
 * Fetched again whenever a newer result of the path arrives (`latestAt`).
 */
export function WatchStrip({ edge, latestAt }: { edge: string; latestAt: string }) {
  const [points, setPoints] = useState<WatchPoint[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: latestAt is the trigger (a newer result of the path)
  useEffect(() => {
    let live = true;
    fetch(at(`/api/watch?edge=${encodeURIComponent(edge)}`), { headers: authHeaders(), cache: 'no-store' })
      .then(async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return Answer.parse(await res.json()).points;
      })
      .then((p) => live && setPoints(p))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [edge, latestAt]);
  if (error) return <p className="mt-2 text-xs text-amber-300">Watch history unavailable: {error}</p>;
  if (!points || points.length === 0) return null;
  const { since, flips } = summarize(points);
  const last = points.at(-1) as WatchPoint;
  const shown = points.slice(-120);
  return (
    <section className="mt-3" data-testid="watch-strip">
      <h3 className="text-[11px] font-semibold uppercase tracking-wide text-slate-400">
        Watched · {points.length} results since {time(points[0]?.at ?? last.at)}
      </h3>
      <p className="text-xs text-slate-300" data-testid="watch-since">
        {last.verdict === 'pass'
          ? 'passing'
          : `${last.verdict === 'fail' ? 'failing' : 'partly failing'} (${last.decisive ?? 'no reason'})`}{' '}
        since {since ? time(since) : '?'}
        {flips > 0 ? ` · ${flips} change${flips === 1 ? '' : 's'} of verdict` : ' · no change'}
      </p>
      <ol className="mt-1 flex h-4 gap-px" aria-label="verdicts over time, oldest first">
        {shown.map((p, i) => (
          <li
            key={p.at}
            data-verdict={p.verdict}
            // A tick where another container started to answer (a replica, a recreated container).
            className={`w-1.5 rounded-sm ${colour[p.verdict]} ${i > 0 && shown[i - 1]?.reached !== p.reached ? 'ring-1 ring-sky-300' : ''}`}
            title={`${time(p.at)} ${p.verdict}${p.decisive ? ` — ${p.decisive}` : ''}${
              p.reached !== undefined
                ? ` · ${p.reached ?? 'no container'}${p.address ? ` (${p.address})` : ''}`
                : ''
            }`}
          />
        ))}
      </ol>
      <Replicas points={points} />
    </section>
  );
}

/** Who answered the path, in turn: the replicas of a rolling update, or an address nobody holds. */
function Replicas({ points }: { points: readonly WatchPoint[] }) {
  const spans = replicaSpans(points);
  if (spans.length < 2 && spans[0]?.reached !== null) return null;
  const both = coexisting(points);
  return (
    <div className="mt-1 text-[11px] text-slate-400" data-testid="watch-replicas">
      answered by{' '}
      {spans.slice(-6).map((s, i) => (
        <span
          key={`${s.from}-${s.reached}`}
          className={s.reached === null ? 'text-red-300' : 'text-slate-300'}
        >
          {i > 0 ? ' → ' : ''}
          {s.reached ?? 'no container'}
          {s.address ? ` (${s.address})` : ''} {time(s.from)}
          {s.to !== s.from ? `–${time(s.to)}` : ''}
        </span>
      ))}
      {both.length > 1 && <div>side by side: {both.join(' and ')} (replicas of a rolling update)</div>}
    </div>
  );
}

import type { WatchPoint } from './point';

/**
 * Which container answered a watched path over time. During a rolling update the name a
 * client dials resolves to the old replica, then to both, then to the new one; a client that
 * kept an address (a proxy that resolved its upstream once, a pinned IP) keeps dialling it
 * after its container is gone. Pure: the watch's history is the input.
 */

export interface ReplicaSpan {
  /** The container that held the address; null: no container did (a stale address). */
  reached: string | null;
  address: string | null;
  from: string;
  to: string;
  points: number;
  passed: number;
}

/** Runs of consecutive results that reached the same container at the same address. */
export function replicaSpans(points: readonly WatchPoint[]): ReplicaSpan[] {
  const spans: ReplicaSpan[] = [];
  for (const p of points) {
    if (p.reached === undefined) continue;
    const last = spans.at(-1);
    if (last && last.reached === p.reached && last.address === (p.address ?? null)) {
      last.to = p.at;
      last.points++;
      if (p.ok) last.passed++;
    } else
      spans.push({
        reached: p.reached,
        address: p.address ?? null,
        from: p.at,
        to: p.at,
        points: 1,
        passed: p.ok ? 1 : 0,
      });
  }
  return spans;
}

/** Containers that answered the same path in alternation within `points`: replicas side by side. */
export function coexisting(points: readonly WatchPoint[]): string[] {
  const names = replicaSpans(points).map((s) => s.reached);
  const seen = new Set<string>();
  for (let i = 2; i < names.length; i++) {
    const [a, b, c] = [names[i - 2], names[i - 1], names[i]];
    if (a && b && a === c && a !== b) {
      seen.add(a);
      seen.add(b);
    }
  }
  return [...seen];
}

/**
 * What changed about who answers, for the watch's log: another container now answers, or
 * the address the path dials belongs to no container any more (and which one had it).
 */
export function replicaNote(
  point: WatchPoint,
  previous: WatchPoint | null,
  earlier: readonly WatchPoint[],
): string | null {
  if (point.reached === undefined) return null;
  const at = (p: WatchPoint | null | undefined) => (p?.address ? ` (${p.address})` : '');
  if (point.reached === null && point.address) {
    const had = [...earlier].reverse().find((p) => p.address === point.address && p.reached);
    if (previous?.reached === null && previous.address === point.address) return null;
    return `no container holds ${point.address} now${had ? `; ${had.reached} did until ${had.at}` : ''}: whoever dials it kept an old address`;
  }
  if (!previous || previous.reached === undefined || previous.reached === point.reached) return null;
  // Replicas answering in turn (DNS round robin over a scaled service) were said once already.
  const both = coexisting([...earlier.slice(-20), point]);
  if (previous.reached && point.reached && both.includes(previous.reached) && both.includes(point.reached))
    return null;
  return `now reaches ${point.reached}${at(point)}, was ${previous.reached ?? 'no container'}${at(previous)}`;
}

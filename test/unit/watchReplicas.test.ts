import { describe, expect, it } from 'vitest';
import type { WatchPoint } from '@/lib/watch/point';
import { coexisting, replicaNote, replicaSpans } from '@/lib/watch/replicas';

let n = 0;
const pt = (reached: string | null | undefined, address: string | null, ok = true): WatchPoint => ({
  key: 'client→http://app:8080/',
  from: 'client',
  to: 'http://app:8080/',
  at: `2026-12-03T10:00:${String(n++).padStart(2, '0')}.000Z`,
  ok,
  verdict: ok ? 'pass' : 'fail',
  decisive: ok ? null : 'EHOSTUNREACH',
  ...(reached === undefined ? {} : { reached, address }),
});

describe('who answers a watched path over time', () => {
  it('gives the runs of each replica, and the ones that answered side by side', () => {
    n = 0;
    const points = [
      pt('app-1', '172.18.0.5'),
      pt('app-1', '172.18.0.5'),
      pt('app-2', '172.18.0.7'),
      pt('app-1', '172.18.0.5'),
      pt('app-2', '172.18.0.7'),
      pt('app-2', '172.18.0.7'),
    ];
    expect(replicaSpans(points).map((s) => [s.reached, s.points])).toEqual([
      ['app-1', 2],
      ['app-2', 1],
      ['app-1', 1],
      ['app-2', 2],
    ]);
    expect(coexisting(points).sort()).toEqual(['app-1', 'app-2']);
    // One hand-over (old replica, then new) is not side by side.
    expect(coexisting([points[0], points[2], points[5]] as WatchPoint[])).toEqual([]);
  });

  it('says when another container answers, and when an address belongs to nobody any more', () => {
    n = 0;
    const a = pt('app-1', '172.18.0.5');
    const b = pt('app-2', '172.18.0.7');
    expect(replicaNote(b, a, [a])).toBe('now reaches app-2 (172.18.0.7), was app-1 (172.18.0.5)');
    expect(replicaNote(a, a, [a])).toBeNull();
    const gone = pt(null, '172.18.0.5', false);
    expect(replicaNote(gone, a, [a])).toBe(
      `no container holds 172.18.0.5 now; app-1 did until ${a.at}: whoever dials it kept an old address`,
    );
    // Said once, not at every failing result after it.
    expect(replicaNote(pt(null, '172.18.0.5', false), gone, [a, gone])).toBeNull();
    // Points from before addresses were kept say nothing.
    expect(replicaNote(pt(undefined, null), a, [a])).toBeNull();
    expect(replicaNote(a, pt(undefined, null), [])).toBeNull();
  });

  it('says replicas taking turns once, not at every sweep of a scaled service', () => {
    n = 0;
    const a1 = pt('app-1', '172.18.0.5');
    const b1 = pt('app-2', '172.18.0.7');
    const a2 = pt('app-1', '172.18.0.5');
    const b2 = pt('app-2', '172.18.0.7');
    expect(replicaNote(b1, a1, [a1])).toMatch(/^now reaches app-2/);
    expect(replicaNote(a2, b1, [a1, b1])).toBeNull();
    expect(replicaNote(b2, a2, [a1, b1, a2])).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { probeFlowEdges } from '@/components/graph/toFlow';
import type { ProbeRecord } from '@/lib/model/live';
import type { ProbeResult } from '@/lib/model/probe';
import { probeEndpoints } from '@/lib/probe/edges';
import { WATCH_BATCH } from '@/lib/watch/batch';
import { probesLab } from '../helpers';

/** Probe edges on the graph: recorded probes of the lab (fixtures/probes-lab.json). */
const lab = probesLab();
const t = lab.topology;
const results = (lab.entries as Array<{ result: ProbeResult }>).map((x) => x.result);
const record = (r: ProbeResult, batchId: string | null = null): ProbeRecord => ({
  initiator: r,
  host: null,
  pairId: r.id,
  batchId,
  at: r.startedAt,
});
// Every node drawn, each at its own x (a lane apart).
const nodes = new Set(
  results.flatMap((r) => Object.values(probeEndpoints(t, r)).filter((x): x is string => !!x)),
);
const xs = new Map([...nodes].map((n, i) => [n, i * 300]));

describe('probe edges', () => {
  it('into a closed group: one edge per card pair, the worst verdict, and a count', () => {
    const records = results.map((r) => record(r));
    const group = 'grp:p:reachmap-lab';
    const hidden = new Map([...nodes].filter((n) => n.startsWith('ctr:')).map((n) => [n, group]));
    const edges = probeFlowEdges(t, records, new Map([...xs, [group, 900]]), null, new Map(), hidden);
    const pairs = edges.map((e) => `${e.source}>${e.target}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const intoGroup = edges.filter((e) => e.target === group);
    expect(intoGroup.length).toBeGreaterThan(0);
    for (const e of intoGroup) {
      const behind = records.filter((r) => {
        const ends = probeEndpoints(t, r.initiator);
        return (
          (hidden.get(ends.source) ?? ends.source) === e.source &&
          ends.target &&
          hidden.get(ends.target) === group
        );
      });
      const failing = behind.filter((r) => r.initiator.verdict !== 'pass').length;
      if (behind.length > 1)
        expect(e.label).toEqual(
          failing > 0
            ? expect.stringMatching(new RegExp(`^. ${failing} of ${behind.length} paths fail`))
            : `✔ ${behind.length} paths ok`,
        );
      // A click opens the worst path behind it.
      expect(
        records.some(
          (r) =>
            `${r.initiator.initiator.id}→${r.initiator.target.input}${r.initiator.origin ? ` @${r.initiator.origin}` : ''}` ===
            (e.data as { key: string }).key,
        ),
      ).toBe(true);
    }
  });

  it('a passing path of the watch is drawn faint; a failing one as any probe', () => {
    const pass = results.find((r) => r.verdict === 'pass') as ProbeResult;
    const fail = results.find((r) => r.verdict === 'fail') as ProbeResult;
    const edges = probeFlowEdges(t, [record(pass, WATCH_BATCH), record(fail, WATCH_BATCH)], xs, null);
    const byVerdict = (v: string) => edges.find((e) => (e.data as { verdict: string }).verdict === v);
    expect(byVerdict('pass')?.style).toMatchObject({ strokeWidth: 1.5, opacity: 0.55 });
    expect(byVerdict('fail')?.style).toMatchObject({ strokeWidth: 2.5 });
    expect(byVerdict('fail')?.style).not.toHaveProperty('opacity');
  });
});

import { describe, expect, it } from 'vitest';
import { adoptSnapshot, reduceTopologyChange } from '@/lib/client/topologySync';
import { applyTopologyChange, ChangeMismatchError, diffTopology } from '@/lib/live/changes';
import { TopologyChange } from '@/lib/model/live';
import type { Container, Topology } from '@/lib/model/topology';
import { sameJson } from '@/lib/util/sameJson';
import { fixtureTopology } from '../helpers';

/** Recorded scans of the lab in different states (one stopped, one restarted, one recreated…). */
const NAMES = [
  'lab',
  'lab-multi-stopped',
  'lab-gateway-recreated',
  'lab-gateway-restarted',
  'host-port-collision',
  'rolling-update',
] as const;
const scan = Object.fromEntries(NAMES.map((n) => [n, fixtureTopology(n)])) as Record<
  (typeof NAMES)[number],
  Topology
>;

/** What socket.io delivers: JSON, validated by the same schema the browser uses. */
const overTheWire = (c: TopologyChange) => TopologyChange.parse(JSON.parse(JSON.stringify(c)));
const clone = <T>(x: T): T => structuredClone(x);
const withoutTimes = (t: Topology) => ({ ...t, scannedAt: '', scanMs: 0 });

describe('sameJson', () => {
  it('compares JSON values structurally, whatever the key order', () => {
    expect(sameJson({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson(null, {})).toBe(false);
    expect(sameJson('1', 1)).toBe(false);
  });
});

describe('diffTopology', () => {
  it('finds nothing between a topology and an equal copy of it', () => {
    for (const n of NAMES) expect(diffTopology(scan[n], clone(scan[n]))).toBeNull();
  });

  it('does not count a new scan time alone as a change', () => {
    const next = { ...clone(scan.lab), scannedAt: '2030-01-01T00:00:00.000Z', scanMs: 999 };
    expect(diffTopology(scan.lab, next)).toBeNull();
  });

  it('applied to the older scan gives the newer one, for every pair of recordings both ways', () => {
    for (const a of NAMES) {
      for (const b of NAMES) {
        if (a === b) continue;
        const before = JSON.stringify(scan[a]);
        const change = diffTopology(scan[a], scan[b], 41);
        expect(change, `${a} → ${b}`).not.toBeNull();
        if (!change) continue;
        expect(change).toMatchObject({ fromVersion: 41, version: 42 });
        expect(applyTopologyChange(scan[a], change), `${a} → ${b}`).toEqual(scan[b]);
        expect(applyTopologyChange(scan[a], overTheWire(change)), `${a} → ${b} (JSON)`).toEqual(scan[b]);
        expect(JSON.stringify(scan[a]), 'the old topology is not modified').toBe(before);
      }
    }
  });

  it('sends only the entities that changed: a stopped container, its namespace and findings', () => {
    const change = diffTopology(scan.lab, scan['lab-multi-stopped']);
    const multi = scan['lab-multi-stopped'].containers.find((c) => c.compose?.service === 'multi');
    expect(change?.upsert.containers.map((c) => c.id)).toContain(multi?.id);
    // Only what differs is sent, not the other containers of the lab.
    const changedIds = scan.lab.containers
      .filter(
        (c) =>
          !sameJson(
            c,
            scan['lab-multi-stopped'].containers.find((x) => x.id === c.id),
          ),
      )
      .map((c) => c.id);
    expect(change?.upsert.containers.map((c) => c.id).sort()).toEqual(changedIds.sort());
    expect(change?.upsert.containers.length).toBeLessThan(scan.lab.containers.length);
    // The namespace of a stopped container goes away (keyed by owner, not netns inode).
    expect(change?.remove.namespaces).toContain(`ctr:${multi?.id}`);
    // Removals and insertions keep everyone else's order: no full order list.
    expect(change?.order).toBeUndefined();
  });

  it('sends the full order only when kept entities moved (a rename re-sorts)', () => {
    const next = clone(scan.lab);
    const first = next.containers[0] as Container;
    first.name = 'zzz-renamed';
    next.containers.push(next.containers.shift() as Container);
    const change = diffTopology(scan.lab, next);
    expect(change?.order?.containers).toEqual(next.containers.map((c) => c.id));
    expect(change?.upsert.containers).toHaveLength(1);
    expect(applyTopologyChange(scan.lab, overTheWire(change as TopologyChange))).toEqual(next);
  });

  it('inserts new entities where the new topology has them', () => {
    const next = clone(scan.lab);
    const extra = (i: number) => ({
      ...clone(next.containers[0] as Container),
      id: `new-${i}`,
      name: `n${i}`,
    });
    next.containers.splice(0, 0, extra(0));
    next.containers.splice(4, 1, extra(4)); // one replaced in place
    next.containers.push(extra(9));
    const change = diffTopology(scan.lab, next) as TopologyChange;
    expect(change.insert.containers.map(([, at]) => at)).toEqual([0, 4, next.containers.length - 1]);
    expect(change.order).toBeUndefined();
    expect(applyTopologyChange(scan.lab, overTheWire(change))).toEqual(next);
  });

  it('sends a collection whole when its keys are not unique', () => {
    const prev = clone(scan['host-port-collision']);
    const next = clone(prev);
    next.findings = [...next.findings, clone(next.findings[0] as Topology['findings'][number])];
    const change = diffTopology(prev, next) as TopologyChange;
    expect(change.replace?.findings).toHaveLength(next.findings.length);
    expect(applyTopologyChange(prev, overTheWire(change))).toEqual(next);
    expect(diffTopology(next, clone(next))).toBeNull();
    expect(applyTopologyChange(next, diffTopology(next, prev) as TopologyChange)).toEqual(prev);
  });

  it('sends host, firewall and warnings only when they changed', () => {
    const next = clone(scan.lab);
    next.warnings = ['a container vanished mid-scan'];
    const change = diffTopology(scan.lab, next) as TopologyChange;
    expect(change.warnings).toEqual(next.warnings);
    expect(change.host).toBeUndefined();
    expect(change.firewall).toBeUndefined();
    expect(applyTopologyChange(scan.lab, change)).toEqual(next);
  });
});

describe('applyTopologyChange', () => {
  it('keeps the identity of everything the change does not touch', () => {
    const prev = scan.lab;
    const change = diffTopology(prev, scan['lab-multi-stopped']) as TopologyChange;
    const next = applyTopologyChange(prev, overTheWire(change));
    const sent = new Set(change.upsert.containers.map((c) => c.id));
    for (const c of next.containers) {
      const old = prev.containers.find((x) => x.id === c.id);
      if (sent.has(c.id)) expect(c).not.toBe(old);
      else expect(c, c.name).toBe(old);
    }
    const sentNs = new Set(change.upsert.namespaces.map((n) => n.key));
    for (const n of next.namespaces)
      if (!sentNs.has(n.key)) expect(n).toBe(prev.namespaces.find((x) => x.key === n.key));
    expect(next.host).toBe(prev.host);
    expect(next.firewall).toBe(prev.firewall);
    // A collection with nothing in the change is the same array.
    const untouched = (['networks', 'findings'] as const).filter(
      (k) => change.upsert[k].length + change.remove[k].length + change.insert[k].length === 0,
    );
    for (const k of untouched) expect(next[k]).toBe(prev[k]);
  });

  it('refuses a change computed against another topology', () => {
    const change = diffTopology(scan.lab, scan['lab-gateway-recreated']) as TopologyChange;
    expect(change.insert.containers.length).toBeGreaterThan(0);
    const broken = { ...change, insert: { ...change.insert, containers: [] } };
    expect(() => applyTopologyChange(scan.lab, broken)).toThrow(ChangeMismatchError);
    const ordered = { ...change, order: { containers: ['no-such-container'] } };
    expect(() => applyTopologyChange(scan.lab, ordered)).toThrow(ChangeMismatchError);
  });
});

describe('the browser side: versions, gaps and resyncs', () => {
  const lab = scan.lab;
  const stopped = scan['lab-multi-stopped'];
  const toStopped = overTheWire(diffTopology(lab, stopped, 1) as TopologyChange);

  it('applies a change to the version it was made from', () => {
    const r = reduceTopologyChange({ topology: lab, version: 1 }, toStopped);
    expect(r.kind).toBe('apply');
    if (r.kind === 'apply') {
      expect(r.version).toBe(2);
      expect(r.topology).toEqual(stopped);
    }
  });

  it('asks for the full topology on a version gap, and ignores what it already has', () => {
    expect(reduceTopologyChange({ topology: lab, version: 0 }, toStopped).kind).toBe('resync');
    expect(reduceTopologyChange({ topology: null, version: 1 }, toStopped).kind).toBe('resync');
    expect(reduceTopologyChange({ topology: stopped, version: 2 }, toStopped).kind).toBe('ignore');
    expect(reduceTopologyChange({ topology: stopped, version: 5 }, toStopped).kind).toBe('ignore');
    const broken = {
      ...toStopped,
      upsert: { ...toStopped.upsert, containers: [clone(lab.containers[0] as Container)] },
    };
    broken.upsert.containers[0] = { ...(broken.upsert.containers[0] as Container), id: 'unknown' };
    expect(reduceTopologyChange({ topology: lab, version: 1 }, broken).kind).toBe('resync');
  });

  it('a change then a resync ends in the same state as a fresh scan', () => {
    let state = { topology: lab as Topology | null, version: 1 };
    const r = reduceTopologyChange(state, toStopped);
    if (r.kind !== 'apply') throw new Error('expected apply');
    state = { topology: r.topology, version: r.version };
    // Missed a change (version 2 → 3): the full topology of version 4 arrives.
    const fresh = scan['lab-gateway-restarted'];
    const missed = overTheWire(diffTopology(stopped, fresh, 3) as TopologyChange);
    expect(reduceTopologyChange(state, missed).kind).toBe('resync');
    const adopted = adoptSnapshot(state.topology, clone(fresh));
    expect(adopted).toEqual(fresh);
    // …sharing the objects that did not change, so their nodes do not re-render.
    const same = adopted.containers.filter((c) => state.topology?.containers.includes(c));
    expect(same.length).toBeGreaterThan(0);
    // A snapshot that differs only by its scan time changes nothing at all.
    expect(adoptSnapshot(adopted, { ...clone(adopted), scannedAt: 'later' })).toBe(adopted);
    expect(adoptSnapshot(null, fresh)).toBe(fresh);
  });

  it('a chain of changes over the recordings ends where a fresh scan does', () => {
    const chain = [
      'lab',
      'lab-multi-stopped',
      'lab-gateway-restarted',
      'lab-gateway-recreated',
      'lab',
    ] as const;
    let held: Topology = scan[chain[0]];
    for (let i = 1; i < chain.length; i++) {
      const change = diffTopology(
        scan[chain[i - 1] as (typeof chain)[number]],
        scan[chain[i] as (typeof chain)[number]],
        i,
      );
      if (change) held = applyTopologyChange(held, overTheWire(change));
    }
    expect(withoutTimes(held)).toEqual(withoutTimes(scan.lab));
  });
});

/** 2,000 containers: the lab's, cloned with new ids, names, namespaces and findings. */
function bigTopology(count: number): Topology {
  const base = scan.lab;
  const t: Topology = { ...clone(base), containers: [], namespaces: [], findings: [] };
  const copies = Math.ceil(count / base.containers.length);
  for (let i = 0; i < copies; i++) {
    const suffix = i.toString(16).padStart(6, '0');
    const rename = (id: string) => `${id.slice(0, 58)}${suffix}`;
    for (const c of base.containers) {
      if (t.containers.length >= count) break;
      t.containers.push({ ...clone(c), id: rename(c.id), name: `${c.name}-${suffix}` });
    }
    for (const n of base.namespaces) {
      if (n.kind === 'host') continue;
      t.namespaces.push({
        ...clone(n),
        id: `${n.id}-${suffix}`,
        key: `ctr:${rename(n.ownerId ?? n.id)}`,
        containerIds: n.containerIds.map(rename),
      });
    }
    for (const f of base.findings) t.findings.push({ ...clone(f), id: `${f.id}-${suffix}` });
  }
  const host = base.namespaces.find((n) => n.kind === 'host');
  if (host) t.namespaces.unshift(clone(host));
  return t;
}

describe('on a host with 2,000 containers', () => {
  const prev = bigTopology(2000);

  it('diffs and applies one changed container quickly, sending only it', () => {
    const next = clone(prev);
    const target = next.containers[1234] as Container;
    target.state = 'exited';
    target.status = 'exited (137)';
    target.pid = null;

    // Timing is logged, not asserted: this machine is shared. The first run includes JIT warm-up.
    const runs: string[] = [];
    let change: TopologyChange | null = null;
    let applied = prev;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      change = diffTopology(prev, next, 7);
      const t1 = performance.now();
      applied = applyTopologyChange(prev, change as TopologyChange);
      runs.push(`${(t1 - t0).toFixed(1)}+${(performance.now() - t1).toFixed(2)}`);
    }
    console.log(
      `2,000 containers, ${prev.namespaces.length} namespaces, ${prev.findings.length} findings: ` +
        `diff+apply ms per run ${runs.join(', ')}; ` +
        `change ${JSON.stringify(change).length} bytes vs topology ${JSON.stringify(next).length} bytes`,
    );
    expect(change?.upsert.containers.map((c) => c.id)).toEqual([target.id]);
    expect(change?.upsert.namespaces).toHaveLength(0);
    expect(applied).toEqual(next);
    expect(applied.containers.filter((c, i) => c === prev.containers[i])).toHaveLength(1999);
    expect(applied.namespaces).toBe(prev.namespaces);
  });

  it('finds nothing in an unchanged rebuild', () => {
    const next = { ...clone(prev), scannedAt: 'later' };
    const t0 = performance.now();
    expect(diffTopology(prev, next)).toBeNull();
    console.log(`2,000 containers unchanged: diff ${(performance.now() - t0).toFixed(1)} ms`);
  });
});

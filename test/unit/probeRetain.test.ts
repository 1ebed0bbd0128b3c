import { describe, expect, it } from 'vitest';
import { dashboardStore, probeReducers } from '@/lib/client/store';
import { ProbeHub } from '@/lib/live/probeHub';
import type { Topology } from '@/lib/model/topology';
import { probePathKey } from '@/lib/probe/edges';
import type { Prober } from '@/lib/probe/prober';
import { labSnapshotParts } from '../snapshotFixture';

/**
 * On a host that churns, results of probes whose initiator was removed go with it, on the
 * server and in the page; a stopped initiator keeps its results (it may start again).
 */
const parts = labSnapshotParts();
const topology = parts.topology as Topology;
const records = parts.probes;
const fromContainers = records.filter((r) => r.initiator.initiator.kind === 'container');
const victimId = fromContainers[0]?.initiator.initiator.id as string;
const without = { ...topology, containers: topology.containers.filter((c) => c.id !== victimId) };
const stopped = {
  ...topology,
  containers: topology.containers.map((c) => (c.id === victimId ? { ...c, state: 'exited' as const } : c)),
};
const fromVictim = (rs: typeof records) => rs.filter((r) => r.initiator.initiator.id === victimId);

describe('results of removed initiators', () => {
  it('the recording has results from the victim, from other containers and from the host', () => {
    expect(fromVictim(records).length).toBeGreaterThan(0);
    expect(records.some((r) => r.initiator.initiator.kind === 'host')).toBe(true);
    expect(fromContainers.length).toBeGreaterThan(fromVictim(records).length);
  });

  it('the hub forgets them, and their findings, when the container is removed', () => {
    const hub = new ProbeHub({} as Prober);
    hub.on('done', () => {});
    for (const r of records) hub.adopt(r);
    const kept = hub.history().length;
    expect(hub.retain(stopped)).toBe(0);
    expect(hub.history()).toHaveLength(kept);
    const findingsBefore = hub.findings(topology).filter((f) => f.subject.kind === 'probe');
    const victims = fromVictim(hub.history()).length;
    expect(victims).toBeGreaterThan(0);
    expect(hub.retain(without)).toBe(victims);
    expect(fromVictim(hub.history())).toHaveLength(0);
    expect(hub.history().length).toBeGreaterThan(0);
    const victimKeys = new Set(fromVictim(records).map((r) => probePathKey(r.initiator)));
    expect(findingsBefore.some((f) => f.subject.kind === 'probe' && victimKeys.has(f.subject.id))).toBe(true);
    expect(
      hub.findings(without).some((f) => f.subject.kind === 'probe' && victimKeys.has(f.subject.id)),
    ).toBe(false);
  });

  it('the page drops them from its store the same way', () => {
    const s = { ...dashboardStore.getState(), ...probeReducers.history(dashboardStore.getState(), records) };
    const n = Object.keys(s.probes ?? {}).length;
    expect(probeReducers.retain(s, stopped)).toEqual({});
    const after = probeReducers.retain(s, without).probes ?? {};
    expect(Object.keys(after).length).toBe(
      n - new Set(fromVictim(records).map((r) => probePathKey(r.initiator))).size,
    );
    expect(Object.values(after).some((r) => r.initiator.initiator.id === victimId)).toBe(false);
  });
});

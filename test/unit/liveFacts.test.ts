import { describe, expect, it } from 'vitest';
import type { DockerContainer } from '@/lib/docker/schemas';
import type { FirewallText } from '@/lib/firewall/reader';
import { FactCache, type HostFacts } from '@/lib/live/factCache';
import {
  type NetnsFacts,
  type NetnsTarget,
  NOT_RUNNING,
  type SocketOwner,
  type SocketRead,
  tableKeyForInode,
} from '@/lib/netns/facts';
import { mergeNetnsFacts, nextSlice, tableKeyOf } from '@/lib/netns/merge';
import type { OpenclawFacts } from '@/lib/openclaw/config';
import type { HostReaders } from '@/lib/scanner';
import { netnsTargets } from '@/lib/scanner';
import { buildTopology } from '@/lib/topology/build';
import { sameJson } from '@/lib/util/sameJson';
import { type Fixture, loadFixture } from '../helpers';

/**
 * The live service's partial reads, against recorded scans: a fake reader answers from a
 * fixture's facts for the targets it is asked about, as readNetnsFacts would.
 */

/** What readNetnsFacts would return for `targets` on a host whose state is `f`. */
function readFrom(f: NetnsFacts, targets: NetnsTarget[]): NetnsFacts {
  const containers = Object.fromEntries(targets.map((t) => [t.id, t.pid ? f.containers[t.id] : NOT_RUNNING]));
  const keys = new Set<string>();
  if (f.host.inode !== null) keys.add(tableKeyForInode(f.host.inode));
  for (const t of targets) {
    const k = tableKeyOf(f, t);
    if (k) keys.add(k);
  }
  const tables: Record<string, SocketRead> = {};
  const owners: Record<string, SocketOwner> = {};
  for (const k of keys) {
    const table = f.tables[k];
    if (!table) continue;
    tables[k] = table;
    for (const s of table.sockets) {
      const o = f.owners[String(s.inode)];
      if (o) owners[String(s.inode)] = o;
    }
  }
  return { host: f.host, procVisible: f.procVisible, containers, tables, owners } as NetnsFacts;
}

const FIREWALL: FirewallText = { available: false, backend: null, reason: 'test', text: null };

/** Readers answering from whichever fixture is "the host now", recording what was asked. */
function fakeHost(initial: Fixture) {
  const host = {
    now: initial,
    netnsReads: [] as string[][],
    openclawReads: [] as string[][],
    firewallReads: 0,
  };
  const readers: HostReaders = {
    netns: async (targets) => {
      host.netnsReads.push(targets.map((t) => t.id));
      return structuredClone(readFrom(host.now.netns, targets));
    },
    openclaw: async (containers) => {
      host.openclawReads.push(containers.map((c) => c.Id));
      const all = host.now.openclaw ?? {};
      const out: Record<string, OpenclawFacts> = {};
      for (const c of containers) {
        const f = all[c.Id];
        if (f) out[c.Id] = structuredClone(f);
      }
      return out;
    },
    uplink: async () => null,
    firewall: async () => {
      host.firewallReads++;
      return FIREWALL;
    },
  };
  return { host, readers };
}

const build = (f: Fixture, facts: HostFacts) =>
  buildTopology({ engine: f.engine, ...facts, scannedAt: 'then', scanMs: 1 });
const fresh = (f: Fixture) =>
  buildTopology({
    engine: f.engine,
    netns: f.netns,
    openclaw: f.openclaw ?? {},
    uplink: null,
    firewall: FIREWALL,
    scannedAt: 'then',
    scanMs: 1,
  });

/** Containers whose engine state differs between two recordings (what Docker events would name). */
function changedBetween(a: Fixture, b: Fixture): Set<string> {
  const before = new Map(a.engine.containers.map((c) => [c.Id, c]));
  const after = new Map(b.engine.containers.map((c) => [c.Id, c]));
  const ids = new Set<string>();
  for (const [id, c] of after) if (!sameJson(before.get(id), c)) ids.add(id);
  for (const id of before.keys()) if (!after.has(id)) ids.add(id);
  return ids;
}

const nonHostKeys = (f: NetnsFacts, containers: DockerContainer[]) =>
  new Set(
    netnsTargets(containers)
      .map((t) => tableKeyOf(f, t))
      .filter((k): k is string => !!k && k !== tableKeyForInode(f.host.inode as number)),
  );

describe('mergeNetnsFacts', () => {
  const lab = loadFixture('lab');

  it('with every target read, is the fresh read', () => {
    const restarted = loadFixture('lab-gateway-restarted');
    const targets = netnsTargets(restarted.engine.containers);
    const read = readFrom(restarted.netns, targets);
    const merged = mergeNetnsFacts(lab.netns, read, targets, new Set(targets.map((t) => t.id)));
    expect(merged).toEqual(read);
  });

  it('with nothing read, keeps the previous facts and drops what stopped', () => {
    const targets = netnsTargets(lab.engine.containers);
    const empty = { ...lab.netns, containers: {}, tables: {}, owners: {} };
    expect(mergeNetnsFacts(lab.netns, empty, targets, new Set())).toEqual(readFrom(lab.netns, targets));
    const stopped = targets.map((t, i) => (i === 0 ? { ...t, pid: null } : t));
    const merged = mergeNetnsFacts(lab.netns, empty, stopped, new Set());
    expect(merged.containers[stopped[0]?.id as string]).toEqual(NOT_RUNNING);
  });
});

describe('nextSlice', () => {
  const lab = loadFixture('lab');
  const targets = netnsTargets(lab.engine.containers);
  const all = nonHostKeys(lab.netns, lab.engine.containers);

  it('visits every namespace but the host once in `slices` calls, a bounded number at a time', () => {
    let cursor: string | null = null;
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = nextSlice(lab.netns, targets, cursor, 3);
      expect(s.keys.length).toBeLessThanOrEqual(Math.ceil(all.size / 3));
      seen.push(...s.keys);
      cursor = s.cursor;
    }
    expect(seen.sort()).toEqual([...all].sort());
    // …then starts over.
    expect(cursor).toBeNull();
    expect(nextSlice(lab.netns, targets, cursor, 3).keys[0]).toBe([...all].sort()[0]);
    // A cursor whose namespace has gone resumes at the next one.
    const gone = `${[...all].sort()[1]}x`;
    expect(nextSlice(lab.netns, targets, gone, 3).keys[0]).toBe([...all].sort()[2]);
  });
});

describe('FactCache: re-reading only what changed', () => {
  it('re-reads the namespaces of the changed containers only, and then matches a fresh scan there', async () => {
    const lab = loadFixture('lab');
    const { host, readers } = fakeHost(lab);
    const cache = new FactCache(readers, 60_000, () => 0);
    await cache.get(lab.engine.containers, { full: true, changed: new Set(), slices: 0, firewall: false });
    expect(host.netnsReads[0]).toHaveLength(lab.engine.containers.length);

    for (const name of ['lab-multi-stopped', 'lab-gateway-recreated']) {
      const now = loadFixture(name);
      host.now = now;
      host.netnsReads = [];
      const changed = changedBetween(lab, now);
      const { facts, changed: differs } = await cache.get(now.engine.containers, {
        full: false,
        changed,
        slices: 0,
        firewall: false,
      });
      expect(differs).toBe(true);
      // One read, of fewer containers than the host has.
      expect(host.netnsReads).toHaveLength(1);
      expect(host.netnsReads[0]?.length).toBeLessThan(now.engine.containers.length);
      const partial = build(now, facts);
      const full = fresh(now);
      for (const id of changed) {
        const c = full.containers.find((x) => x.id === id);
        if (!c) continue; // removed
        expect(
          partial.containers.find((x) => x.id === id),
          c.name,
        ).toEqual(c);
        const ns = full.namespaces.find((n) => n.id === c.netns);
        if (ns)
          expect(
            partial.namespaces.find((n) => n.key === ns.key),
            ns.key,
          ).toEqual(ns);
      }
      // Back to the first state for the next round.
      host.now = lab;
      await cache.get(lab.engine.containers, { full: true, changed: new Set(), slices: 0, firewall: false });
    }
  });

  it('after one rotation of slices every namespace is current: the same topology as a full scan', async () => {
    const lab = loadFixture('lab');
    const restarted = loadFixture('lab-gateway-restarted');
    const { host, readers } = fakeHost(lab);
    const cache = new FactCache(readers, 60_000, () => 0);
    await cache.get(lab.engine.containers, { full: true, changed: new Set(), slices: 0, firewall: false });
    host.now = restarted;
    host.netnsReads = [];
    const req = { full: false, changed: changedBetween(lab, restarted), slices: 0, firewall: false };
    let { facts } = await cache.get(restarted.engine.containers, req);
    const slices = 4;
    for (let i = 0; i < slices; i++) {
      ({ facts } = await cache.get(restarted.engine.containers, {
        full: false,
        changed: new Set(),
        slices,
        firewall: false,
      }));
    }
    expect(build(restarted, facts)).toEqual(fresh(restarted));
    // No read asked for everything at once.
    const count = restarted.engine.containers.length;
    for (const r of host.netnsReads) expect(r.length).toBeLessThan(count);
  });

  it('says nothing changed when the re-read facts are the same, so the build can be skipped', async () => {
    const lab = loadFixture('lab');
    const { host, readers } = fakeHost(lab);
    let now = 0;
    const cache = new FactCache(readers, 10_000, () => now);
    const first = await cache.get(lab.engine.containers, {
      full: true,
      changed: new Set(),
      slices: 0,
      firewall: false,
    });
    expect(first.changed).toBe(true);
    const again = await cache.get(lab.engine.containers, {
      full: false,
      changed: new Set([lab.engine.containers[0]?.Id as string]),
      slices: 6,
      firewall: false,
    });
    expect(again.changed).toBe(false);
    // The packet filter is read on the first build, then only when asked or when old.
    expect(host.firewallReads).toBe(1);
    now = 10_000;
    await cache.get(lab.engine.containers, { full: false, changed: new Set(), slices: 0, firewall: false });
    expect(host.firewallReads).toBe(2);
    await cache.get(lab.engine.containers, { full: false, changed: new Set(), slices: 0, firewall: true });
    expect(host.firewallReads).toBe(3);
  });

  it('re-reads OpenClaw config only for changed containers and the slice, keeping the rest', async () => {
    const lab = loadFixture('lab');
    const { host, readers } = fakeHost(lab);
    const cache = new FactCache(readers, 60_000, () => 0);
    const first = await cache.get(lab.engine.containers, {
      full: true,
      changed: new Set(),
      slices: 0,
      firewall: false,
    });
    const gateway = lab.engine.containers.find((c) => first.facts.openclaw[c.Id]);
    expect(gateway).toBeDefined();
    host.openclawReads = [];
    const { facts } = await cache.get(lab.engine.containers, {
      full: false,
      changed: new Set([gateway?.Id as string]),
      slices: 0,
      firewall: false,
    });
    expect(host.openclawReads).toEqual([[gateway?.Id]]);
    expect(facts.openclaw).toEqual(first.facts.openclaw);
  });
});

describe('FactCache: the rotation reads beside the rebuilds', () => {
  it('merges background slices in the next get: after one rotation, the same topology as a full scan', async () => {
    const lab = loadFixture('lab');
    const { host, readers } = fakeHost(lab);
    const cache = new FactCache(readers, 60_000, () => 0);
    await cache.get(lab.engine.containers, { full: true, changed: new Set(), slices: 0, firewall: false });
    // Nothing rotates before a first picture exists.
    expect(await new FactCache(readers, 60_000).readSlice(lab.engine.containers, 4)).toBe(false);
    // A server stops listening: no Docker event says so, only the rotation finds it.
    const later = structuredClone(lab);
    const key = [...nonHostKeys(lab.netns, lab.engine.containers)].find(
      (k) => (lab.netns.tables[k]?.sockets.length ?? 0) > 0,
    ) as string;
    (later.netns.tables[key] as SocketRead).sockets = [];
    host.now = later;
    host.netnsReads = [];
    const none = { full: false, changed: new Set<string>(), slices: 0, firewall: false };
    const slices = 4;
    for (let i = 0; i < slices; i++) {
      const first = cache.readSlice(later.engine.containers, slices);
      // One rotation read at a time.
      expect(await cache.readSlice(later.engine.containers, slices)).toBe(false);
      expect(await first).toBe(true);
    }
    const { facts, changed } = await cache.get(later.engine.containers, none);
    expect(changed).toBe(true);
    expect(build(later, facts)).toEqual(fresh(later));
    expect(build(later, facts)).not.toEqual(fresh(lab));
    // The merge itself read nothing; no read asked for everything at once.
    expect(host.netnsReads).toHaveLength(slices);
    for (const r of host.netnsReads) expect(r.length).toBeLessThan(later.engine.containers.length);
  });

  it('an older rotation read that finishes after an event-driven read does not undo it', async () => {
    const lab = loadFixture('lab');
    const restarted = loadFixture('lab-gateway-restarted');
    const { host, readers } = fakeHost(lab);
    // The rotation's read answers at once with the host as it was, but is held back.
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let holdNext = false;
    const netns = readers.netns;
    const slow: HostReaders = {
      ...readers,
      netns: async (targets, opts) => {
        const answer = netns(targets, opts);
        if (holdNext) {
          holdNext = false;
          await gate;
        }
        return answer;
      },
    };
    const cache = new FactCache(slow, 60_000, () => 0);
    await cache.get(lab.engine.containers, { full: true, changed: new Set(), slices: 0, firewall: false });
    holdNext = true;
    const rotation = cache.readSlice(lab.engine.containers, 1); // every namespace, as it was
    await Promise.resolve();
    // The gateway restarts; its event's read finishes first.
    host.now = restarted;
    const changed = changedBetween(lab, restarted);
    const none = { full: false, changed: new Set<string>(), slices: 0, firewall: false };
    await cache.get(restarted.engine.containers, { ...none, changed });
    release();
    expect(await rotation).toBe(true);
    const { facts } = await cache.get(restarted.engine.containers, none);
    const now = build(restarted, facts);
    const truth = fresh(restarted);
    expect(changed.size).toBeGreaterThan(0);
    for (const id of changed) {
      const c = truth.containers.find((x) => x.id === id);
      if (!c) continue;
      expect(now.containers.find((x) => x.id === id)).toEqual(c);
      const ns = truth.namespaces.find((n) => n.id === c.netns);
      if (ns) expect(now.namespaces.find((n) => n.key === ns.key)).toEqual(ns);
    }
  });
});

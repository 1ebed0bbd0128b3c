import type { TopologyChange } from '../model/live';
import type { Topology } from '../model/topology';
import { sameJson } from '../util/sameJson';

/**
 * Topology → topology changes and back, pure. The server publishes a change only when
 * something shown changed; the browser applies it with structural sharing, so an entity
 * that did not change keeps its object identity and its memoised node does not re-render.
 */

type Collection = 'containers' | 'namespaces' | 'networks' | 'findings';
type Entity<C extends Collection> = Topology[C][number];

const COLLECTIONS: readonly Collection[] = ['containers', 'namespaces', 'networks', 'findings'];

/** Namespaces by key: their id is the netns inode, which changes when the owner restarts. */
const keyOf = <C extends Collection>(c: C, e: Entity<C>): string =>
  c === 'namespaces' ? (e as Topology['namespaces'][number]).key : (e as { id: string }).id;

/** key → entity, or null when two entities share a key (then the collection is sent whole). */
function byKey<C extends Collection>(c: C, xs: Topology[C]): Map<string, Entity<C>> | null {
  const m = new Map<string, Entity<C>>();
  for (const e of xs as Entity<C>[]) m.set(keyOf(c, e), e);
  return m.size === xs.length ? m : null;
}

interface CollectionDiff<C extends Collection> {
  upsert: Entity<C>[];
  remove: string[];
  insert: [string, number][];
  order?: string[];
  replace?: Topology[C];
}

function sameSequence(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function diffCollection<C extends Collection>(c: C, prev: Topology[C], next: Topology[C]): CollectionDiff<C> {
  const out: CollectionDiff<C> = { upsert: [], remove: [], insert: [] };
  const before = byKey(c, prev);
  const after = byKey(c, next);
  if (!before || !after) {
    const same = prev.length === next.length && (prev as unknown[]).every((e, i) => sameJson(e, next[i]));
    if (!same) out.replace = next;
    return out;
  }
  const keptNext: string[] = [];
  (next as Entity<C>[]).forEach((e, i) => {
    const k = keyOf(c, e);
    const old = before.get(k);
    if (old === undefined) {
      out.upsert.push(e);
      out.insert.push([k, i]);
      return;
    }
    keptNext.push(k);
    if (!sameJson(old, e)) out.upsert.push(e);
  });
  const keptPrev: string[] = [];
  for (const k of before.keys()) {
    if (after.has(k)) keptPrev.push(k);
    else out.remove.push(k);
  }
  // Inserting by index rebuilds the order only if the kept entities did not move.
  if (!sameSequence(keptPrev, keptNext)) {
    out.order = (next as Entity<C>[]).map((e) => keyOf(c, e));
    out.insert = [];
  }
  return out;
}

const isEmpty = (d: CollectionDiff<Collection>) =>
  d.upsert.length === 0 && d.remove.length === 0 && d.insert.length === 0 && !d.order && !d.replace;

/**
 * What turns `prev` into `next`, or null when nothing shown changed: scannedAt and scanMs
 * change on every rebuild and alone are not a change. The change carries versions
 * `fromVersion` → `fromVersion + 1`.
 */
export function diffTopology(prev: Topology, next: Topology, fromVersion = 0): TopologyChange | null {
  const change: TopologyChange = {
    fromVersion,
    version: fromVersion + 1,
    scannedAt: next.scannedAt,
    scanMs: next.scanMs,
    upsert: { containers: [], namespaces: [], networks: [], findings: [] },
    remove: { containers: [], namespaces: [], networks: [], findings: [] },
    insert: { containers: [], namespaces: [], networks: [], findings: [] },
  };
  let changed = false;
  const put = <C extends Collection>(c: C) => {
    const d = diffCollection(c, prev[c], next[c]);
    if (isEmpty(d)) return;
    changed = true;
    (change.upsert as Record<Collection, unknown[]>)[c] = d.upsert;
    change.remove[c] = d.remove;
    change.insert[c] = d.insert;
    if (d.order) change.order = { ...change.order, [c]: d.order };
    if (d.replace) change.replace = { ...change.replace, [c]: d.replace };
  };
  for (const c of COLLECTIONS) put(c);
  if (!sameJson(prev.host, next.host)) {
    change.host = next.host;
    changed = true;
  }
  if (!sameJson(prev.firewall, next.firewall)) {
    change.firewall = next.firewall;
    changed = true;
  }
  if (!sameJson(prev.warnings, next.warnings)) {
    change.warnings = next.warnings;
    changed = true;
  }
  return changed ? change : null;
}

/** The change was computed against another topology: the caller should fetch a full one. */
export class ChangeMismatchError extends Error {}

function applyCollection<C extends Collection>(c: C, prev: Topology[C], change: TopologyChange): Topology[C] {
  const replaced = change.replace?.[c];
  if (replaced) return replaced as Topology[C];
  const upsert = change.upsert[c] as Entity<C>[];
  const remove = change.remove[c];
  const insert = change.insert[c];
  const order = change.order?.[c];
  if (upsert.length === 0 && remove.length === 0 && insert.length === 0 && !order) return prev;

  const fresh = new Map(upsert.map((e) => [keyOf(c, e), e]));
  if (order) {
    const old = new Map((prev as Entity<C>[]).map((e) => [keyOf(c, e), e]));
    return order.map((k) => {
      const e = fresh.get(k) ?? old.get(k);
      if (!e) throw new ChangeMismatchError(`${c}: ${k} is in the order but neither kept nor sent`);
      return e;
    }) as Topology[C];
  }
  const gone = new Set(remove);
  const kept: Entity<C>[] = [];
  let replacedCount = 0;
  for (const e of prev as Entity<C>[]) {
    const k = keyOf(c, e);
    if (gone.has(k)) continue;
    const u = fresh.get(k);
    if (u) replacedCount++;
    kept.push(u ?? e);
  }
  if (replacedCount + insert.length !== upsert.length)
    throw new ChangeMismatchError(`${c}: the change updates entities this topology does not have`);
  // Merge the kept entities with the new ones at their indices: one linear pass.
  const out: Entity<C>[] = [];
  let i = 0;
  for (const [k, at] of insert) {
    if (at < out.length || at > out.length + kept.length - i)
      throw new ChangeMismatchError(`${c}: ${k} cannot go at ${at}`);
    while (out.length < at) out.push(kept[i++] as Entity<C>);
    const e = fresh.get(k);
    if (!e) throw new ChangeMismatchError(`${c}: ${k} is inserted but not sent`);
    out.push(e);
  }
  while (i < kept.length) out.push(kept[i++] as Entity<C>);
  return out as Topology[C];
}

/**
 * `prev` with `change` applied. Whatever the change does not touch keeps its identity
 * (entities, collections, host, firewall). Throws ChangeMismatchError when the change
 * cannot have been computed against `prev`.
 */
export function applyTopologyChange(prev: Topology, change: TopologyChange): Topology {
  return {
    scannedAt: change.scannedAt,
    scanMs: change.scanMs,
    host: change.host ?? prev.host,
    networks: applyCollection('networks', prev.networks, change),
    containers: applyCollection('containers', prev.containers, change),
    namespaces: applyCollection('namespaces', prev.namespaces, change),
    findings: applyCollection('findings', prev.findings, change),
    firewall: change.firewall ?? prev.firewall,
    warnings: change.warnings ?? prev.warnings,
  };
}

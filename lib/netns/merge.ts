import {
  isProcVisible,
  type NetnsFacts,
  type NetnsTarget,
  NOT_RUNNING,
  type NsIdentity,
  type SocketOwner,
  type SocketRead,
  tableKeyForContainer,
  tableKeyForInode,
} from './facts';

/**
 * Partial namespace reads merged into the last complete picture. Pure. The live service
 * re-reads only the namespaces of containers that changed plus a rotating slice of the
 * others; everything else comes from the previous read.
 */

/** The table that holds a container's listeners, by the identity we know for it; null when not running. */
export function tableKeyOf(facts: Pick<NetnsFacts, 'containers'>, t: NetnsTarget): string | null {
  if (!t.pid) return null;
  const inode = facts.containers[t.id]?.inode;
  return inode != null ? tableKeyForInode(inode) : tableKeyForContainer(t.id);
}

/**
 * `fresh` (a read of the `read` targets) over `prev`, for the containers now in `targets`.
 *
 * The host's identity is kept from the previous complete read: deciding which netns is the
 * host's needs every target (Reachmap may itself run in one of them), and it does not change
 * while we run. Tables are keyed by netns inode, so any table a partial read returns is a
 * true fact about that namespace whatever the partial read thought the host was.
 */
export function mergeNetnsFacts(
  prev: NetnsFacts,
  fresh: NetnsFacts,
  targets: NetnsTarget[],
  read: ReadonlySet<string>,
): NetnsFacts {
  const containers: Record<string, NsIdentity> = {};
  for (const t of targets) {
    // A stopped container needs no read to say so.
    const id = !t.pid
      ? NOT_RUNNING
      : ((read.has(t.id) ? fresh.containers[t.id] : undefined) ?? prev.containers[t.id]);
    if (id) containers[t.id] = id;
  }
  const host = prev.host;
  // Keep only the tables someone still lives in, preferring what was just read.
  const wanted = new Set<string>();
  if (host.inode !== null) wanted.add(tableKeyForInode(host.inode));
  for (const t of targets) {
    const k = tableKeyOf({ containers }, t);
    if (k) wanted.add(k);
  }
  const tables: Record<string, SocketRead> = {};
  const owners: Record<string, SocketOwner> = {};
  for (const k of wanted) {
    const isFresh = Object.hasOwn(fresh.tables, k);
    const table = isFresh ? fresh.tables[k] : prev.tables[k];
    if (!table) continue;
    tables[k] = table;
    // Owners of a re-read table come from that read only: a socket's owner may have exited.
    const from = isFresh ? fresh.owners : prev.owners;
    for (const s of table.sockets) {
      const o = from[String(s.inode)];
      if (o) owners[String(s.inode)] = o;
    }
  }
  return {
    host,
    procVisible: isProcVisible(targets, containers),
    containers,
    tables,
    owners,
    // Decided, like the host, by complete reads.
    ...(prev.engineElsewhere ? { engineElsewhere: true } : {}),
  };
}

/**
 * The namespaces to re-read when `changed` containers changed: each one's current process
 * (its new namespace) and, for its previous namespace, another running member if there is
 * one — a `container:` sidecar keeps the old netns alive after its owner restarts.
 */
export function targetsForChanged(
  prev: NetnsFacts,
  targets: NetnsTarget[],
  changed: ReadonlySet<string>,
): NetnsTarget[] {
  const out = new Map<string, NetnsTarget>();
  const oldKeys = new Set<string>();
  for (const t of targets) {
    if (!changed.has(t.id)) continue;
    out.set(t.id, t);
    const inode = prev.containers[t.id]?.inode;
    if (inode != null) oldKeys.add(tableKeyForInode(inode));
  }
  // Containers that vanished altogether left their old namespace too.
  for (const id of changed) {
    const inode = prev.containers[id]?.inode;
    if (inode != null && !out.has(id)) oldKeys.add(tableKeyForInode(inode));
  }
  if (prev.host.inode !== null) oldKeys.delete(tableKeyForInode(prev.host.inode)); // read every time
  for (const t of targets) {
    const k = tableKeyOf(prev, t);
    if (k && oldKeys.has(k) && !out.has(t.id)) {
      out.set(t.id, t);
      oldKeys.delete(k);
    }
  }
  return [...out.values()];
}

/**
 * The next 1/`slices` of the namespaces after `cursor` (a table key; null: from the start),
 * one running target each: at most `slices` calls visit every namespace once. Ordered by key, so the
 * rotation survives namespaces coming and going. The host's namespace is not in it: every
 * read includes it.
 */
export function nextSlice(
  prev: NetnsFacts,
  targets: NetnsTarget[],
  cursor: string | null,
  slices: number,
): { targets: NetnsTarget[]; keys: string[]; cursor: string | null } {
  const hostKey = prev.host.inode !== null ? tableKeyForInode(prev.host.inode) : null;
  const units = new Map<string, NetnsTarget>();
  for (const t of targets) {
    const k = tableKeyOf(prev, t);
    if (k && k !== hostKey && !units.has(k)) units.set(k, t);
  }
  const keys = [...units.keys()].sort();
  if (keys.length === 0 || slices <= 0) return { targets: [], keys: [], cursor };
  const count = Math.ceil(keys.length / slices);
  const after = cursor === null ? 0 : keys.findIndex((k) => k > cursor);
  const start = Math.max(after, 0); // none after the cursor: start over
  // The last slice of a round may be short: a round takes at most `slices` calls, no namespace twice.
  const picked = keys.slice(start, start + count);
  return {
    targets: picked.map((k) => units.get(k) as NetnsTarget),
    keys: picked,
    cursor: start + count >= keys.length ? null : (picked[picked.length - 1] ?? null),
  };
}

import type { DockerContainer } from '../docker/schemas';
import type { Container, FactSource, Listener, Namespace } from '../model/topology';
import { addressScope } from '../netns/procNet';
import { type NetnsFacts, type SocketRead, tableKeyForContainer, tableKeyForInode } from '../netns/reader';
import { networkModeKind } from './containers';

/**
 * Grouping containers by the network namespace they really share. The kernel's netns
 * identity (/proc/<pid>/ns/net) decides; configuration (NetworkMode) is used only when that
 * identity could not be read, and is then marked "inferred".
 */

export interface NsAssignment {
  /** namespace group id → member container ids */
  groups: Map<
    string,
    { inode: number | null; source: FactSource; members: string[]; tableKey: string | null }
  >;
  /** container id → group id */
  byContainer: Map<string, string>;
  hostGroup: string;
}

export const nsIdForInode = (inode: number) => `netns:${inode}`;
const nsIdInferred = (ownerId: string) => `netns:inferred-${ownerId.slice(0, 12)}`;
const HOST_UNKNOWN = 'netns:host';

export function assignNamespaces(containers: DockerContainer[], facts: NetnsFacts): NsAssignment {
  const groups: NsAssignment['groups'] = new Map();
  const byContainer = new Map<string, string>();
  const hostGroup = facts.host.inode !== null ? nsIdForInode(facts.host.inode) : HOST_UNKNOWN;
  groups.set(hostGroup, {
    inode: facts.host.inode,
    source: facts.host.source,
    members: [],
    tableKey: facts.host.inode !== null ? tableKeyForInode(facts.host.inode) : null,
  });

  const running = containers.filter((c) => c.State.Running && c.State.Pid > 0);
  const byId = new Map(containers.map((c) => [c.Id, c]));
  const byName = new Map(containers.map((c) => [c.Name, c.Id]));

  // 1. Live identity from /proc.
  for (const c of running) {
    const inode = facts.containers[c.Id]?.inode;
    if (inode == null) continue;
    const id = nsIdForInode(inode);
    if (!groups.has(id))
      groups.set(id, { inode, source: 'proc', members: [], tableKey: tableKeyForInode(inode) });
    groups.get(id)?.members.push(c.Id);
    byContainer.set(c.Id, id);
  }

  // 2. Inferred from configuration for the rest (host /proc not visible).
  const resolve = (c: DockerContainer, depth: number): string => {
    const known = byContainer.get(c.Id);
    if (known) return known;
    const mode = c.HostConfig.NetworkMode;
    const kind = networkModeKind(mode);
    if (kind === 'host') return hostGroup;
    if (kind === 'container' && depth < 8) {
      const ref = mode.slice('container:'.length);
      const target = byId.get(byName.get(ref) ?? ref);
      if (target?.State.Running) return resolve(target, depth + 1);
    }
    return nsIdInferred(c.Id);
  };
  for (const c of running) {
    if (byContainer.has(c.Id)) continue;
    const id = resolve(c, 0);
    if (!groups.has(id)) groups.set(id, { inode: null, source: 'inferred', members: [], tableKey: null });
    const g = groups.get(id);
    g?.members.push(c.Id);
    if (g && g.tableKey === null && id !== hostGroup) g.tableKey = tableKeyForContainer(c.Id);
    byContainer.set(c.Id, id);
  }
  return { groups, byContainer, hostGroup };
}

/** The container whose namespace this is: not one that joined it with container:<id>. */
export function pickOwner(members: Container[]): Container | null {
  if (members.length === 0) return null;
  const byAge = [...members].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
  return byAge.find((c) => c.networkModeKind !== 'container') ?? byAge[0] ?? null;
}

export function toListeners(read: SocketRead | undefined, owners: NetnsFacts['owners']): Listener[] {
  if (!read) return [];
  return read.sockets
    .map((s): Listener => {
      const owner = owners[String(s.inode)] ?? null;
      // docker-proxy is the engine's, on the host: a container process named so is not it.
      const role =
        s.address === '127.0.0.11'
          ? 'docker-dns'
          : owner?.name === 'docker-proxy' && owner.containerId === null
            ? 'docker-proxy'
            : 'workload';
      return {
        protocol: s.protocol,
        family: s.family,
        address: s.address,
        port: s.port,
        scope: addressScope(s.address),
        role,
        process: owner ? { pid: owner.pid, name: owner.name } : null,
        containerId: owner?.containerId ?? null,
        inode: s.inode,
        v6only: s.family === 6 && s.v6only !== undefined ? s.v6only : null,
      };
    })
    .sort(
      (a, b) =>
        a.protocol.localeCompare(b.protocol) ||
        a.port - b.port ||
        a.family - b.family ||
        a.address.localeCompare(b.address),
    );
}

export function buildNamespaces(
  assignment: NsAssignment,
  containers: Container[],
  facts: NetnsFacts,
): Namespace[] {
  const byId = new Map(containers.map((c) => [c.id, c]));
  const out: Namespace[] = [];
  for (const [id, g] of assignment.groups) {
    const members = g.members
      .map((m) => byId.get(m))
      .filter((c): c is Container => !!c)
      .sort((a, b) => a.name.localeCompare(b.name));
    const isHost = id === assignment.hostGroup;
    const owner = isHost ? null : pickOwner(members);
    const read = g.tableKey ? facts.tables[g.tableKey] : undefined;
    const errors: string[] = [];
    if (isHost && facts.host.error) errors.push(facts.host.error);
    if (read?.error) errors.push(read.error);
    if (!read && !isHost) {
      for (const m of members) {
        const e = facts.containers[m.id]?.error;
        if (e) errors.push(`${m.name}: ${e}`);
      }
    }
    out.push({
      id,
      key: isHost ? 'host' : `ctr:${owner?.id ?? id}`,
      kind: isHost ? 'host' : 'container',
      inode: g.inode,
      ownerId: owner?.id ?? null,
      containers: members.map((m) => m.name),
      containerIds: members.map((m) => m.id),
      listeners: toListeners(read, facts.owners),
      identitySource: g.source,
      listenerSource: read ? read.source : 'unavailable',
      errors,
    });
  }
  return out.sort((a, b) => (a.kind === 'host' ? -1 : b.kind === 'host' ? 1 : a.key.localeCompare(b.key)));
}

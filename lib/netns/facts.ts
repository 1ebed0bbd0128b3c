import type { FactSource } from '../model/topology';
import type { ProcNetTables, RawSocket } from './procNet';

/** What the namespace readers return: raw facts, turned into the model by lib/topology. */

export interface NetnsTarget {
  id: string;
  pid: number | null;
  /** network_mode: host — shares the host's netns by design. */
  hostMode: boolean;
}

export interface NsIdentity {
  inode: number | null;
  source: FactSource;
  error?: string;
  /** The pid's cgroup names this very container: it is the engine's process, on this kernel. */
  confirmed?: boolean;
}

export interface SocketRead {
  sockets: RawSocket[];
  source: FactSource;
  error?: string;
}

export interface SocketOwner {
  pid: number;
  name: string;
  containerId: string | null;
}

export interface NetnsFacts {
  host: NsIdentity;
  /** Whether container processes were visible in our /proc (host PID namespace). */
  procVisible: boolean;
  containers: Record<string, NsIdentity>;
  /** Keyed by tableKeyForInode()/tableKeyForContainer(): one read per namespace. */
  tables: Record<string, SocketRead>;
  /** Socket inode → owning process. */
  owners: Record<string, SocketOwner>;
  /**
   * The engine's containers are not on this kernel as far as /proc can tell (a remote engine
   * behind tcp:// or a forwarded socket): this machine's namespace, packet filter and uplink
   * are not the engine host's.
   */
  engineElsewhere?: boolean;
}

/** Reads a container's tables from inside it when host /proc is not visible (docker exec). */
export type ExecTableReader = (containerId: string) => Promise<ProcNetTables>;

export const tableKeyForInode = (inode: number) => `inode:${inode}`;
export const tableKeyForContainer = (id: string) => `exec:${id}`;

export const NOT_RUNNING: NsIdentity = { inode: null, source: 'unavailable', error: 'not running' };

/**
 * Which netns is the host's. When Reachmap runs on the host, its own; a host-network
 * container shares it, any other container does not. When Reachmap runs in a container,
 * its own netns is that container's and the host's is pid 1's (visible only with
 * `pid: host`).
 */
export function pickHost(
  selfInode: number | null,
  pid1Inode: number | null,
  targets: NetnsTarget[],
  containers: Record<string, NsIdentity>,
  /** Reachmap's own container id when it runs in one (from its mountinfo), else null. */
  selfContainerId: string | null = null,
): { host: NsIdentity; hostPid: number | null } {
  // Without host PID visibility the containers' inodes are unknown; our own container id still tells.
  const selfIsContainer =
    // Only a pid confirmed as that container's: an unrelated local process that happens to
    // carry a remote engine's pid lives in our namespace too.
    (selfInode !== null &&
      targets.some(
        (t) => !t.hostMode && containers[t.id]?.inode === selfInode && containers[t.id]?.confirmed !== false,
      )) ||
    (selfContainerId !== null && targets.some((t) => t.id === selfContainerId && !t.hostMode));
  if (!selfIsContainer) {
    return selfInode === null
      ? {
          host: { inode: null, source: 'unavailable', error: 'cannot read /proc/self/ns/net' },
          hostPid: null,
        }
      : { host: { inode: selfInode, source: 'proc' }, hostPid: process.pid };
  }
  if (pid1Inode === null || pid1Inode === selfInode) {
    return {
      host: {
        inode: null,
        source: 'unavailable',
        error: 'Reachmap runs in a container without pid: host; the host netns is not visible',
      },
      hostPid: null,
    };
  }
  return { host: { inode: pid1Inode, source: 'proc' }, hostPid: 1 };
}

/**
 * A pid that exists here and is positively not that container's process: it lives in no
 * container's cgroup, or in another container's. A pid that is missing (exited, hidden by
 * hidepid) or unreadable says nothing either way.
 */
const foreignPid = (id: NsIdentity | undefined) =>
  (id?.inode != null && id.confirmed === false) || /another process/.test(id?.error ?? '');

/**
 * The engine may not run on this kernel at all (tcp:// to another machine, a socket
 * forwarded over ssh, Reachmap in another PID namespace): a pid the engine names is then some
 * unrelated local process, or none. Pure. When not one running container's pid is confirmed
 * by its cgroup naming that container, identities taken on faith are dropped with the tables
 * read through them (listeners then come from docker exec); and when some pid is positively
 * another process here (not missing, not unreadable), this machine's own namespace is not
 * the engine host's either.
 */
export function settleKernel(facts: NetnsFacts, targets: NetnsTarget[]): NetnsFacts {
  const running = targets.filter((t) => t.pid);
  if (running.length === 0 || running.some((t) => facts.containers[t.id]?.confirmed)) return facts;
  const containers = { ...facts.containers };
  const dropped = new Set<string>();
  for (const t of running) {
    const id = containers[t.id];
    if (id?.inode == null) continue;
    dropped.add(tableKeyForInode(id.inode));
    containers[t.id] = {
      inode: null,
      source: 'unavailable',
      error: `/proc/${t.pid} is not this container's process (its cgroup names no such container)`,
    };
  }
  const elsewhere = facts.host.source === 'proc' && running.some((t) => foreignPid(facts.containers[t.id]));
  const hostKey = facts.host.inode !== null ? tableKeyForInode(facts.host.inode) : null;
  if (elsewhere && hostKey) dropped.add(hostKey);
  else if (hostKey) dropped.delete(hostKey);
  const tables = Object.fromEntries(Object.entries(facts.tables).filter(([k]) => !dropped.has(k)));
  const host: NsIdentity = elsewhere
    ? {
        inode: null,
        source: 'unavailable',
        error:
          "the engine's containers are not visible in this machine's /proc: it runs on another machine (or Reachmap in another PID namespace), so this machine's namespace is not its host's",
      }
    : facts.host;
  return { ...facts, host, containers, tables, procVisible: false, engineElsewhere: elsewhere };
}

export function isProcVisible(targets: NetnsTarget[], containers: Record<string, NsIdentity>): boolean {
  const running = targets.filter((t) => t.pid);
  return running.length === 0 || running.some((t) => containers[t.id]?.inode != null);
}

/**
 * Reachmap's own container id, when it runs in a Docker container: Docker bind-mounts
 * /etc/hostname, /etc/hosts and resolv.conf from /var/lib/docker/containers/<id>/. Pure.
 */
export function containerIdFromMountinfo(text: string): string | null {
  const m = /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)\b/.exec(text);
  return m?.[1] ?? null;
}

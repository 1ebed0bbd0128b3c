import { readdir, readFile, readlink } from 'node:fs/promises';
import type { FactSource } from '../model/topology';
import { mapLimit } from '../util/concurrency';
import {
  containerIdFromCgroup,
  type ProcNetTables,
  parseNsLink,
  parseProcNetTables,
  parseSocketLink,
} from './procNet';

/**
 * The I/O edge for network namespaces: reads /proc of the host to learn which netns each
 * container's process lives in, the socket tables of each netns, and who owns each socket.
 * Everything it returns is raw text or numbers; lib/topology turns it into the model.
 */

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
}

export interface TableRead {
  tables: ProcNetTables;
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
  /** Keyed by tableKey(): one read per namespace, not per container. */
  tables: Record<string, TableRead>;
  /** Socket inode → owning process. */
  owners: Record<string, SocketOwner>;
}

/** Reads a container's tables from inside it when host /proc is not visible (docker exec). */
export type ExecTableReader = (containerId: string) => Promise<ProcNetTables>;

export const tableKeyForInode = (inode: number) => `inode:${inode}`;
export const tableKeyForContainer = (id: string) => `exec:${id}`;

const TABLE_FILES = ['tcp', 'tcp6', 'udp', 'udp6'] as const;
const IO_CONCURRENCY = 4;
/** A process with more descriptors than this is not searched further for socket owners. */
const MAX_FDS_PER_PROCESS = 8192;

function errMsg(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e) return String((e as { code: unknown }).code);
  return e instanceof Error ? e.message : String(e);
}

async function readNsInode(procPath: string): Promise<number | null> {
  return parseNsLink(await readlink(`${procPath}/ns/net`));
}

/** Read the four socket tables as seen from one process's netns. A missing table (no IPv6) is empty. */
export async function readTables(procPath: string): Promise<ProcNetTables> {
  const entries = await Promise.all(
    TABLE_FILES.map(async (f) => {
      try {
        return [f, await readFile(`${procPath}/net/${f}`, 'utf8')] as const;
      } catch (e) {
        if (errMsg(e) === 'ENOENT') return [f, ''] as const;
        throw e;
      }
    }),
  );
  return Object.fromEntries(entries) as ProcNetTables;
}

/**
 * A pid from the engine is only ours to read when /proc/<pid> is that container's process:
 * inside another PID namespace the same number may name an unrelated process.
 */
async function identifyContainerNs(target: NetnsTarget): Promise<NsIdentity> {
  if (!target.pid) return { inode: null, source: 'unavailable', error: 'not running' };
  try {
    const owner = containerIdFromCgroup(await readFile(`/proc/${target.pid}/cgroup`, 'utf8'));
    if (owner !== null && owner !== target.id) {
      return {
        inode: null,
        source: 'unavailable',
        error: `/proc/${target.pid} is another process (separate PID namespace)`,
      };
    }
    return { inode: await readNsInode(`/proc/${target.pid}`), source: 'proc' };
  } catch (e) {
    // ENOENT: exited since inspect, or a PID namespace that hides it; EACCES: no privilege.
    return { inode: null, source: 'unavailable', error: `cannot read /proc/${target.pid}: ${errMsg(e)}` };
  }
}

export interface ReadNetnsOptions {
  /** Fallback when host /proc is not visible. */
  execTables?: ExecTableReader;
  /** Skip resolving socket owners (cheaper refreshes). */
  owners?: boolean;
}

export async function readNetnsFacts(
  targets: NetnsTarget[],
  opts: ReadNetnsOptions = {},
): Promise<NetnsFacts> {
  const selfInode = await readNsInode('/proc/self').catch(() => null);
  const ids = await mapLimit(targets, IO_CONCURRENCY * 2, identifyContainerNs);
  const containers: Record<string, NsIdentity> = {};
  targets.forEach((t, i) => {
    containers[t.id] = ids[i] as NsIdentity;
  });
  const running = targets.filter((t) => t.pid);
  const procVisible = running.length === 0 || running.some((t) => containers[t.id]?.inode != null);

  // When Reachmap itself runs in a container, its own netns is that container's, not the
  // host's; the host's is then /proc/1's, readable only with `pid: host`.
  // A host-network container shares our netns when we run on the host; any other does not.
  const selfIsContainer =
    selfInode !== null && targets.some((t) => !t.hostMode && containers[t.id]?.inode === selfInode);
  let host: NsIdentity;
  let hostProc = '/proc/self';
  if (!selfIsContainer) {
    host = { inode: selfInode, source: selfInode === null ? 'unavailable' : 'proc' };
  } else {
    hostProc = '/proc/1';
    const inode = await readNsInode('/proc/1').catch(() => null);
    host =
      inode === null || inode === selfInode
        ? {
            inode: null,
            source: 'unavailable',
            error: 'Reachmap runs in a container without pid: host; the host netns is not visible',
          }
        : { inode, source: 'proc' };
  }

  // One table read per namespace, through any process that lives in it.
  const tables: Record<string, TableRead> = {};
  const reads: Array<{ key: string; proc: string }> = [];
  if (host.inode !== null) reads.push({ key: tableKeyForInode(host.inode), proc: hostProc });
  const seen = new Set(host.inode !== null ? [host.inode] : []);
  targets.forEach((t) => {
    const c = containers[t.id];
    if (c?.inode != null && !seen.has(c.inode) && t.pid) {
      seen.add(c.inode);
      reads.push({ key: tableKeyForInode(c.inode), proc: `/proc/${t.pid}` });
    }
  });
  await mapLimit(reads, IO_CONCURRENCY, async ({ key, proc }) => {
    try {
      tables[key] = { tables: await readTables(proc), source: 'proc' };
    } catch (e) {
      tables[key] = { tables: {}, source: 'unavailable', error: `cannot read ${proc}/net: ${errMsg(e)}` };
    }
  });

  // Fallback: containers whose netns could not be identified through /proc.
  const execTargets = targets.filter((t) => t.pid && containers[t.id]?.inode == null);
  if (execTargets.length > 0) {
    await mapLimit(execTargets, IO_CONCURRENCY, async (t) => {
      const key = tableKeyForContainer(t.id);
      if (!opts.execTables) {
        tables[key] = {
          tables: {},
          source: 'unavailable',
          error: 'host /proc not visible and no exec fallback configured',
        };
        return;
      }
      try {
        tables[key] = { tables: await opts.execTables(t.id), source: 'exec' };
      } catch (e) {
        tables[key] = {
          tables: {},
          source: 'unavailable',
          error: `docker exec cat /proc/net/*: ${errMsg(e)}`,
        };
      }
    });
  }

  const owners = opts.owners === false ? {} : await findSocketOwners(tables);
  return { host, procVisible, containers, tables, owners };
}

/** Socket inodes of every listening socket we read, per namespace inode. */
function wantedSockets(tables: Record<string, TableRead>): Map<number, Set<number>> {
  const wanted = new Map<number, Set<number>>();
  for (const [key, read] of Object.entries(tables)) {
    if (!key.startsWith('inode:')) continue;
    const inodes = new Set(
      parseProcNetTables(read.tables)
        .map((s) => s.inode)
        .filter((i) => i > 0),
    );
    if (inodes.size > 0) wanted.set(Number(key.slice(6)), inodes);
  }
  return wanted;
}

/**
 * Walk /proc once: each process whose netns has listeners gets its fds matched against
 * the listening sockets' inodes. Stops as soon as every socket has an owner.
 */
export async function findSocketOwners(
  tables: Record<string, TableRead>,
): Promise<Record<string, SocketOwner>> {
  const wanted = wantedSockets(tables);
  let remaining = [...wanted.values()].reduce((n, s) => n + s.size, 0);
  const owners: Record<string, SocketOwner> = {};
  if (remaining === 0) return owners;
  let pids: number[];
  try {
    pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return owners;
  }
  await mapLimit(pids, IO_CONCURRENCY * 2, async (pid) => {
    if (remaining === 0) return;
    try {
      const ns = await readNsInode(`/proc/${pid}`);
      const want = ns === null ? undefined : wanted.get(ns);
      if (!want || want.size === 0) return;
      const fds = (await readdir(`/proc/${pid}/fd`)).slice(0, MAX_FDS_PER_PROCESS);
      const found: number[] = [];
      for (const fd of fds) {
        const sock = parseSocketLink(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''));
        if (sock !== null && want.has(sock) && !owners[String(sock)]) found.push(sock);
      }
      if (found.length === 0) return;
      const [comm, cgroup] = await Promise.all([
        readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?'),
        readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => ''),
      ]);
      for (const sock of found) {
        if (owners[String(sock)]) continue;
        owners[String(sock)] = { pid, name: comm.trim(), containerId: containerIdFromCgroup(cgroup) };
        remaining--;
      }
    } catch {
      // The process exited while we looked: nothing to attribute.
    }
  });
  return owners;
}

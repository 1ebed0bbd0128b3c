import { readdir, readFile, readlink } from 'node:fs/promises';
import { mapLimit } from '../util/concurrency';
import {
  containerIdFromMountinfo,
  isProcVisible,
  type NetnsFacts,
  type NetnsTarget,
  NOT_RUNNING,
  type NsIdentity,
  pickHost,
  type SocketOwner,
  type SocketRead,
  tableKeyForInode,
} from './facts';
import {
  containerIdFromCgroup,
  type ProcNetTables,
  parseNsLink,
  parseProcNetTables,
  parseSocketLink,
} from './procNet';

/**
 * The /proc path: readlink /proc/<pid>/ns/net for identity, /proc/<pid>/net/{tcp,tcp6,udp,udp6}
 * for listeners (1.5–2 ms a read, whatever the namespace holds), /proc/<pid>/fd for owners.
 * Used when the netlink helper is not built or not permitted.
 */

const TABLE_FILES = ['tcp', 'tcp6', 'udp', 'udp6'] as const;
const IO_CONCURRENCY = 4;
const MAX_FDS_PER_PROCESS = 8192;

export function errMsg(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e) return String((e as { code: unknown }).code);
  return e instanceof Error ? e.message : String(e);
}

async function readNsInode(procPath: string): Promise<number | null> {
  return parseNsLink(await readlink(`${procPath}/ns/net`));
}

/** The four socket tables as seen from one process's netns. A missing table (no IPv6) is empty. */
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
  if (!target.pid) return NOT_RUNNING;
  try {
    const owner = containerIdFromCgroup(await readFile(`/proc/${target.pid}/cgroup`, 'utf8'));
    if (owner !== null && owner !== target.id) {
      return {
        inode: null,
        source: 'unavailable',
        error: `/proc/${target.pid} is another process (separate PID namespace)`,
      };
    }
    return {
      inode: await readNsInode(`/proc/${target.pid}`),
      source: 'proc',
      confirmed: owner === target.id,
    };
  } catch (e) {
    // ENOENT: exited since inspect, or a PID namespace that hides it; EACCES: no privilege.
    return { inode: null, source: 'unavailable', error: `cannot read /proc/${target.pid}: ${errMsg(e)}` };
  }
}

/** comm, except where a runtime renamed its main thread (Node 24: "MainThread"): then the exe's name. */
async function processName(pid: number): Promise<string> {
  const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim();
  if (comm !== 'MainThread') return comm;
  const exe = await readlink(`/proc/${pid}/exe`).catch(() => '');
  return exe ? (exe.split('/').pop() ?? comm).replace(/ \(deleted\)$/, '') : comm;
}

/** Reachmap's own container id, when it runs in one. */
export async function readSelfContainerId(): Promise<string | null> {
  return containerIdFromMountinfo(await readFile('/proc/self/mountinfo', 'utf8').catch(() => ''));
}

export async function readViaProc(targets: NetnsTarget[], withOwners: boolean): Promise<NetnsFacts> {
  const [selfInode, pid1Inode, ids, selfContainer] = await Promise.all([
    readNsInode('/proc/self').catch(() => null),
    readNsInode('/proc/1').catch(() => null),
    mapLimit(targets, IO_CONCURRENCY * 2, identifyContainerNs),
    readSelfContainerId(),
  ]);
  const containers: Record<string, NsIdentity> = {};
  targets.forEach((t, i) => {
    containers[t.id] = ids[i] as NsIdentity;
  });
  const { host, hostPid } = pickHost(selfInode, pid1Inode, targets, containers, selfContainer);

  // One read per namespace, through any process that lives in it.
  const reads: Array<{ key: string; proc: string }> = [];
  const seen = new Set<number>();
  if (host.inode !== null && hostPid !== null) {
    seen.add(host.inode);
    reads.push({
      key: tableKeyForInode(host.inode),
      proc: hostPid === process.pid ? '/proc/self' : `/proc/${hostPid}`,
    });
  }
  for (const t of targets) {
    const inode = containers[t.id]?.inode;
    if (inode != null && t.pid && !seen.has(inode)) {
      seen.add(inode);
      reads.push({ key: tableKeyForInode(inode), proc: `/proc/${t.pid}` });
    }
  }
  const tables: Record<string, SocketRead> = {};
  await mapLimit(reads, IO_CONCURRENCY, async ({ key, proc }) => {
    try {
      tables[key] = { sockets: parseProcNetTables(await readTables(proc)), source: 'proc' };
    } catch (e) {
      tables[key] = { sockets: [], source: 'unavailable', error: `cannot read ${proc}/net: ${errMsg(e)}` };
    }
  });
  const owners = withOwners ? await findSocketOwners(tables) : {};
  return { host, procVisible: isProcVisible(targets, containers), containers, tables, owners };
}

/** Socket inodes of every listening socket we read, per namespace inode. */
function wantedSockets(tables: Record<string, SocketRead>): Map<number, Set<number>> {
  const wanted = new Map<number, Set<number>>();
  for (const [key, read] of Object.entries(tables)) {
    if (!key.startsWith('inode:')) continue;
    const inodes = new Set(read.sockets.map((s) => s.inode).filter((i) => i > 0));
    if (inodes.size > 0) wanted.set(Number(key.slice(6)), inodes);
  }
  return wanted;
}

/**
 * Walk /proc once; each process whose netns has listeners gets its fds matched against
 * them. Stops as soon as every socket has an owner.
 */
export async function findSocketOwners(
  tables: Record<string, SocketRead>,
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
      const [name, cgroup] = await Promise.all([
        processName(pid),
        readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => ''),
      ]);
      const owner = { pid, name, containerId: containerIdFromCgroup(cgroup) };
      for (const sock of found) {
        if (owners[String(sock)]) continue;
        owners[String(sock)] = owner;
        remaining--;
      }
    } catch {
      // The process exited while we looked: nothing to attribute.
    }
  });
  return owners;
}

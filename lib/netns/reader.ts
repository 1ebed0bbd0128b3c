import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { FactSource } from '../model/topology';
import { mapLimit } from '../util/concurrency';
import { parseHelperOutput } from './helperOutput';
import {
  containerIdFromCgroup,
  type ProcNetTables,
  parseNsLink,
  parseProcNetTables,
  parseSocketLink,
  type RawSocket,
} from './procNet';

/**
 * The I/O edge for network namespaces: which netns each container's process lives in, the
 * listening sockets of each netns, and which process owns each socket. Returns raw facts;
 * lib/topology turns them into the model.
 *
 * Listeners come, in order of preference, from the netlink helper (native/, one process
 * for all namespaces), from /proc/<pid>/net/* (1.5–2 ms a read), or — when host /proc is
 * not visible — from `docker exec cat /proc/net/*` inside the container.
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
}

/** Reads a container's tables from inside it when host /proc is not visible (docker exec). */
export type ExecTableReader = (containerId: string) => Promise<ProcNetTables>;

export const tableKeyForInode = (inode: number) => `inode:${inode}`;
export const tableKeyForContainer = (id: string) => `exec:${id}`;

const TABLE_FILES = ['tcp', 'tcp6', 'udp', 'udp6'] as const;
const IO_CONCURRENCY = 4;
const MAX_FDS_PER_PROCESS = 8192;
const HELPER_TIMEOUT_MS = 10_000;
const HELPER_NAME = 'reachmap-netns-listeners';

function errMsg(e: unknown): string {
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

/** The built helper, when there is one (npm run build compiles it next to the server bundle). */
export function findHelper(): string | null {
  const candidates = [
    process.env.REACHMAP_NETNS_HELPER,
    path.resolve(import.meta.dirname, HELPER_NAME),
    path.resolve(import.meta.dirname, '..', '..', 'dist', HELPER_NAME),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null;
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

/**
 * comm is the process name, except where a runtime renames its main thread (Node 24
 * shows "MainThread"): then the executable's file name says more.
 */
async function processName(pid: number): Promise<string> {
  const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim();
  if (comm !== 'MainThread') return comm;
  const exe = await readlink(`/proc/${pid}/exe`).catch(() => '');
  return exe ? (exe.split('/').pop() ?? comm).replace(/ \(deleted\)$/, '') : comm;
}

async function describeOwner(pid: number): Promise<SocketOwner> {
  const [name, cgroup] = await Promise.all([
    processName(pid),
    readFile(`/proc/${pid}/cgroup`, 'utf8').catch(() => ''),
  ]);
  return { pid, name, containerId: containerIdFromCgroup(cgroup) };
}

interface NsRead {
  key: string;
  pid: number;
  proc: string;
}

/** Fast path: one helper process enters every namespace and asks netlink. null = unavailable. */
async function readWithHelper(
  helper: string,
  reads: NsRead[],
  tables: Record<string, SocketRead>,
  owners: Record<string, SocketOwner>,
): Promise<boolean> {
  let stdout: string;
  try {
    ({ stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile(
        helper,
        reads.map((r) => String(r.pid)),
        { timeout: HELPER_TIMEOUT_MS, maxBuffer: 64 << 20 },
        (err, out) => (err ? reject(err) : resolve({ stdout: out })),
      );
    }));
  } catch {
    return false; // not root, seccomp, or a broken build: the /proc path still works
  }
  const out = parseHelperOutput(stdout);
  if (
    out.namespaces.size === 0 &&
    out.errors.size === reads.length &&
    [...out.errors.values()].every((e) => e.startsWith('EPERM'))
  ) {
    return false;
  }
  for (const r of reads) {
    const ns = out.namespaces.get(r.pid);
    const err = out.errors.get(r.pid);
    tables[r.key] = ns
      ? { sockets: ns.sockets, source: 'netlink', ...(err ? { error: err } : {}) }
      : { sockets: [], source: 'unavailable', error: `netlink read of pid ${r.pid}: ${err ?? 'no answer'}` };
  }
  const pids = [...new Set(out.owners.values())];
  const described = new Map(
    await mapLimit(pids, IO_CONCURRENCY * 2, async (pid) => [pid, await describeOwner(pid)] as const),
  );
  for (const [sock, pid] of out.owners) {
    const o = described.get(pid);
    if (o) owners[String(sock)] = o;
  }
  return true;
}

export interface ReadNetnsOptions {
  /** Fallback when host /proc is not visible. */
  execTables?: ExecTableReader;
  /** Resolve the owning process of each socket. */
  owners?: boolean;
  /** The netlink helper's path; null forces the /proc path. Default: findHelper(). */
  helper?: string | null;
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
  // host's; the host's is then /proc/1's, readable only with `pid: host`. A host-network
  // container shares our netns when we run on the host; any other does not.
  const selfIsContainer =
    selfInode !== null && targets.some((t) => !t.hostMode && containers[t.id]?.inode === selfInode);
  let host: NsIdentity;
  let hostRead: NsRead | null = null;
  if (!selfIsContainer) {
    host = { inode: selfInode, source: selfInode === null ? 'unavailable' : 'proc' };
    if (selfInode !== null)
      hostRead = { key: tableKeyForInode(selfInode), pid: process.pid, proc: '/proc/self' };
  } else {
    const inode = await readNsInode('/proc/1').catch(() => null);
    host =
      inode === null || inode === selfInode
        ? {
            inode: null,
            source: 'unavailable',
            error: 'Reachmap runs in a container without pid: host; the host netns is not visible',
          }
        : { inode, source: 'proc' };
    if (host.inode !== null) hostRead = { key: tableKeyForInode(host.inode), pid: 1, proc: '/proc/1' };
  }

  // One read per namespace, through any process that lives in it.
  const reads: NsRead[] = hostRead ? [hostRead] : [];
  const seen = new Set(host.inode !== null ? [host.inode] : []);
  for (const t of targets) {
    const inode = containers[t.id]?.inode;
    if (inode != null && t.pid && !seen.has(inode)) {
      seen.add(inode);
      reads.push({ key: tableKeyForInode(inode), pid: t.pid, proc: `/proc/${t.pid}` });
    }
  }

  const tables: Record<string, SocketRead> = {};
  const owners: Record<string, SocketOwner> = {};
  const helper = opts.helper === undefined ? findHelper() : opts.helper;
  const viaHelper =
    reads.length > 0 && helper !== null && (await readWithHelper(helper, reads, tables, owners));
  if (!viaHelper) {
    await mapLimit(reads, IO_CONCURRENCY, async ({ key, proc }) => {
      try {
        tables[key] = { sockets: parseProcNetTables(await readTables(proc)), source: 'proc' };
      } catch (e) {
        tables[key] = { sockets: [], source: 'unavailable', error: `cannot read ${proc}/net: ${errMsg(e)}` };
      }
    });
    if (opts.owners !== false) Object.assign(owners, await findSocketOwners(tables));
  }

  // Fallback: containers whose netns could not be identified through /proc.
  const execTargets = targets.filter((t) => t.pid && containers[t.id]?.inode == null);
  await mapLimit(execTargets, IO_CONCURRENCY, async (t) => {
    const key = tableKeyForContainer(t.id);
    if (!opts.execTables) {
      tables[key] = {
        sockets: [],
        source: 'unavailable',
        error: 'host /proc not visible and no exec fallback configured',
      };
      return;
    }
    try {
      tables[key] = { sockets: parseProcNetTables(await opts.execTables(t.id)), source: 'exec' };
    } catch (e) {
      tables[key] = {
        sockets: [],
        source: 'unavailable',
        error: `docker exec cat /proc/net/*: ${errMsg(e)}`,
      };
    }
  });

  return { host, procVisible, containers, tables, owners: opts.owners === false ? {} : owners };
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
 * The /proc path's owner search: walk /proc once; each process whose netns has listeners
 * gets its fds matched against them. Stops as soon as every socket has an owner.
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
      const owner = await describeOwner(pid);
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

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findBuilt } from '../util/built';
import {
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
import { type HelperOutput, type HelperOwner, parseHelperOutput } from './helperOutput';
import { readSelfContainerId } from './procReader';

/**
 * The fast path: native/netns-listeners.c enters every namespace once and asks the kernel
 * over NETLINK_SOCK_DIAG — identities, listeners and owners in one short-lived process.
 */

const HELPER_NAME = 'reachmap-netns-listeners';
const HELPER_TIMEOUT_MS = 10_000;

/** The built helper, when there is one (npm run build compiles it next to the server bundle). */
export const findHelper = (): string | null => findBuilt(HELPER_NAME, 'REACHMAP_NETNS_HELPER');

function runHelper(helper: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(helper, args, { timeout: HELPER_TIMEOUT_MS, maxBuffer: 64 << 20 }, (err, out) =>
      resolve(err ? null : out),
    );
  });
}

/**
 * Holders of listening sockets found by earlier reads, by socket inode. Finding a holder
 * means walking /proc/<pid>/fd of every process in the namespace (dockerd's thousands of
 * fds included): most of a read's cost at 500 containers. A socket keeps its inode while it
 * lives and its holder rarely changes, so a known holder that is still alive is reused and
 * the helper skips that socket. Bounded: cleared when it grows past a host's worth.
 */
const knownOwners = new Map<number, HelperOwner>();
const KNOWN_OWNERS_MAX = 50_000;

/** Known holders still alive, as the helper's --known arguments; forgets the dead. */
export function knownArgs(cache: Map<number, HelperOwner>, alive: (pid: number) => boolean): string[] {
  const live: number[] = [];
  for (const [sock, o] of cache) {
    if (alive(o.pid)) live.push(sock);
    else cache.delete(sock);
  }
  // One argument holds at most 128 KiB (MAX_ARG_STRLEN): 10,000 inodes to an argument.
  const args: string[] = [];
  for (let i = 0; i < live.length; i += 10_000) args.push(`--known=${live.slice(i, i + 10_000).join(',')}`);
  return args;
}

/** The helper's owners plus the known ones of the sockets it reported; remembers the new. */
export function mergeKnownOwners(out: HelperOutput, cache: Map<number, HelperOwner>): HelperOutput {
  if (cache.size > KNOWN_OWNERS_MAX) cache.clear();
  for (const [sock, o] of out.owners) cache.set(sock, o);
  const owners = new Map(out.owners);
  for (const sockets of out.sockets.values())
    for (const s of sockets) {
      const o = cache.get(s.inode);
      if (o && !owners.has(s.inode)) owners.set(s.inode, o);
    }
  return { ...out, owners };
}

/** Helper output → facts. Pure, so the decisions are testable without root. */
export function factsFromHelper(
  targets: NetnsTarget[],
  out: HelperOutput,
  selfPid: number,
  withOwners = true,
  selfContainerId: string | null = null,
): NetnsFacts {
  const containers: Record<string, NsIdentity> = {};
  for (const t of targets) {
    if (!t.pid) {
      containers[t.id] = NOT_RUNNING;
      continue;
    }
    const p = out.pids.get(t.pid);
    if (!p)
      containers[t.id] = {
        inode: null,
        source: 'unavailable',
        error: `cannot read /proc/${t.pid}: ${out.errors.get(t.pid) ?? 'no answer'}`,
      };
    else if (p.containerId !== null && p.containerId !== t.id)
      containers[t.id] = {
        inode: null,
        source: 'unavailable',
        error: `/proc/${t.pid} is another process (separate PID namespace)`,
      };
    else containers[t.id] = { inode: p.inode, source: 'proc' };
  }
  const { host } = pickHost(
    out.pids.get(selfPid)?.inode ?? null,
    out.pids.get(1)?.inode ?? null,
    targets,
    containers,
    selfContainerId,
  );

  // A namespace the helper could not enter says so through the error of a pid in it.
  const errorOf = (inode: number) => {
    for (const [pid, p] of out.pids) if (p.inode === inode && out.errors.has(pid)) return out.errors.get(pid);
    return undefined;
  };
  const tables: Record<string, SocketRead> = {};
  const inodes = new Set<number>();
  if (host.inode !== null) inodes.add(host.inode);
  for (const c of Object.values(containers)) if (c.inode !== null) inodes.add(c.inode);
  for (const inode of inodes) {
    const err = errorOf(inode);
    const sockets = out.sockets.get(inode);
    tables[tableKeyForInode(inode)] =
      sockets || !err
        ? { sockets: sockets ?? [], source: 'netlink', ...(err ? { error: err } : {}) }
        : { sockets: [], source: 'unavailable', error: `netlink: ${err}` };
  }
  const owners: Record<string, SocketOwner> = {};
  if (withOwners) for (const [sock, o] of out.owners) owners[String(sock)] = o;
  return { host, procVisible: isProcVisible(targets, containers), containers, tables, owners };
}

/** null when the helper cannot do the job here (missing capability, broken build): use /proc. */
export async function readViaHelper(
  helper: string,
  targets: NetnsTarget[],
  withOwners: boolean,
  withHost = true,
): Promise<NetnsFacts | null> {
  const own = targets.map((t) => t.pid).filter((p): p is number => !!p);
  const pids = [...new Set([...(withHost ? [process.pid, 1] : []), ...own])];
  // Nothing to enter (only stopped containers changed): an empty read, not a failed one.
  const known = withOwners ? knownArgs(knownOwners, (pid) => existsSync(`/proc/${pid}`)) : [];
  const args = [...known, ...pids.map(String)];
  const text = pids.length === 0 ? '' : await runHelper(helper, args);
  if (text === null) return null;
  const parsed = parseHelperOutput(text);
  const out = withOwners ? mergeKnownOwners(parsed, knownOwners) : parsed;
  const setnsDenied = [...out.errors.values()].some(
    (e) => e.startsWith('EPERM') || e.startsWith('EACCES (setns'),
  );
  if (out.sockets.size === 0 && setnsDenied) return null;
  const selfContainer = await readSelfContainerId();
  return factsFromHelper(targets, out, process.pid, withOwners, selfContainer);
}

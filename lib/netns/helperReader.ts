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
 * What earlier reads learnt about who holds each listening socket, by socket inode. Finding
 * a holder means walking /proc/<pid>/fd of every process in the namespaces read (dockerd's
 * thousands of fds included): most of a read's cost at 500 containers. A socket keeps its
 * inode while it lives and its holder rarely changes, so the helper skips:
 * - sockets whose holder is known and still alive;
 * - sockets no walk could attribute (the embedded DNS listeners of every user network, held
 *   from outside their namespace), for a while: without this, one such socket sends every
 *   read through every fd again.
 */
export class HolderMemory {
  private owners = new Map<number, HelperOwner>();
  /** Socket inode → when a walk last failed to find its holder. */
  private unowned = new Map<number, number>();

  constructor(
    private readonly retryUnownedMs = 5 * 60_000,
    private readonly max = 50_000,
  ) {}

  /** The helper's --known arguments (one argument holds at most 128 KiB: 10,000 inodes each). */
  args(alive: (pid: number) => boolean, now = Date.now()): string[] {
    // Over the cap: forget all now, before the helper is told to skip anything.
    if (this.owners.size + this.unowned.size > this.max) {
      this.owners.clear();
      this.unowned.clear();
    }
    const skip: number[] = [];
    for (const [sock, o] of this.owners) {
      if (alive(o.pid)) skip.push(sock);
      else this.owners.delete(sock);
    }
    for (const [sock, at] of this.unowned) {
      if (now - at < this.retryUnownedMs) skip.push(sock);
      else this.unowned.delete(sock);
    }
    const args: string[] = [];
    for (let i = 0; i < skip.length; i += 10_000) args.push(`--known=${skip.slice(i, i + 10_000).join(',')}`);
    return args;
  }

  /** The helper's holders plus the remembered ones of the sockets it reported; learns the rest. */
  merge(out: HelperOutput, now = Date.now(), walkedHost = true): HelperOutput {
    for (const [sock, o] of out.owners) {
      this.owners.set(sock, o);
      this.unowned.delete(sock);
    }
    const owners = new Map(out.owners);
    for (const sockets of out.sockets.values())
      for (const s of sockets) {
        if (owners.has(s.inode)) continue;
        const o = this.owners.get(s.inode);
        if (o) owners.set(s.inode, o);
        // Only a walk that included the host's processes (dockerd holds the embedded DNS
        // listeners) may conclude that nobody can be found.
        else if (walkedHost && !this.unowned.has(s.inode)) this.unowned.set(s.inode, now);
      }
    return { ...out, owners };
  }
}

const holders = new HolderMemory();

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
    else containers[t.id] = { inode: p.inode, source: 'proc', confirmed: p.containerId === t.id };
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
  const known = withOwners ? holders.args((pid) => existsSync(`/proc/${pid}`)) : ['--no-owners'];
  const args = [...known, ...pids.map(String)];
  const text = pids.length === 0 ? '' : await runHelper(helper, args);
  if (text === null) return null;
  const parsed = parseHelperOutput(text);
  const out = withOwners ? holders.merge(parsed, Date.now(), withHost) : parsed;
  const setnsDenied = [...out.errors.values()].some(
    (e) => e.startsWith('EPERM') || e.startsWith('EACCES (setns'),
  );
  if (out.sockets.size === 0 && setnsDenied) return null;
  const selfContainer = await readSelfContainerId();
  return factsFromHelper(targets, out, process.pid, withOwners, selfContainer);
}

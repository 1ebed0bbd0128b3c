import { execFile } from 'node:child_process';
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
import { type HelperOutput, parseHelperOutput } from './helperOutput';
import { readSelfContainerId } from './procReader';

/**
 * The fast path: native/netns-listeners.c enters every namespace once and asks the kernel
 * over NETLINK_SOCK_DIAG — identities, listeners and owners in one short-lived process.
 */

const HELPER_NAME = 'reachmap-netns-listeners';
const HELPER_TIMEOUT_MS = 10_000;

/** The built helper, when there is one (npm run build compiles it next to the server bundle). */
export const findHelper = (): string | null => findBuilt(HELPER_NAME, 'REACHMAP_NETNS_HELPER');

function runHelper(helper: string, pids: number[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(helper, pids.map(String), { timeout: HELPER_TIMEOUT_MS, maxBuffer: 64 << 20 }, (err, out) =>
      resolve(err ? null : out),
    );
  });
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
  const text = pids.length === 0 ? '' : await runHelper(helper, pids);
  if (text === null) return null;
  const out = parseHelperOutput(text);
  const setnsDenied = [...out.errors.values()].some(
    (e) => e.startsWith('EPERM') || e.startsWith('EACCES (setns'),
  );
  if (out.sockets.size === 0 && setnsDenied) return null;
  const selfContainer = await readSelfContainerId();
  return factsFromHelper(targets, out, process.pid, withOwners, selfContainer);
}

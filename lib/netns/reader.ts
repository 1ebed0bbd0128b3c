import { mapLimit } from '../util/concurrency';
import type { ExecTableReader, NetnsFacts, NetnsTarget } from './facts';
import { settleKernel, tableKeyForContainer } from './facts';
import { findHelper, readViaHelper } from './helperReader';
import { parseProcNetTables } from './procNet';
import { errMsg, readViaProc } from './procReader';

/**
 * The I/O edge for network namespaces: which netns each container's process lives in, the
 * listening sockets of each netns, and which process owns each socket.
 *
 * Listeners come, in order of preference, from the netlink helper (native/, one process
 * for all namespaces), from /proc/<pid>/net/*, or — for containers whose process is not
 * visible in our /proc — from `docker exec cat /proc/net/*` inside the container.
 */

export type { ExecTableReader, NetnsFacts, NetnsTarget, NsIdentity, SocketOwner, SocketRead } from './facts';
export { tableKeyForContainer, tableKeyForInode } from './facts';
export { findHelper } from './helperReader';
export { readTables } from './procReader';

export interface ReadNetnsOptions {
  /** Fallback when host /proc is not visible. */
  execTables?: ExecTableReader;
  /** Resolve the owning process of each socket (default true). */
  owners?: boolean;
  /** The netlink helper's path; null forces the /proc path. Default: findHelper(). */
  helper?: string | null;
  /**
   * Also read the host's own namespace (default true). Its socket owners are found by walking
   * the fds of every host process — on a host with hundreds of containers most of a read's
   * cost — so event-driven reads of a few containers leave it to the periodic refresh.
   */
  host?: boolean;
}

export async function readNetnsFacts(
  targets: NetnsTarget[],
  opts: ReadNetnsOptions = {},
): Promise<NetnsFacts> {
  const withOwners = opts.owners !== false;
  const helper = opts.helper === undefined ? findHelper() : opts.helper;
  const facts = settleKernel(
    (helper ? await readViaHelper(helper, targets, withOwners, opts.host !== false) : null) ??
      (await readViaProc(targets, withOwners)),
    targets,
  );

  const execTargets = targets.filter((t) => t.pid && facts.containers[t.id]?.inode == null);
  await mapLimit(execTargets, 4, async (t) => {
    const key = tableKeyForContainer(t.id);
    if (!opts.execTables) {
      facts.tables[key] = {
        sockets: [],
        source: 'unavailable',
        error: 'host /proc not visible and no exec fallback configured',
      };
      return;
    }
    try {
      facts.tables[key] = { sockets: parseProcNetTables(await opts.execTables(t.id)), source: 'exec' };
    } catch (e) {
      facts.tables[key] = {
        sockets: [],
        source: 'unavailable',
        error: `docker exec cat /proc/net/*: ${errMsg(e)}`,
      };
    }
  });
  return facts;
}

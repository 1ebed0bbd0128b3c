import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type JsonGetter, keepAliveGetter } from '../lib/docker/keepAliveGet';
import { findHelper } from '../lib/netns/helperReader';
import { mapLimit } from '../lib/util/concurrency';

/**
 * The floor of a full scan, as issue 13 defines it: the raw API (keep-alive, 32 inspects in
 * flight, no validation, no model) plus a LISTEN-only netlink dump of every namespace (no
 * socket holders). Reachmap's warm scan is compared with their sum, measured in the same run.
 */

const execFileP = promisify(execFile);

/** list + every inspect (32 in flight) + networks; returns the running containers' pids. */
const getters = new Map<string, JsonGetter>();

export async function rawApiScan(socketPath = '/var/run/docker.sock'): Promise<number[]> {
  // One pool per socket for the whole run: the connections stay warm between runs.
  const raw =
    getters.get(socketPath) ?? keepAliveGetter({ kind: 'unix', socketPath, display: socketPath }, 30_000, 32);
  if (!raw) throw new Error('unreachable: a unix socket is always served');
  getters.set(socketPath, raw);
  const list = (await raw.get('/containers/json?all=1')) as Array<{ Id: string }>;
  const [inspected] = await Promise.all([
    mapLimit(list, 32, (c) => raw.get(`/containers/${c.Id}/json`) as Promise<{ State: { Pid: number } }>),
    raw.get('/networks'),
  ]);
  return inspected.map((c) => c.State.Pid).filter((p) => p > 0);
}

/** The helper's namespaces and LISTEN sockets, without looking for their holders. */
export async function netlinkDump(pids: number[]): Promise<void> {
  const helper = findHelper();
  if (!helper) throw new Error('the netlink helper is not built (npm run build)');
  await execFileP(helper, ['--no-owners', String(process.pid), ...pids.map(String)], { maxBuffer: 64 << 20 });
}

import { execFile } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import { findHelper } from '../lib/netns/helperReader';
import { mapLimit } from '../lib/util/concurrency';

/**
 * The floor of a full scan, as issue 13 defines it: the raw API (keep-alive, 32 inspects in
 * flight, no validation, no model) plus a LISTEN-only netlink dump of every namespace (no
 * socket holders). Reachmap's warm scan is compared with their sum, measured in the same run.
 */

const execFileP = promisify(execFile);
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

function get(socketPath: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath, path, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** list + every inspect (32 in flight) + networks; returns the running containers' pids. */
export async function rawApiScan(socketPath = '/var/run/docker.sock'): Promise<number[]> {
  const list = (await get(socketPath, '/containers/json?all=1')) as Array<{ Id: string }>;
  const [inspected] = await Promise.all([
    mapLimit(
      list,
      32,
      (c) => get(socketPath, `/containers/${c.Id}/json`) as Promise<{ State: { Pid: number } }>,
    ),
    get(socketPath, '/networks'),
  ]);
  return inspected.map((c) => c.State.Pid).filter((p) => p > 0);
}

/** The helper's namespaces and LISTEN sockets, without looking for their holders. */
export async function netlinkDump(pids: number[]): Promise<void> {
  const helper = findHelper();
  if (!helper) throw new Error('the netlink helper is not built (npm run build)');
  await execFileP(helper, ['--no-owners', String(process.pid), ...pids.map(String)], { maxBuffer: 64 << 20 });
}

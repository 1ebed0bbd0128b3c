import { readFile } from 'node:fs/promises';
import { parseResolvConf } from './agent/dns';
import type { ResolverConfig } from './agent/protocol';

/**
 * The initiator's own /etc/hosts and resolv.conf. `nsenter -n` changes only the network
 * namespace, so the agent cannot read them itself: they come from the initiator's root
 * (/proc/<pid>/root/etc/…), which Docker bind-mounts per container.
 */
export async function readResolverConfig(
  procRoot: string,
): Promise<{ config: ResolverConfig; source: string }> {
  const [hosts, resolv] = await Promise.all([
    readFile(`${procRoot}/etc/hosts`, 'utf8').catch(() => null),
    readFile(`${procRoot}/etc/resolv.conf`, 'utf8').catch(() => null),
  ]);
  const parsed = parseResolvConf(resolv ?? '');
  return {
    config: { hosts: hosts ?? '', ...parsed },
    source: `${procRoot}/etc/{hosts,resolv.conf}${hosts === null || resolv === null ? ' (partly unreadable: defaults used)' : ''}`,
  };
}

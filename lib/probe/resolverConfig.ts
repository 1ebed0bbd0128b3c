import type { Container } from '../model/topology';
import { readFileInRoot, readHostFile } from '../util/safeRead';
import { parseResolvConf } from './agent/dns';
import type { ResolverConfig } from './agent/protocol';

/**
 * The initiator's own /etc/hosts and resolv.conf. `nsenter -n` changes only the network
 * namespace, so the agent cannot read them itself. For a container they come from the files
 * Docker manages on the host (HostsPath/ResolvConfPath — not writable as symlinks by the
 * container) — through pid 1's root when Reachmap runs in a container of its own (pid: host);
 * for the host, from its own /etc (or pid 1's root when Reachmap is containerised).
 */
export async function readResolverConfig(
  c: Container | null,
  hostRoot: string,
): Promise<{ config: ResolverConfig; source: string; complete: boolean }> {
  const read = (p: Promise<string>) => p.catch(() => null);
  const managed = (file: string) =>
    read(readHostFile(file).catch(() => readFileInRoot('/proc/1/root', file)));
  let hosts: string | null;
  let resolv: string | null;
  let source: string;
  if (c?.hostsPath && c.resolvConfPath) {
    [hosts, resolv] = await Promise.all([managed(c.hostsPath), managed(c.resolvConfPath)]);
    source = `Docker-managed ${c.hostsPath} and ${c.resolvConfPath}`;
    // A sidecar whose owner was removed still points at the owner's (deleted) files.
    if ((hosts === null || resolv === null) && c.pid) {
      const root = `/proc/${c.pid}/root`;
      hosts ??= await read(readFileInRoot(root, '/etc/hosts'));
      resolv ??= await read(readFileInRoot(root, '/etc/resolv.conf'));
      source = `${c.name}'s /etc/hosts and /etc/resolv.conf (the Docker-managed copies are gone or unreadable)`;
    }
  } else if (c?.pid) {
    const root = `/proc/${c.pid}/root`;
    [hosts, resolv] = await Promise.all([
      read(readFileInRoot(root, '/etc/hosts')),
      read(readFileInRoot(root, '/etc/resolv.conf')),
    ]);
    source = `${c.name}'s /etc/hosts and /etc/resolv.conf`;
  } else {
    [hosts, resolv] = await Promise.all([
      read(readFileInRoot(hostRoot, '/etc/hosts')),
      read(readFileInRoot(hostRoot, '/etc/resolv.conf')),
    ]);
    source = `the host's /etc/hosts and /etc/resolv.conf`;
  }
  const parsed = parseResolvConf(resolv ?? '');
  return {
    complete: hosts !== null && resolv !== null,
    config: { hosts: hosts ?? '', ...parsed },
    source: `${source}${hosts === null || resolv === null ? ' (partly unreadable: glibc defaults used)' : ''}`,
  };
}

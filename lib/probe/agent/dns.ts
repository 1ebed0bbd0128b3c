import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { DnsStep } from '../../model/probe';
import type { ResolverConfig } from './protocol';

/**
 * Name resolution the initiator's way: its own /etc/hosts first, then the nameservers and
 * search domains of its resolv.conf (Docker's 127.0.0.11 on user-defined networks),
 * queried from inside its namespace. NXDOMAIN, SERVFAIL, refusal and timeout stay apart.
 */

/** The resolver files of the place the agent runs in (see ResolverConfig.fromAgentFiles). */
export async function ownResolverConfig(): Promise<ResolverConfig> {
  const read = (f: string) => readFile(f, 'utf8').catch(() => '');
  const [hosts, resolv] = await Promise.all([read('/etc/hosts'), read('/etc/resolv.conf')]);
  return { hosts, ...parseResolvConf(resolv) };
}

export function parseHosts(content: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const raw of content.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const [addr, ...names] = line.split(/\s+/);
    if (!addr || isIP(addr) === 0) continue;
    for (const n of names) {
      const k = n.toLowerCase();
      const list = map.get(k) ?? [];
      if (!list.includes(addr)) list.push(addr);
      map.set(k, list);
    }
  }
  return map;
}

export function parseResolvConf(content: string): Omit<ResolverConfig, 'hosts'> {
  const nameservers: string[] = [];
  let search: string[] = [];
  let ndots = 1;
  for (const raw of content.split('\n')) {
    const line = raw.replace(/[#;].*/, '').trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0] && isIP(rest[0]) !== 0) nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') search = rest.filter(Boolean);
    else if (key === 'options') {
      for (const o of rest) {
        const m = /^ndots:(\d+)$/.exec(o);
        if (m) ndots = Math.min(15, Number(m[1]));
      }
    }
  }
  // glibc's default when resolv.conf names no server.
  return { nameservers: nameservers.length ? nameservers : ['127.0.0.1'], search, ndots };
}

/** The names the resolver will try, in order (resolv.conf(5): ndots and search). */
export function candidates(name: string, search: string[], ndots: number): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const withSearch = search.map((s) => `${name}.${s}`);
  return dots >= ndots ? [name, ...withSearch] : [...withSearch, name];
}

const RCODE: Record<string, string> = {
  ENOTFOUND: 'NXDOMAIN',
  ENODATA: 'NODATA',
  ESERVFAIL: 'SERVFAIL',
  ETIMEOUT: 'TIMEOUT',
  ECONNREFUSED: 'REFUSED (nameserver port closed)',
  EREFUSED: 'REFUSED',
  ECANCELLED: 'TIMEOUT',
};

/**
 * c-ares reports every failed send as ECONNREFUSED. A UDP connect() sends nothing and asks
 * the kernel for a route, telling "no route to the nameserver" (network_mode none: only
 * loopback, yet a resolv.conf copied from the host) apart from a closed port.
 */
export function routeError(server: string): Promise<string | null> {
  return new Promise((resolve) => {
    const sock = createSocket(isIP(server) === 6 ? 'udp6' : 'udp4');
    let settled = false;
    const done = (e: unknown) => {
      if (settled) return;
      settled = true;
      sock.close();
      resolve(e ? String((e as { code?: string }).code ?? 'ERROR') : null);
    };
    sock.once('error', done);
    // Node hands a connect error to this callback (its typings say it takes no argument).
    sock.connect(53, server, (...args: unknown[]) => done(args[0]));
  });
}

export async function resolveLikeInitiator(
  host: string,
  cfg: ResolverConfig,
  timeoutMs: number,
): Promise<Omit<DnsStep, 'ms' | 'at' | 'kind'>> {
  const base = { query: host, nameservers: cfg.nameservers };
  if (isIP(host) !== 0) return { ...base, ok: true, tried: [host], source: 'literal', addresses: [host] };

  const hosts = parseHosts(cfg.hosts);
  const fromHosts = hosts.get(host.toLowerCase().replace(/\.$/, ''));
  if (fromHosts?.length) {
    const sorted = [...fromHosts].sort((a, b) => isIP(a) - isIP(b));
    return {
      ...base,
      ok: true,
      tried: [host],
      source: 'hosts',
      addresses: sorted,
      note: 'answered by the initiator’s /etc/hosts',
    };
  }

  const names = candidates(host, cfg.search, cfg.ndots);
  const tried: string[] = [];
  let worst: string | null = null;
  // Each name gets the servers in order, like glibc with attempts:1.
  const perQuery = Math.max(300, Math.floor(timeoutMs / Math.max(1, names.length)));
  for (const name of names) {
    tried.push(name);
    for (const server of cfg.nameservers) {
      const r = new Resolver({ timeout: perQuery, tries: 1 });
      r.setServers([server]);
      const [a, aaaa] = await Promise.allSettled([r.resolve4(name), r.resolve6(name)]);
      const addrs = [
        ...(a.status === 'fulfilled' ? a.value : []),
        ...(aaaa.status === 'fulfilled' ? aaaa.value : []),
      ];
      if (addrs.length) return { ...base, ok: true, tried, source: 'dns', server, addresses: addrs };
      const code = [a, aaaa].map((x) =>
        x.status === 'rejected' ? String((x.reason as { code?: string }).code ?? 'ERROR') : 'ENODATA',
      );
      // NXDOMAIN on either family means the name does not exist for this server.
      let rcode = code.includes('ENOTFOUND') ? 'NXDOMAIN' : (RCODE[code[0] as string] ?? code[0] ?? 'ERROR');
      if (code[0] === 'ECONNREFUSED') {
        const unreachable = await routeError(server);
        if (unreachable === 'ENETUNREACH' || unreachable === 'EHOSTUNREACH')
          rcode = `${unreachable} (no route to the nameserver)`;
      }
      worst = rcode;
      // A server that answered (NXDOMAIN/NODATA) is authoritative for this name: next name.
      if (rcode === 'NXDOMAIN' || rcode === 'NODATA') break;
    }
  }
  return {
    ...base,
    ok: false,
    tried,
    source: 'none',
    addresses: [],
    error: worst ?? 'NXDOMAIN',
    note: `no address for ${host} from ${cfg.nameservers.join(', ')} (tried ${tried.join(', ')})`,
  };
}

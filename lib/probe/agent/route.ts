import { readFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';

/**
 * The route this namespace takes to an address, and the MTU of its interface, read from
 * /proc/self/net and /proc/sys/net: both answer for the namespace the agent runs in
 * (nsenter -n, a container, a helper sharing one), unlike /sys/class/net, which shows the
 * namespace that mounted sysfs. Node's os.networkInterfaces() has no MTU.
 */

export interface Route {
  interface: string;
  gateway: string | null;
  /** The table's MTU column (advmss + 40 when set, else 0): not used for the path. */
  mtu: number;
}

const hexToIPv4LE = (h: string) => [6, 4, 2, 0].map((i) => Number.parseInt(h.slice(i, i + 2), 16)).join('.');

function ipv4ToInt(a: string): number {
  return a.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
}

/** Longest-prefix match over /proc/net/route (IPv4; fields are little-endian hex). */
export function routeV4(table: string, address: string): Route | null {
  const target = ipv4ToInt(address);
  let best: { len: number; metric: number; route: Route } | null = null;
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 11) continue;
    const [iface, dest, gw, flags, , , metric, mask, mtu] = f as [string, ...string[]];
    if ((Number.parseInt(flags as string, 16) & 1) === 0) continue; // RTF_UP
    const m = ipv4ToInt(hexToIPv4LE(mask as string));
    if ((target & m) >>> 0 !== ipv4ToInt(hexToIPv4LE(dest as string))) continue;
    const len = m.toString(2).replace(/0/g, '').length;
    const met = Number(metric);
    if (best && (len < best.len || (len === best.len && met >= best.metric))) continue;
    const gateway = hexToIPv4LE(gw as string);
    best = {
      len,
      metric: met,
      route: { interface: iface, gateway: gateway === '0.0.0.0' ? null : gateway, mtu: Number(mtu) || 0 },
    };
  }
  return best?.route ?? null;
}

function ipv6Bits(a: string): string {
  // Expand "::" and turn the address into 128 bits.
  const [head = '', tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups
    .map((g) =>
      Number.parseInt(g || '0', 16)
        .toString(2)
        .padStart(16, '0'),
    )
    .join('');
}

const hexBits = (h: string) =>
  h
    .split('')
    .map((c) => Number.parseInt(c, 16).toString(2).padStart(4, '0'))
    .join('');

function hexToIPv6(h: string): string {
  const groups = (h.match(/.{4}/g) ?? []).map((g) => Number.parseInt(g, 16).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Longest-prefix match over /proc/net/ipv6_route (skips the loopback "lo" default entries). */
export function routeV6(table: string, address: string): Route | null {
  const target = ipv6Bits(address.replace(/%.*$/, ''));
  let best: { len: number; metric: number; route: Route } | null = null;
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [dest, plen, , , nexthop, metric, , , flags, iface] = f as string[];
    const len = Number.parseInt(plen as string, 16);
    if ((Number.parseInt(flags as string, 16) & 1) === 0) continue;
    if (hexBits(dest as string).slice(0, len) !== target.slice(0, len)) continue;
    // The kernel lists unreachable catch-alls on lo; they are not a way out.
    if (iface === 'lo' && len === 0) continue;
    const met = Number.parseInt(metric as string, 16);
    if (best && (len < best.len || (len === best.len && met >= best.metric))) continue;
    const gateway = /^0+$/.test(nexthop as string) ? null : hexToIPv6(nexthop as string);
    best = { len, metric: met, route: { interface: iface as string, gateway, mtu: 0 } };
  }
  return best?.route ?? null;
}

/** An interface's MTU in this namespace: IPv6's per-interface copy of it, which follows the link's. */
async function interfaceMtu(name: string): Promise<number | null> {
  if (!/^[\w.@-]{1,15}$/.test(name)) return null;
  const text = await readFile(`/proc/sys/net/ipv6/conf/${name}/mtu`, 'utf8').catch(() => '');
  const n = Number(text.trim());
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * How this namespace reaches `address`: the interface that holds `localAddress` (the source
 * the kernel chose for the connection, so policy routing — wg-quick, Tailscale — is
 * followed), its MTU, and the gateway of the main table's route (null when direct or unknown).
 */
export async function routeTo(
  address: string,
  localAddress: string,
): Promise<{ interface: string; mtu: number | null; gateway: string | null } | null> {
  const v6 = net.isIPv6(address) && !address.startsWith('::ffff:');
  const plain = address.replace(/^::ffff:/, '');
  const local = localAddress.replace(/^::ffff:/, '').replace(/%.*$/, '');
  const table = await readFile(v6 ? '/proc/self/net/ipv6_route' : '/proc/self/net/route', 'utf8').catch(
    () => '',
  );
  const r = v6 ? routeV6(table, plain) : routeV4(table, plain);
  const byAddress = Object.entries(os.networkInterfaces()).find(([, list]) =>
    (list ?? []).some((a) => a.address.replace(/%.*$/, '') === local),
  )?.[0];
  const iface = byAddress ?? r?.interface;
  if (!iface) return null;
  // The main table's gateway belongs to its own interface only.
  const gateway = r && r.interface === iface ? r.gateway : null;
  return { interface: iface, mtu: await interfaceMtu(iface), gateway };
}

import { isLoopbackAddress } from '../util/address';
/**
 * Pure parsers for /proc/<pid>/net/{tcp,tcp6,udp,udp6} and related /proc text.
 * Kept free of I/O so they can be fuzzed and tested on recorded tables.
 */

export interface RawSocket {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  address: string;
  port: number;
  state: number;
  inode: number;
  /** IPV6_V6ONLY on an IPv6 socket (from sock_diag); undefined when the source cannot tell (/proc). */
  v6only?: boolean;
}

/** TCP_LISTEN in the kernel's state enum. */
const TCP_LISTEN = 0x0a;
/** TCP_CLOSE: an unconnected UDP socket shows this state. */
const TCP_CLOSE = 0x07;

/** /proc stores each 32-bit word of an address in host (little-endian) byte order. */
function wordToBytes(hex: string): number[] {
  const n = Number.parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

export function decodeIPv4(hex: string): string | null {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return null;
  return wordToBytes(hex).join('.');
}

export function decodeIPv6(hex: string): string | null {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return null;
  const bytes: number[] = [];
  for (let i = 0; i < 32; i += 8) bytes.push(...wordToBytes(hex.slice(i, i + 8)));
  return formatIPv6(bytes);
}

/** RFC 5952 text form; IPv4-mapped addresses keep their dotted tail (::ffff:127.0.0.1). */
export function formatIPv6(bytes: number[]): string {
  const isMapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isMapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // Longest run of two or more zero groups becomes "::".
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${tail}`;
}

/**
 * Parse one /proc/net table. Only sockets that accept traffic are returned:
 * TCP in LISTEN, UDP unconnected (remote 0:0, state CLOSE).
 */
export function parseProcNetTable(text: string, protocol: 'tcp' | 'udp', family: 4 | 6): RawSocket[] {
  const out: RawSocket[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    const f = line.split(/\s+/);
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode …
    if (f.length < 10) continue;
    const [localAddr, localPort] = (f[1] ?? '').split(':');
    const [, remPort] = (f[2] ?? '').split(':');
    // The kernel writes fixed shapes: 4 hex digits of port, 2 of state, a decimal inode.
    if (!/^[0-9A-Fa-f]{2}$/.test(f[3] ?? '') || !/^\d{1,20}$/.test(f[9] ?? '')) continue;
    if (!/^[0-9A-Fa-f]{4}$/.test(localPort ?? '')) continue;
    const state = Number.parseInt(f[3] as string, 16);
    const inode = Number(f[9]);
    if (!localAddr || !localPort || !Number.isSafeInteger(inode)) continue;
    if (protocol === 'tcp' && state !== TCP_LISTEN) continue;
    if (protocol === 'udp' && (state !== TCP_CLOSE || remPort !== '0000')) continue;
    const address = family === 4 ? decodeIPv4(localAddr) : decodeIPv6(localAddr);
    const port = Number.parseInt(localPort, 16);
    if (address === null || Number.isNaN(port)) continue;
    out.push({ protocol, family, address, port, state, inode });
  }
  return out;
}

export interface ProcNetTables {
  tcp?: string;
  tcp6?: string;
  udp?: string;
  udp6?: string;
}

/** All accepting sockets of one namespace, de-duplicated by inode. */
export function parseProcNetTables(tables: ProcNetTables): RawSocket[] {
  const all = [
    ...parseProcNetTable(tables.tcp ?? '', 'tcp', 4),
    ...parseProcNetTable(tables.tcp6 ?? '', 'tcp', 6),
    ...parseProcNetTable(tables.udp ?? '', 'udp', 4),
    ...parseProcNetTable(tables.udp6 ?? '', 'udp', 6),
  ];
  const seen = new Set<string>();
  return all.filter((s) => {
    const k = `${s.protocol}/${s.family}/${s.address}/${s.port}/${s.inode}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `net:[4026532184]` → 4026532184 */
export function parseNsLink(link: string): number | null {
  const m = /^net:\[(\d+)\]$/.exec(link.trim());
  return m ? Number(m[1]) : null;
}

/** `socket:[9944]` → 9944 */
export function parseSocketLink(link: string): number | null {
  const m = /^socket:\[(\d+)\]$/.exec(link.trim());
  return m ? Number(m[1]) : null;
}

/**
 * The Docker container id in a /proc/<pid>/cgroup file, for cgroup v1 (`/docker/<id>`)
 * and v2 (`/system.slice/docker-<id>.scope`) layouts alike.
 */
export function containerIdFromCgroup(text: string): string | null {
  const m = /(?:docker[-/]|\/)([0-9a-f]{64})(?:\.scope)?(?:\/|$)/m.exec(text);
  return m?.[1] ?? null;
}

export type AddressScope = 'loopback' | 'any' | 'specific';

export function addressScope(address: string): AddressScope {
  if (address === '0.0.0.0' || address === '::') return 'any';
  if (isLoopbackAddress(address)) return 'loopback';
  return 'specific';
}

/**
 * Split the output of `cat /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6`
 * (one exec instead of four) back into tables, recognising each by its header: IPv6
 * tables say "remote_address" where IPv4 ones say "rem_address"; UDP headers end in "drops".
 */
export function splitConcatenatedTables(text: string): ProcNetTables {
  const out: ProcNetTables = {};
  let current: keyof ProcNetTables | null = null;
  const buf: Record<string, string[]> = {};
  for (const line of text.split('\n')) {
    if (/^\s*sl\s+local_address/.test(line)) {
      const v6 = line.includes('remote_address');
      const udp = /\bdrops\b/.test(line);
      current = udp ? (v6 ? 'udp6' : 'udp') : v6 ? 'tcp6' : 'tcp';
      buf[current] = [line];
      continue;
    }
    if (current) buf[current]?.push(line);
  }
  for (const [k, lines] of Object.entries(buf)) out[k as keyof ProcNetTables] = lines.join('\n');
  return out;
}

import { isIPv4, isIPv6 } from 'node:net';
import { normalizeAddress } from './address';

export { normalizeAddress };

/** Address and CIDR matching for the probe allow-list. Pure; used inside the agent too. */

function v4ToBigInt(a: string): bigint {
  return a.split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n);
}

function v6ToBigInt(a: string): bigint {
  // Expand "::" and an embedded IPv4 tail.
  let s = a.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4?.[1]) {
    const n = v4ToBigInt(v4[1]);
    s = s.replace(v4[1], `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`);
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g || '0', 16)), 0n);
}

export function inCidr(address: string, cidr: string): boolean {
  const addr = normalizeAddress(address);
  const [base, bitsText] = cidr.split('/') as [string, string | undefined];
  const b = normalizeAddress(base);
  if (isIPv4(addr) && isIPv4(b)) {
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    const mask = bits === 0 ? 0n : ((1n << 32n) - 1n) << BigInt(32 - bits);
    return (v4ToBigInt(addr) & mask) === (v4ToBigInt(b) & mask);
  }
  if (isIPv6(addr) && isIPv6(b)) {
    const bits = bitsText === undefined ? 128 : Number(bitsText);
    const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) << BigInt(128 - bits);
    return (v6ToBigInt(addr) & mask) === (v6ToBigInt(b) & mask);
  }
  return false;
}

export function addressAllowed(
  address: string,
  allow: { all: boolean; addresses: string[]; cidrs: string[] },
): boolean {
  if (allow.all) return true;
  const a = normalizeAddress(address);
  return allow.addresses.some((x) => normalizeAddress(x) === a) || allow.cidrs.some((c) => inCidr(a, c));
}

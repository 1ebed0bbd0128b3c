import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { inCidr, normalizeAddress } from '../lib/probe/cidr';

/**
 * The address a request came from, for per-client limits. Behind a reverse proxy every
 * request comes from the proxy: when the peer is one the operator trusts
 * (REACHMAP_TRUSTED_PROXIES), the client is the rightmost X-Forwarded-For entry that is not
 * itself a trusted proxy — entries further left are whatever the client chose to send; when
 * every entry is a trusted proxy, the peer. An untrusted peer's X-Forwarded-For is ignored.
 * Pure.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: readonly string[],
): string {
  const from = normalizeAddress(peer ?? 'unknown');
  const isTrusted = (a: string) => isIP(a) !== 0 && trusted.some((c) => inCidr(a, c));
  if (trusted.length === 0 || !isTrusted(from)) return from;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean)
    .slice(-32);
  // From the right: the first hop a trusted proxy did not add is the client, even when it is
  // not a bare address (a port, garbage): skipping it would hand the choice to the client.
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = addressOf(hops[i] as string);
    if (!isTrusted(hop)) return hop.slice(0, 64);
  }
  return from;
}

/** "1.2.3.4:5678", "[::1]:80", "::ffff:1.2.3.4" → the address; anything else as it is. */
function addressOf(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed?.[1]) return normalizeAddress(bracketed[1]);
  const v4port = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return normalizeAddress(v4port?.[1] ?? hop);
}

/** clientAddress for a request, with the trusted proxies of the settings. */
export const requestClient = (req: IncomingMessage, trusted: readonly string[]) =>
  clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted);

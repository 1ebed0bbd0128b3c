import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { inCidr, normalizeAddress } from '../lib/probe/cidr';

/**
 * The address a request came from, for per-client limits. Behind a reverse proxy every
 * request comes from the proxy: when the peer is one the operator trusts
 * (REACHMAP_TRUSTED_PROXIES), the client is the rightmost X-Forwarded-For entry that is not
 * itself a trusted proxy — entries further left are whatever the client chose to send. An
 * untrusted peer's X-Forwarded-For is ignored. Pure.
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
    .map((h) => normalizeAddress(h.trim()))
    .filter((h) => isIP(h) !== 0)
    .slice(-32);
  for (let i = hops.length - 1; i >= 0; i--) if (!isTrusted(hops[i] as string)) return hops[i] as string;
  return hops[0] ?? from;
}

/** clientAddress for a request, with the trusted proxies of the settings. */
export const requestClient = (req: IncomingMessage, trusted: readonly string[]) =>
  clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trusted);

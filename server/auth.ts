import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { safeEqual, sessionValue } from './token';

/**
 * Authentication and request-origin checks, applied by the handler that serves each
 * transport (HTTP routes, Next pages, socket.io handshakes): no path is exempt by suffix.
 */

export const SESSION_COOKIE = 'reachmap_session';

export interface AuthContext {
  token: string;
  session: string;
  allowedHosts: Set<string>;
}

export function makeAuthContext(token: string, allowedHosts: string[], bindHost: string): AuthContext {
  const hosts = new Set(['localhost', ...allowedHosts.map((h) => h.toLowerCase())]);
  if (!isIP(bindHost)) hosts.add(bindHost.toLowerCase());
  return { token, session: sessionValue(token), allowedHosts: hosts };
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** Host name of a Host header value ("[::1]:7391" → "::1"). */
export function hostOf(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return new URL(`http://${value}`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return null;
  }
}

/**
 * DNS rebinding defence: a Host header must be an IP literal (rebinding needs a name) or
 * a name the operator allowed.
 */
export function hostAllowed(ctx: AuthContext, hostHeader: string | undefined): boolean {
  const h = hostOf(hostHeader);
  return h !== null && (isIP(h) !== 0 || ctx.allowedHosts.has(h));
}

/** Cross-site request / WebSocket hijacking defence: a present Origin must be this very host. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // non-browser clients (CLI, curl) send none; they still need the token
  try {
    return new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

export function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : null;
}

export function isAuthenticated(ctx: AuthContext, req: IncomingMessage): boolean {
  const cookie = parseCookies(req.headers.cookie)[SESSION_COOKIE];
  if (cookie && safeEqual(cookie, ctx.session)) return true;
  const b = bearer(req);
  return b !== null && safeEqual(b, ctx.token);
}

export function sessionCookie(ctx: AuthContext, secure: boolean): string {
  return `${SESSION_COOKIE}=${ctx.session}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

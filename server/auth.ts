import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { Sessions } from './sessions';
import { safeEqual } from './token';

/**
 * Authentication and request-origin checks, applied by the handler that serves each
 * transport (HTTP routes, Next pages, socket.io handshakes): no path is exempt by suffix.
 */

/** The header (and socket.io handshake field) that carries a session's binding. */
export const BINDING_HEADER = 'x-reachmap-binding';

export interface AuthContext {
  token: string;
  sessions: Sessions;
  /**
   * Named after the port: another dashboard on the same host keeps its own cookie. Over
   * HTTPS it carries the `__Host-` prefix, which a page served over plain HTTP (any other
   * service on this host) can neither set nor overwrite.
   */
  cookieName: string;
  /** Served over HTTPS (REACHMAP_PUBLIC_URL https://…): the cookie is Secure. */
  secure: boolean;
  allowedHosts: Set<string>;
}

export function makeAuthContext(
  token: string,
  allowedHosts: string[],
  bindHost: string,
  port: number,
  sessions: Sessions = new Sessions(),
  secure = false,
): AuthContext {
  const hosts = new Set(['localhost', ...allowedHosts.map((h) => h.toLowerCase())]);
  if (!isIP(bindHost)) hosts.add(bindHost.toLowerCase());
  const cookieName = `${secure ? '__Host-' : ''}reachmap_session_${port}`;
  return { token, sessions, cookieName, secure, allowedHosts: hosts };
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

function bearerOk(ctx: AuthContext, req: IncomingMessage): boolean {
  const b = bearer(req);
  return b !== null && safeEqual(b, ctx.token);
}

export function sessionSecret(ctx: AuthContext, req: IncomingMessage): string | null {
  return parseCookies(req.headers.cookie)[ctx.cookieName] ?? null;
}

/** Pages (they hold no data): a live session cookie, or the token. */
export function canOpenPages(ctx: AuthContext, req: IncomingMessage): boolean {
  return bearerOk(ctx, req) || ctx.sessions.check(sessionSecret(ctx, req)) !== null;
}

/**
 * Data (API, socket): the token, or a live session cookie together with its binding
 * (from the header, or given by the socket.io handshake). Returns the session id, "token",
 * or null.
 */
export function dataAccess(
  ctx: AuthContext,
  req: IncomingMessage,
  binding: string | null = headerValue(req, BINDING_HEADER),
): string | null {
  if (bearerOk(ctx, req)) return 'token';
  return ctx.sessions.check(sessionSecret(ctx, req), binding ?? null);
}

function headerValue(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

export function sessionCookie(ctx: AuthContext, secret: string): string {
  const maxAge = Math.floor(ctx.sessions.limits.maxAgeMs / 1000);
  return `${ctx.cookieName}=${secret}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${ctx.secure ? '; Secure' : ''}`;
}

export const clearedCookie = (ctx: AuthContext) =>
  `${ctx.cookieName}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${ctx.secure ? '; Secure' : ''}`;

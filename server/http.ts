import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { stripBasePath } from '../lib/basePath';
import type { TopologySource } from '../lib/live/source';
import { VERSION } from '../lib/version';
import type { WatchHistory } from '../lib/watch/history';
import {
  type AuthContext,
  BINDING_HEADER,
  canOpenPages,
  clearedCookie,
  dataAccess,
  hostAllowed,
  originAllowed,
  sessionCookie,
  sessionSecret,
} from './auth';
import { requestClient } from './clientAddress';
import { loginPage } from './loginPage';
import { NONCE, tokenProof } from './proof';
import { RateLimiter } from './rateLimit';
import { diffRoute, publicSnapshotRoute, type SnapshotDeps, snapshotApiRoute } from './snapshots';
import { safeEqual } from './token';

export type NextHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

const MAX_BODY = 8 * 1024;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** An imported snapshot (a JSON export) of a large host runs to a few megabytes. */
const MAX_IMPORT = 64 * 1024 * 1024;

function readBody(req: IncomingMessage, max = MAX_BODY): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(new Error(`body too large (over ${max} bytes)`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const SessionRequest = z.object({ token: z.string().min(1).max(512) });

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export interface HttpDeps {
  auth: AuthContext;
  live: TopologySource;
  next: NextHandler;
  /** Absent: snapshots are off (their store could not be opened). */
  snapshots: SnapshotDeps | null;
  /** Prometheus registry for GET /metrics (behind the token, like every data route). */
  metrics?: Registry;
  /** Reverse proxies whose X-Forwarded-For names the client (REACHMAP_TRUSTED_PROXIES). */
  trustedProxies?: readonly string[];
  /** REACHMAP_BASE_PATH: routes below are matched without it; `next` gets it back. */
  basePath?: string;
  /** The watch's history (GET /api/watch); absent: the watch is off. */
  watch?: WatchHistory | null;
}

/** Build output with no data in it: what a public snapshot page needs to load. */
function isPublicAsset(req: IncomingMessage): boolean {
  // The path as sent: a dot segment in it could resolve elsewhere once normalised.
  const raw = (req.url ?? '').split('?')[0] as string;
  if (raw.includes('..') || /%2e|%2f|%5c/i.test(raw) || raw.includes('\\')) return false;
  return raw.startsWith('/_next/static/') || raw === '/icon.svg';
}

/**
 * Every HTTP request goes through here before Next sees it: Host check, then the public
 * routes (sign-in page, token exchange, snapshot links and the build's static assets),
 * then authentication for everything else.
 */
export function createRequestHandler(deps: HttpDeps) {
  const { auth, live } = deps;
  const base = deps.basePath ?? '';
  const login = loginPage(base);
  const failedSignIns = new RateLimiter(10, 10);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    if (!hostAllowed(auth, req.headers.host)) {
      send(res, 421, {
        error: `Host "${req.headers.host ?? ''}" is not served here; add it to REACHMAP_ALLOWED_HOSTS`,
      });
      return;
    }
    const inside = stripBasePath(req.url ?? '/', base);
    if (inside === null) {
      // The proxy's prefix is missing: say where the dashboard is rather than a bare 404.
      if ((req.url ?? '/').split('?')[0] === '/' && req.method === 'GET') {
        res.writeHead(302, { location: `${base}/`, 'cache-control': 'no-store' });
        return void res.end();
      }
      return send(res, 404, { error: `not found: Reachmap is served under ${base}/` });
    }
    req.url = inside;
    const url = new URL(req.url, 'http://reachmap.invalid');
    const pathname = url.pathname;

    if (pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      // For health checks and orchestrators: process and engine state, no data, no session.
      const engine = live.engine.status;
      // ?nonce=…: proof that this server holds the token (server/proof.ts), for the CLI.
      const nonce = url.searchParams.get('nonce');
      return send(res, 200, {
        status: engine === 'connected' || engine === 'replay' ? 'ok' : 'degraded',
        engine,
        version: VERSION,
        uptimeSeconds: Math.round(process.uptime()),
        ...(nonce && NONCE.test(nonce) ? { proof: tokenProof(auth.token, nonce) } : {}),
      });
    }
    if (pathname === '/login' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': login.csp,
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : login.html);
      return;
    }
    if (pathname === '/api/session' && req.method === 'POST') {
      if (!originAllowed(req)) return send(res, 403, { error: 'cross-origin sign-in refused' });
      // Guessing the token is hopeless (256 bits), but each wrong try costs a request: after
      // ten a minute from one address, that address waits (right tokens cost nothing).
      // Behind a trusted proxy, the client it names: else one client locks every other out.
      const from = requestClient(req, deps.trustedProxies ?? []);
      const wait = failedSignIns.peek(from);
      if (wait > 0)
        return send(
          res,
          429,
          { error: `too many sign-in attempts; try again in ${Math.ceil(wait / 1000)} s` },
          { 'retry-after': String(Math.ceil(wait / 1000)) },
        );
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return send(res, 400, { error: 'expected a JSON body {"token": "..."}' });
      }
      const parsed = SessionRequest.safeParse(body);
      if (!parsed.success) return send(res, 400, { error: 'expected a JSON body {"token": "..."}' });
      if (!safeEqual(parsed.data.token, auth.token)) {
        failedSignIns.take(from);
        return send(res, 401, { error: 'token rejected' });
      }
      // A new session each time: the cookie holds its secret, the page keeps its binding.
      const session = auth.sessions.create();
      return send(
        res,
        200,
        { ok: true, binding: session.binding },
        { 'set-cookie': sessionCookie(auth, session.secret) },
      );
    }

    if (isPublicAsset(req) && (req.method === 'GET' || req.method === 'HEAD'))
      return void (await deps.next(req, res));
    if (deps.snapshots) {
      const route = publicSnapshotRoute(req, res, deps.snapshots);
      if (route === 'handled') return;
      if (route === 'next') return void (await deps.next(req, res));
      const diff = await diffRoute(req, res, deps.snapshots, {
        page: canOpenPages(auth, req),
        data: dataAccess(auth, req) !== null,
      });
      if (diff === 'handled') return;
      if (diff === 'next') return void (await deps.next(req, res));
    }

    if (!canOpenPages(auth, req)) {
      const wantsHtml = (req.headers.accept ?? '').includes('text/html') && req.method === 'GET';
      if (wantsHtml && !pathname.startsWith('/api/')) {
        // After sign-in the browser comes back here: a deep link survives the login.
        const back = req.url && req.url !== '/' ? `?next=${encodeURIComponent(base + req.url)}` : '';
        res.writeHead(302, { location: `${base}/login${back}`, 'cache-control': 'no-store' });
        res.end();
        return;
      }
      return send(res, 401, {
        error: `authentication required: sign in at ${base}/login or send Authorization: Bearer <token>`,
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && !originAllowed(req)) {
      return send(res, 403, { error: 'cross-origin request refused' });
    }

    if (pathname === '/api/session' && req.method === 'DELETE') {
      // Sign-out ends the session on the server (its open sockets close with it); it needs
      // only the cookie and a same-origin request, so a page that lost its binding can still.
      auth.sessions.revoke(sessionSecret(auth, req));
      return send(res, 200, { ok: true }, { 'set-cookie': clearedCookie(auth) });
    }
    if (pathname.startsWith('/api/') && dataAccess(auth, req) === null) {
      return send(res, 401, {
        error: `this session's binding is missing or wrong (send ${BINDING_HEADER}, or sign in again at ${base}/login)`,
      });
    }
    if (pathname === '/api/topology' && req.method === 'GET') {
      const topology = live.current ?? (await live.refresh());
      if (!topology) return send(res, 503, { error: 'no topology yet', engine: live.engine });
      return send(res, 200, { version: live.version, engine: live.engine, topology });
    }
    if (pathname === '/api/engine' && req.method === 'GET') return send(res, 200, live.engine);
    if (pathname === '/api/watch' && req.method === 'GET') {
      // Every watched path's verdicts (an export), or one edge's (?edge=, the page's strip).
      if (!deps.watch)
        return send(res, 404, { error: 'the watch is off (REACHMAP_WATCH=off, or a replayed topology)' });
      const edge = url.searchParams.get('edge');
      return send(res, 200, { points: edge ? deps.watch.ofEdge(edge) : deps.watch.all() });
    }
    if (pathname === '/metrics' && req.method === 'GET') {
      if (dataAccess(auth, req) === null)
        return send(res, 401, { error: 'metrics need Authorization: Bearer <token>' });
      if (!deps.metrics) return send(res, 404, { error: 'metrics are off' });
      res.writeHead(200, { 'content-type': deps.metrics.contentType, 'cache-control': 'no-store' });
      res.end(await deps.metrics.metrics());
      return;
    }
    if (pathname.startsWith('/api/snapshots')) {
      if (!deps.snapshots)
        return send(res, 503, {
          error: 'snapshots are off: their store could not be opened (see the server log)',
        });
      const readJson = async () => {
        const text = await readBody(req, pathname === '/api/snapshots/import' ? MAX_IMPORT : MAX_BODY);
        try {
          return text.trim() ? JSON.parse(text) : {};
        } catch {
          throw new Error('expected a JSON body');
        }
      };
      if (
        await snapshotApiRoute(
          req,
          res,
          url,
          readJson,
          (status, body) => send(res, status, body),
          deps.snapshots,
        )
      )
        return;
    }
    if (pathname.startsWith('/api/'))
      return send(res, 404, { error: `no such API route: ${req.method} ${pathname}` });

    await deps.next(req, res);
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProbeHub } from '../lib/live/probeHub';
import type { TopologySource } from '../lib/live/source';
import { type ProxyRoutes, Snapshot, SnapshotRequest, type SnapshotView } from '../lib/model/snapshot';
import type { Topology } from '../lib/model/topology';
import { baseUrl, type Settings } from '../lib/settings';
import { composeSnapshot, importedSnapshot } from '../lib/snapshot/compose';
import { diffSnapshots } from '../lib/snapshot/diff';
import { EXPORT_TYPES, ExportFormat, exportSnapshot } from '../lib/snapshot/exports';
import { SNAPSHOT_HTML_CSP, snapshotHtml } from '../lib/snapshot/html';
import { isSnapshotId, newSnapshotId } from '../lib/snapshot/id';
import type { SnapshotStore } from '../lib/snapshot/store';

/**
 * Snapshot routes. `/s/<id>` (the page) and `/s/<id>/snapshot.json` (its data) are public:
 * the random id is the capability, they read only the store (never Docker, never a probe),
 * and anything else under /s/ is a plain 404. The rest (`/api/snapshots…`) sits behind the
 * token like every other API route.
 */

export interface SnapshotDeps {
  store: SnapshotStore;
  live: TopologySource;
  hub: ProbeHub;
  settings: Pick<Settings, 'host' | 'port' | 'publicUrl'>;
  /** Reads the proxies' routes from their containers; null for a replayed topology (not this host). */
  readProxies: ((t: Topology) => Promise<ProxyRoutes[]>) | null;
}

export type Reply = (status: number, body: unknown) => void;

export const snapshotLink = (settings: SnapshotDeps['settings'], id: string) =>
  `${baseUrl(settings)}/s/${id}`;

const PAGE = /^\/s\/([^/]+)$/;
const DATA = /^\/s\/([^/]+)\/snapshot\.json$/;
const REVIEW = /^\/s\/([^/]+)\/review$/;

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end('Not found\n');
}

/**
 * The public side. 'next': the canonical page URL was set on `req` for Next to render;
 * 'handled': answered here; null: not a snapshot route.
 */
export function publicSnapshotRoute(
  req: IncomingMessage,
  res: ServerResponse,
  deps: SnapshotDeps,
): 'next' | 'handled' | null {
  // The path as sent, not normalised: "/s/../x" is a malformed snapshot link (404), not "/x".
  const pathname = (req.url ?? '').split('?')[0] as string;
  if (pathname !== '/s' && !pathname.startsWith('/s/')) return null;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('Method not allowed\n');
    return 'handled';
  }
  const page = PAGE.exec(pathname);
  const data = DATA.exec(pathname);
  const review = REVIEW.exec(pathname);
  const id = page?.[1] ?? data?.[1] ?? review?.[1];
  // The page needs only to know the snapshot is there; its data and review read it once.
  const snapshot = id && isSnapshotId(id) ? (page ? deps.store.has(id) : deps.store.get(id)) : null;
  if (!id || !snapshot) {
    notFound(res);
    return 'handled';
  }
  res.setHeader('x-robots-tag', 'noindex, nofollow');
  res.setHeader('cache-control', 'no-store');
  if (snapshot === true) {
    // Next renders exactly this path, whatever spelling reached us.
    req.url = `/s/${id}`;
    return 'next';
  }
  if (review) {
    // The printable review walkthrough: the offline document itself, served inline.
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': SNAPSHOT_HTML_CSP,
    });
    res.end(
      req.method === 'HEAD'
        ? undefined
        : snapshotHtml(snapshot, snapshotLink(deps.settings, id), 'Reachmap design review'),
    );
    return 'handled';
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(req.method === 'HEAD' ? undefined : JSON.stringify(snapshot));
  return 'handled';
}

/** What the dashboard shows now, as a snapshot (not stored); null while there is no topology. */
async function liveSnapshot(
  deps: SnapshotDeps,
  req: { note: string; ttlSeconds: number | null; view: SnapshotView },
): Promise<Snapshot | null> {
  const topology = deps.live.current ?? (await deps.live.refresh());
  if (!topology) return null;
  return composeSnapshot({
    id: newSnapshotId(),
    now: new Date(),
    ...req,
    source: 'dashboard',
    topology,
    probes: deps.hub.history(),
    probeFindings: deps.hub.findings(topology),
    runbooks: deps.hub.runbooks(),
    proxies: deps.readProxies ? await deps.readProxies(topology) : [],
  });
}

const NO_TOPOLOGY = { error: 'no topology yet: is the Docker engine reachable?' };

async function takeSnapshot(deps: SnapshotDeps, body: unknown): Promise<{ status: number; body: unknown }> {
  const parsed = SnapshotRequest.safeParse(body ?? {});
  if (!parsed.success)
    return {
      status: 400,
      body: {
        error: `invalid snapshot request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
      },
    };
  const snapshot = await liveSnapshot(deps, parsed.data);
  if (!snapshot) return { status: 503, body: NO_TOPOLOGY };
  const summary = deps.store.put(snapshot);
  return { status: 201, body: { summary, link: snapshotLink(deps.settings, snapshot.id) } };
}

const DIFF = /^\/diff\/([^/]+)\/([^/]+)(\/diff\.json)?$/;

/**
 * /diff/<a>/<b> and its data, /diff/<a>/<b>/diff.json. Two snapshot ids are two
 * capabilities: public like the links. "now" reads the live host, so it needs the token.
 */
export async function diffRoute(
  req: IncomingMessage,
  res: ServerResponse,
  deps: SnapshotDeps,
  access: { page: boolean; data: boolean },
): Promise<'next' | 'handled' | null> {
  const pathname = (req.url ?? '').split('?')[0] as string;
  if (!pathname.startsWith('/diff/')) return null;
  const m = DIFF.exec(pathname);
  const refs = m ? [m[1] as string, m[2] as string] : [];
  const valid = refs.length === 2 && refs.every((r) => r === 'now' || isSnapshotId(r));
  if (!valid || (req.method !== 'GET' && req.method !== 'HEAD')) {
    notFound(res);
    return 'handled';
  }
  // "now" reads the live host: the page needs a session, its data the session's binding.
  if (refs.includes('now') && !(m?.[3] ? access.data : access.page)) return null; // the usual sign-in answer
  if (refs.some((r) => r !== 'now' && !deps.store.has(r))) {
    notFound(res);
    return 'handled';
  }
  res.setHeader('x-robots-tag', 'noindex, nofollow');
  res.setHeader('cache-control', 'no-store');
  if (!m?.[3]) {
    req.url = `/diff/${refs[0]}/${refs[1]}`;
    return 'next';
  }
  const side = async (ref: string) =>
    ref === 'now'
      ? liveSnapshot(deps, { note: '', ttlSeconds: null, view: { project: null, selection: null } })
      : deps.store.get(ref);
  const [before, after] = [await side(refs[0] as string), await side(refs[1] as string)];
  if (!before || !after) {
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(NO_TOPOLOGY));
    return 'handled';
  }
  const diff = diffSnapshots(before, after, { before: refs[0] as string, after: refs[1] as string });
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ diff, after }));
  return 'handled';
}

/**
 * The authenticated side: POST/GET /api/snapshots, DELETE /api/snapshots/<id>,
 * GET /api/snapshots/<id>/export?format=… (lib/snapshot/exports). False: not a snapshot route.
 */
export async function snapshotApiRoute(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  readJson: () => Promise<unknown>,
  reply: Reply,
  deps: SnapshotDeps,
): Promise<boolean> {
  const { pathname } = url;
  /** The request's JSON, or null once a 400 saying why has been sent. */
  const jsonBody = async (): Promise<{ value: unknown } | null> => {
    try {
      return { value: await readJson() };
    } catch (e) {
      reply(400, { error: e instanceof Error ? e.message : 'expected a JSON body' });
      return null;
    }
  };
  if (pathname === '/api/snapshots') {
    if (req.method === 'GET') {
      reply(200, {
        snapshots: deps.store.list().map((s) => ({ ...s, link: snapshotLink(deps.settings, s.id) })),
      });
      return true;
    }
    if (req.method === 'POST') {
      const body = await jsonBody();
      if (body) {
        const r = await takeSnapshot(deps, body.value);
        reply(r.status, r.body);
      }
      return true;
    }
    return false;
  }
  if (pathname === '/api/snapshots/import' && req.method === 'POST') {
    const body = await jsonBody();
    if (!body) return true;
    const parsed = Snapshot.safeParse(body.value);
    if (!parsed.success) {
      reply(400, {
        error: `not a Reachmap snapshot export: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
          .join('; ')}`,
      });
      return true;
    }
    const snapshot = importedSnapshot(parsed.data);
    const summary = deps.store.put(snapshot);
    reply(201, { summary, link: snapshotLink(deps.settings, snapshot.id) });
    return true;
  }
  const m = /^\/api\/snapshots\/([^/]+)(\/export)?$/.exec(pathname);
  if (!m) return false;
  const id = m[1] as string;
  if (!isSnapshotId(id)) {
    reply(404, { error: 'no such snapshot' });
    return true;
  }
  if (!m[2] && req.method === 'DELETE') {
    const deleted = deps.store.delete(id);
    reply(deleted ? 200 : 404, deleted ? { ok: true } : { error: 'no such snapshot' });
    return true;
  }
  if (m[2] && req.method === 'GET') {
    const format = ExportFormat.safeParse(url.searchParams.get('format') ?? 'json');
    if (!format.success) {
      reply(400, { error: `format must be one of ${ExportFormat.options.join(', ')}` });
      return true;
    }
    const snapshot: Snapshot | null = deps.store.get(id);
    if (!snapshot) {
      reply(404, { error: 'no such snapshot' });
      return true;
    }
    const text = exportSnapshot(snapshot, format.data, snapshotLink(deps.settings, id));
    const type = EXPORT_TYPES[format.data];
    res.writeHead(200, {
      'content-type': type.mime,
      'content-disposition': `attachment; filename="reachmap-${id}.${type.ext}"`,
      'content-security-policy': SNAPSHOT_HTML_CSP,
      'cache-control': 'no-store',
    });
    res.end(text);
    return true;
  }
  return false;
}

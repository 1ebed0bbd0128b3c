import type { ProxyRoutes } from '../model/snapshot';
import type { Topology } from '../model/topology';
import { hostPort } from '../util/address';

/**
 * The paths a watch keeps probing on its own: each published port from the host, each
 * reverse proxy to its upstreams (from its own configuration), each container to the
 * containers its environment names (DATABASE_URL, REDIS_ADDR…), a recognised OpenClaw
 * gateway's WebSocket from the host with the Origin its config allows, and the paths an
 * operator pinned. Pure: the watcher (./watcher) runs them, the tests call this directly.
 */

export type WatchReason = 'published' | 'proxy' | 'config' | 'openclaw' | 'pinned';

export interface WatchPath {
  /** Stable across restarts of either end: initiator and target as written. */
  key: string;
  /** "host" or a container name. */
  from: string;
  /** A URL or host:port, as the initiator would dial it. */
  to: string;
  why: WatchReason;
  /** What the path is, for people: "published 127.0.0.1:28789 → gateway:18789". */
  label: string;
  /** The container the target belongs to, when known (a removed one ends the path). */
  toContainer: string | null;
  /** ProbeSpec.holdMs: published ports are held, so docker-proxy's accept-then-close fails. */
  holdMs: number;
  /** For a published port: the host port (kept while its container is stopped and still publishes it). */
  hostPort: number | null;
  /** The Origin the probe sends (a browser's, for an OpenClaw gateway). */
  origin?: string;
}

export interface PinnedPath {
  from: string;
  to: string;
}

/** A watch is bounded: more paths than this are not probed (the first ones, in this order). */
export const MAX_WATCH_PATHS = 100;
const HOLD_MS = 300;

export const watchKey = (from: string, to: string, origin?: string) =>
  `${from} → ${to}${origin ? ` @${origin}` : ''}`;

/** "FROM>TO" as REACHMAP_WATCH_PATHS and `reachmap watch --path` take them. */
export function parsePinned(spec: string): PinnedPath {
  const i = spec.indexOf('>');
  const from = spec.slice(0, i).trim();
  const to = spec.slice(i + 1).trim();
  if (i <= 0 || !from || !to)
    throw new Error(`expected FROM>TO (e.g. client>http://gateway:18789/healthz), got "${spec}"`);
  return { from, to };
}

/**
 * proxy_pass http://app:8080/x → app:8080; a variable in the host or port gives nothing to
 * dial (one after them, such as Nginx Proxy Manager's $request_uri, does not matter).
 */
function upstreamAuthority(upstream: string): string | null {
  const m = /^(https?):\/\/([^/$:[\]]+(?::\d+)?|\[[^\]]+\](?::\d+)?)(?:[/$]|$)/.exec(upstream);
  if (!m) return null;
  const [, scheme, authority] = m as unknown as [string, string, string];
  if (/:\d+$/.test(authority) || authority.startsWith('[')) return authority;
  return `${authority}:${scheme === 'https' ? 443 : 80}`;
}

export function inferWatchPaths(
  t: Topology,
  opts: { pinned?: readonly PinnedPath[]; proxies?: readonly ProxyRoutes[] } = {},
): WatchPath[] {
  const out = new Map<string, WatchPath>();
  const add = (p: Omit<WatchPath, 'key'>) => {
    const key = watchKey(p.from, p.to, p.origin);
    if (!out.has(key) && out.size < MAX_WATCH_PATHS) out.set(key, { key, ...p });
  };
  for (const p of opts.pinned ?? [])
    add({
      from: p.from,
      to: p.to,
      why: 'pinned',
      label: 'pinned',
      toContainer: null,
      holdMs: 0,
      hostPort: null,
    });
  // An engine on another machine: this machine's loopback is not where its ports are published.
  const hostPaths = !t.host.engineElsewhere;
  for (const c of t.containers) {
    if (c.state !== 'running' || !hostPaths) continue;
    for (const b of c.ports) {
      if (b.protocol !== 'tcp' || !b.hostPort) continue;
      // Docker publishes a wildcard port on 0.0.0.0 and on ::: one path is enough.
      if (b.hostIp === '::' && c.ports.some((x) => x.hostPort === b.hostPort && x.hostIp === '0.0.0.0'))
        continue;
      // A wildcard publish is reached on loopback; an address publish on that address.
      const ip =
        b.hostIp === '0.0.0.0' || b.hostIp === '' ? '127.0.0.1' : b.hostIp === '::' ? '::1' : b.hostIp;
      const to = hostPort(ip, b.hostPort);
      add({
        from: 'host',
        to,
        why: 'published',
        label: `published ${to} → ${c.name}:${b.containerPort}`,
        toContainer: c.name,
        holdMs: HOLD_MS,
        hostPort: b.hostPort,
      });
    }
  }
  for (const proxy of opts.proxies ?? []) {
    for (const loc of proxy.locations) {
      const authority = loc.upstream ? upstreamAuthority(loc.upstream) : null;
      if (!authority) continue;
      // proxy_pass http://NAME: the servers of upstream NAME when it is a block (NAME itself
      // resolves nowhere), else NAME.
      const servers = (loc.upstreamServers ?? []).filter((x) => !x.startsWith('unix:'));
      const bare = authority.replace(/:(80|443)$/, '');
      const isBlock =
        servers.length > 0 && !(servers.length === 1 && (servers[0] === authority || servers[0] === bare));
      const dials = isBlock
        ? servers.map((x) => (/:\d+$/.test(x) || x.startsWith('[') ? x : `${x}:80`))
        : [authority];
      for (const to of dials) {
        const upstreamHost = to.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
        const target = t.containers.find(
          (c) => c.name === upstreamHost || c.compose?.service === upstreamHost,
        );
        add({
          from: proxy.container,
          to,
          why: 'proxy',
          label: `${proxy.container} ${loc.path} → ${loc.upstream}${isBlock ? ` (${to})` : ''}`,
          toContainer: target?.name ?? null,
          holdMs: 0,
          hostPort: null,
        });
      }
    }
  }
  // What applications dial, as their environment says: by the name they use.
  const running = new Set(t.containers.filter((c) => c.state === 'running').map((c) => c.name));
  for (const c of t.containers) {
    if (c.state !== 'running') continue;
    for (const r of c.references ?? []) {
      if (!running.has(r.container)) continue;
      const web = r.scheme && /^(https?|wss?)$/.test(r.scheme);
      const to = web ? `${r.scheme}://${hostPort(r.host, r.port)}/` : hostPort(r.host, r.port);
      add({
        from: c.name,
        to,
        why: 'config',
        label: `${c.name} ${r.env} → ${r.container}`,
        toContainer: r.container,
        holdMs: 0,
        hostPort: null,
      });
    }
  }
  // An OpenClaw gateway as a browser reaches it: its published port, with an allowed Origin.
  for (const c of t.containers) {
    const origin = c.openclaw?.allowedOrigins?.find((o) => o !== '*');
    if (c.state !== 'running' || !origin || !hostPaths) continue;
    const b = c.ports.find(
      (p) => p.protocol === 'tcp' && p.hostPort && p.containerPort === (c.openclaw?.port ?? 18789),
    );
    if (!b?.hostPort) continue;
    const ip = b.hostIp === '0.0.0.0' || b.hostIp === '' ? '127.0.0.1' : b.hostIp === '::' ? '::1' : b.hostIp;
    add({
      from: 'host',
      to: `ws://${hostPort(ip, b.hostPort)}/`,
      why: 'openclaw',
      label: `OpenClaw gateway ${c.name} from a browser at ${origin}`,
      toContainer: c.name,
      holdMs: 0,
      hostPort: b.hostPort,
      origin,
    });
  }
  return [...out.values()];
}

import type { ProbeResult, WsStep } from '../model/probe';
import type { Topology } from '../model/topology';
import { probeEndpoints } from '../probe/edges';
import { type ProxyKind, proxyKindOf, readProxyLocations } from './configReader';
import { locationFor, type ProxyLocation } from './nginxConfig';

export type HoldProxy = NonNullable<NonNullable<WsStep['hold']>['proxy']>;

/** nginx's time syntax ("60s", "3", "1m30s", "500ms", "1h") in seconds; null when not one. */
export function nginxSeconds(value: string): number | null {
  const units: Record<string, number> = {
    ms: 0.001,
    s: 1,
    m: 60,
    h: 3600,
    d: 86_400,
    w: 604_800,
    M: 2_592_000,
    y: 31_536_000,
  };
  if (/^\d+$/.test(value)) return Number(value);
  let total = 0;
  let rest = value;
  while (rest.length > 0) {
    const m = /^(\d+)(ms|s|m|h|d|w|M|y)/.exec(rest);
    if (!m) return null;
    total += Number(m[1]) * (units[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  return value.length > 0 ? total : null;
}

/**
 * The route a path takes: nginx's location choice (Traefik's prefixes read the same way);
 * Caddy's path matchers are globs ("/ws/*", "*"): the longest that matches.
 */
function routeFor(kind: ProxyKind['name'], locs: ProxyLocation[], path: string): ProxyLocation | undefined {
  if (kind !== 'caddy') return locationFor(locs, path);
  const glob = (p: string) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return locs
    .filter((l) => glob(l.path).test(path) || (l.path.endsWith('/*') && path === l.path.slice(0, -2)))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

/** The setting each proxy kind cuts idle proxied sessions with. */
const DIRECTIVE = {
  nginx: 'proxy_read_timeout',
  caddy: 'stream_timeout',
  traefik: 'respondingTimeouts',
} as const;

/**
 * When a held WebSocket ended early and the probe went to a proxy whose configuration is
 * read: that proxy's idle timeout for the path (nginx proxy_read_timeout, Caddy
 * stream_timeout, Traefik's entry point respondingTimeouts), from its own configuration.
 */
export async function proxyIdleTimeout(
  t: Topology,
  r: ProbeResult,
  read: typeof readProxyLocations = readProxyLocations,
): Promise<HoldProxy | null> {
  const target = probeEndpoints(t, r).target;
  const c = target?.startsWith('ctr:') ? t.containers.find((x) => `ctr:${x.id}` === target) : undefined;
  const kind = c && proxyKindOf(t, c);
  if (!c || !kind) return null;
  const cfg = await read(t, c).catch(() => null);
  if (!cfg || 'error' in cfg) return null;
  const loc = routeFor(kind.name, cfg.locations, r.target.path || '/');
  if (!loc) return null;
  return {
    container: c.name,
    directive: `${DIRECTIVE[kind.name]} (${kind.name === 'nginx' ? 'location' : 'route'} ${loc.path})`,
    value: loc.readTimeout,
    seconds: nginxSeconds(loc.readTimeout),
    source: cfg.source,
  };
}

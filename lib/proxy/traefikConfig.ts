import type { Container } from '../model/topology';
import { FORWARDED_BY_TRAEFIK, type ProxyLocation } from './nginxConfig';

/**
 * Traefik's routes as the proxy quadruple. Traefik is configured in three places: its static
 * configuration (command-line flags or traefik.yml: providers, entry points and their
 * timeouts), labels on the containers it routes to (the Docker provider), and dynamic files
 * (the file provider). Traefik forwards WebSocket upgrades by itself and talks HTTP/1.1 to
 * its servers (h2c when the scheme says so). Names of options are case-insensitive in
 * Traefik; router and service names are kept as written. Pure.
 */

export interface TraefikStatic {
  /** The Docker provider is on (labels are read); null: not said. */
  docker: boolean | null;
  /** providers.docker.exposedByDefault (true unless set false). */
  exposedByDefault: boolean;
  file: { filename?: string; directory?: string } | null;
  /** Per entry point, the respondingTimeouts that are set. */
  timeouts: Record<string, Record<string, string>>;
}

export const emptyStatic = (): TraefikStatic => ({
  docker: null,
  exposedByDefault: true,
  file: null,
  timeouts: {},
});

const truthy = (v: string | undefined) => v === undefined || v === '' || /^true$/i.test(v);

/** Static configuration from flags: --providers.docker, --entrypoints.web.transport.respondingtimeouts.readtimeout=… */
export function staticFromArgs(args: string[], base: TraefikStatic = emptyStatic()): TraefikStatic {
  const s = structuredClone(base);
  for (const a of args) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(a);
    if (!m) continue;
    const key = (m[1] as string).toLowerCase();
    const value = m[2];
    if (key === 'providers.docker') s.docker = truthy(value);
    else if (key.startsWith('providers.docker.')) {
      s.docker ??= true;
      if (key === 'providers.docker.exposedbydefault') s.exposedByDefault = truthy(value);
    } else if (key === 'providers.file.filename' && value) s.file = { ...s.file, filename: value };
    else if (key === 'providers.file.directory' && value) s.file = { ...s.file, directory: value };
    else {
      const t = /^entrypoints\.([^.]+)\.transport\.respondingtimeouts\.(\w+)$/i.exec(m[1] as string);
      if (t && value !== undefined)
        s.timeouts[t[1] as string] = { ...s.timeouts[t[1] as string], [t[2] as string]: value };
    }
  }
  return s;
}

/** Keys of a parsed YAML object, matched case-insensitively. */
function get(o: unknown, key: string): unknown {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const k = Object.keys(o).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : (o as Record<string, unknown>)[k];
}
const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
const entries = (o: unknown): Array<[string, unknown]> =>
  o && typeof o === 'object' && !Array.isArray(o) ? Object.entries(o as Record<string, unknown>) : [];

/** Static configuration from traefik.yml (already parsed). */
export function staticFromYaml(doc: unknown, base: TraefikStatic = emptyStatic()): TraefikStatic {
  const s = structuredClone(base);
  const providers = get(doc, 'providers');
  const docker = get(providers, 'docker');
  if (docker !== undefined) {
    s.docker = docker !== false;
    const ebd = get(docker, 'exposedByDefault');
    if (ebd !== undefined) s.exposedByDefault = ebd !== false && ebd !== 'false';
  }
  const file = get(providers, 'file');
  if (file !== undefined)
    s.file = { filename: str(get(file, 'filename')), directory: str(get(file, 'directory')) };
  for (const [ep, cfg] of entries(get(doc, 'entryPoints'))) {
    const rt = get(get(cfg, 'transport'), 'respondingTimeouts');
    for (const [k, v] of entries(rt))
      if (str(v) !== undefined) s.timeouts[ep] = { ...s.timeouts[ep], [k]: str(v) as string };
  }
  return s;
}

/**
 * Hosts and paths a rule matches: Host(`a`, `b`) && (Path(`/x`) || PathPrefix(`/y`)). Quoted
 * arguments may hold parentheses (PathRegexp(`^/(a|b)`)); regexps are kept with a "~". An
 * `||` between hosts and paths is read as if each path went with each host.
 */
export function parseRule(rule: string): { hosts: string[]; paths: string[] } {
  const hosts: string[] = [];
  const paths: string[] = [];
  const text = rule.slice(0, 4096);
  for (const m of text.matchAll(/\b(Host|HostRegexp|Path|PathPrefix|PathRegexp)\s*\(/g)) {
    const args: string[] = [];
    let i = (m.index as number) + m[0].length;
    while (i < text.length && text[i] !== ')') {
      const q = text[i] as string;
      if (q === '`' || q === '"' || q === "'") {
        const end = text.indexOf(q, i + 1);
        if (end < 0) break;
        args.push(text.slice(i + 1, end));
        i = end + 1;
      } else i++;
    }
    if (m[1] === 'Host') hosts.push(...args);
    else if (m[1] === 'HostRegexp') hosts.push(...args.map((a) => `~${a}`));
    else if (m[1] === 'Path') paths.push(...args.map((p) => `= ${p}`));
    else if (m[1] === 'PathPrefix') paths.push(...args);
    else paths.push(...args.map((p) => `~ ${p}`));
  }
  return { hosts, paths: paths.length ? paths : ['/'] };
}

/** What the entry points' timeouts say, for the quadruple's idle-timeout column. */
function timeoutText(s: TraefikStatic, entrypoints: string[]): string {
  const eps = entrypoints.length ? entrypoints : Object.keys(s.timeouts);
  const set = eps.flatMap((ep) =>
    Object.entries(s.timeouts[ep] ?? {}).map(([k, v]) => `${ep}.respondingTimeouts.${k} ${v}`),
  );
  return set.length ? set.join(', ') : 'Traefik defaults (entry point respondingTimeouts not set)';
}

function location(
  s: TraefikStatic,
  router: { rule: string; entrypoints: string[] },
  upstreams: string[],
  scheme: string,
): ProxyLocation[] {
  const { hosts, paths } = parseRule(router.rule);
  const servers = upstreams.map((u) => u.replace(/^\w+:\/\//, '').replace(/\/.*$/, ''));
  return paths.map((path) => ({
    server: hosts.join(' ') || '*',
    listen: router.entrypoints,
    path,
    upstream: upstreams[0] ?? null,
    upstreamServers: servers,
    httpVersion: scheme === 'h2c' ? '2' : '1.1',
    upgradeHeader: FORWARDED_BY_TRAEFIK,
    connectionHeader: FORWARDED_BY_TRAEFIK,
    readTimeout: timeoutText(s, router.entrypoints),
  }));
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * Routes from labels on running containers (the Docker provider): each router's rule, to the
 * service it names (or the container's only one), on the port that service sets or the
 * lowest port the container exposes, at the container's name.
 */
export function routesFromLabels(s: TraefikStatic, containers: Container[]): ProxyLocation[] {
  const out: ProxyLocation[] = [];
  for (const c of containers) {
    if (c.state !== 'running') continue;
    const labels = Object.entries(c.proxyLabels ?? {});
    if (!labels.length) continue;
    const enable = labels.find(([k]) => k.toLowerCase() === 'traefik.enable')?.[1];
    if (enable !== undefined ? !/^true$/i.test(enable) : !s.exposedByDefault) continue;
    const routers = new Map<string, Record<string, string>>();
    const services = new Map<string, Record<string, string>>();
    for (const [k, v] of labels) {
      const m = /^traefik\.http\.(routers|services)\.([^.]+)\.(.+)$/i.exec(k);
      if (!m) continue;
      const map = (m[1] as string).toLowerCase() === 'routers' ? routers : services;
      map.set(m[2] as string, { ...map.get(m[2] as string), [(m[3] as string).toLowerCase()]: v });
    }
    const name = c.name;
    const only = services.size === 1 ? [...services.keys()][0] : undefined;
    const tcpPorts = c.exposedPorts.filter((p) => p.protocol === 'tcp').map((p) => p.port);
    // A container with labels but no router gets Traefik's default rule (Host(`<name>`)).
    const routerList: Array<Record<string, string>> = routers.size
      ? [...routers.values()]
      : [{ rule: `Host(\`${name}\`)` }];
    for (const r of routerList) {
      const svc = services.get(r.service ?? '') ?? (only ? services.get(only) : undefined) ?? {};
      // Without a port label Traefik takes the container's lowest exposed port.
      const port =
        svc['loadbalancer.server.port'] ?? (tcpPorts.length ? String(Math.min(...tcpPorts)) : undefined);
      const scheme = svc['loadbalancer.server.scheme'] ?? 'http';
      const url = svc['loadbalancer.server.url'] ?? (port ? `${scheme}://${name}:${port}` : null);
      out.push(
        ...location(
          s,
          { rule: r.rule ?? `Host(\`${name}\`)`, entrypoints: list(r.entrypoints) },
          url ? [url] : [],
          scheme,
        ),
      );
    }
  }
  return out;
}

/** Routes from a dynamic configuration file (the file provider, parsed YAML). */
export function routesFromDynamic(s: TraefikStatic, doc: unknown): ProxyLocation[] {
  const http = get(doc, 'http');
  const services = new Map(entries(get(http, 'services')));
  return entries(get(http, 'routers')).flatMap(([, r]) => {
    const svc = services.get(str(get(r, 'service'))?.replace(/@.*$/, '') ?? '');
    const servers = get(get(svc, 'loadBalancer'), 'servers');
    const urls = (Array.isArray(servers) ? servers : [])
      .map((x) => str(get(x, 'url')))
      .filter((u): u is string => !!u);
    const eps = get(r, 'entryPoints');
    return location(
      s,
      {
        rule: str(get(r, 'rule')) ?? '',
        entrypoints: Array.isArray(eps) ? eps.map(String) : list(str(eps)),
      },
      urls,
      /^h2c:/i.test(urls[0] ?? '') ? 'h2c' : 'http',
    );
  });
}

import { readdir } from 'node:fs/promises';
import type { ProxyRoutes } from '../model/snapshot';
import type { Container, Topology } from '../model/topology';
import { subjectOf } from '../topology/subject';
import { readFileInRoot, resolveInRoot } from '../util/safeRead';
import { parseCaddyfile } from './caddyConfig';
import {
  type ConfigFiles,
  expandIncludes,
  locationFor,
  type ProxyLocation,
  parseNginx,
  parseNginxTokens,
} from './nginxConfig';

/**
 * A reverse proxy's own configuration, read from inside its container's root (host PID
 * visibility) — nginx only; other proxies are answered black-box by probes. Every path is
 * resolved inside that root (lib/util/safeRead): the container cannot point it elsewhere.
 * nginx.conf is read as `nginx -T` shows it, with its `include`s spliced in, so settings of
 * the `http {}` block reach the servers of included files; without a readable nginx.conf,
 * the files of conf.d/ and sites-enabled/ are read one by one.
 */
export async function readNginxLocations(
  c: Container,
): Promise<{ locations: ProxyLocation[]; source: string } | { error: string }> {
  if (!c.pid) return { error: `${c.name} is not running` };
  const root = `/proc/${c.pid}/root`;
  const files: ConfigFiles = {
    read: (f) => readFileInRoot(root, f, 256 * 1024),
    // Sorted before capped: the files nginx would read first are the ones kept.
    list: async (dir) => (await readdir(await resolveInRoot(root, dir))).sort().slice(0, 4096),
  };
  const whole = await expandIncludes(files, '/etc/nginx/nginx.conf').catch(() => null);
  if (whole && whole.read.length > 0) {
    const skipped = whole.unread.length > 0 ? `; not read: ${whole.unread.join(', ')}` : '';
    return {
      locations: parseNginxTokens(whole.tokens),
      source: `inside ${c.name}: ${whole.read.join(', ')}${skipped}`,
    };
  }
  const paths: string[] = [];
  for (const dir of ['/etc/nginx/conf.d', '/etc/nginx/sites-enabled']) {
    try {
      for (const f of (await files.list(dir)).sort().slice(0, 64))
        if (f.endsWith('.conf') || dir.endsWith('enabled')) paths.push(`${dir}/${f}`);
    } catch {
      // absent directory
    }
  }
  const texts: string[] = [];
  const read: string[] = [];
  for (const f of paths) {
    try {
      texts.push(await files.read(f));
      read.push(f);
    } catch {
      // unreadable file: the rest may still answer
    }
  }
  if (texts.length === 0) return { error: `no nginx configuration readable under ${root}/etc/nginx` };
  return { locations: texts.flatMap(parseNginx), source: `inside ${c.name}: ${read.join(', ')}` };
}

/**
 * The containers a proxy forwards to, from its configuration (nginx `proxy_pass`): for a
 * request path, those of the location nginx would pick; without one, of every location.
 */
export async function upstreamContainers(t: Topology, proxy: Container, path?: string): Promise<Container[]> {
  const cfg = await readNginxLocations(proxy);
  if ('error' in cfg) return [];
  const picked = path === undefined ? undefined : locationFor(cfg.locations, path || '/');
  const hosts = new Set(
    (picked ? [picked] : cfg.locations)
      .flatMap((l) => l.upstreamServers.map((srv) => srv.split(':')[0]?.toLowerCase() ?? ''))
      .filter(Boolean),
  );
  return t.containers.filter(
    (c) =>
      c.state === 'running' &&
      (hosts.has(c.name.toLowerCase()) ||
        hosts.has((c.compose?.service ?? '').toLowerCase()) ||
        c.attachments.some(
          (a) =>
            a.aliases.some((al) => hosts.has(al.toLowerCase())) || (a.ipv4 !== null && hosts.has(a.ipv4)),
        )),
  );
}

const MAX_PROXIES = 50;

/** Whether a container looks like nginx: its image, or a listener owned by an nginx process. */
export function isNginx(t: Topology, c: Container): boolean {
  if (/nginx|openresty/i.test(c.image)) return true;
  const ns = t.namespaces.find((n) => n.id === c.netns);
  return ns?.listeners.some((l) => l.process?.name === 'nginx') ?? false;
}

export function isCaddy(t: Topology, c: Container): boolean {
  if (/(^|\/)caddy([:@-]|$)/i.test(c.image)) return true;
  const ns = t.namespaces.find((n) => n.id === c.netns);
  return ns?.listeners.some((l) => l.process?.name === 'caddy') ?? false;
}

/** Caddy's reverse_proxy routes, from the Caddyfile the official image reads. */
export async function readCaddyLocations(
  c: Container,
): Promise<{ locations: ProxyLocation[]; source: string } | { error: string }> {
  if (!c.pid) return { error: `${c.name} is not running` };
  const file = '/etc/caddy/Caddyfile';
  try {
    const text = await readFileInRoot(`/proc/${c.pid}/root`, file, 256 * 1024);
    return { locations: parseCaddyfile(text), source: `inside ${c.name}: ${file}` };
  } catch (e) {
    return {
      error: `no Caddyfile readable inside ${c.name} (${file}: ${e instanceof Error ? e.message : String(e)}; a JSON config is not read)`,
    };
  }
}

/** Every running nginx's and Caddy's routes (bounded; a proxy that cannot be read says why). */
export async function readProxyRoutes(t: Topology): Promise<ProxyRoutes[]> {
  const proxies = t.containers
    .filter((c) => c.state === 'running' && (isNginx(t, c) || isCaddy(t, c)))
    .slice(0, MAX_PROXIES);
  return Promise.all(
    proxies.map(async (c) => {
      const cfg = isNginx(t, c) ? await readNginxLocations(c) : await readCaddyLocations(c);
      const subject = subjectOf(c);
      if ('error' in cfg) return { container: c.name, subject, source: cfg.error, locations: [] };
      return {
        container: c.name,
        subject,
        source: cfg.source,
        locations: cfg.locations.slice(0, 200).map((l) => ({
          server: l.server,
          path: l.path,
          upstream: l.upstream,
          upstreamServers: l.upstreamServers.slice(0, 32),
          httpVersion: l.httpVersion,
          upgradeHeader: l.upgradeHeader,
          connectionHeader: l.connectionHeader,
          readTimeout: l.readTimeout,
        })),
      };
    }),
  );
}

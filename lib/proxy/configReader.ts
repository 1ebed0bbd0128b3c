import { readdir } from 'node:fs/promises';
import type { ProxyRoutes } from '../model/snapshot';
import type { Container, Topology } from '../model/topology';
import { subjectOf } from '../topology/subject';
import { readFileInRoot, resolveInRoot } from '../util/safeRead';
import { locationFor, type ProxyLocation, parseNginx } from './nginxConfig';

/**
 * A reverse proxy's own configuration, read from inside its container's root (host PID
 * visibility) — nginx only; other proxies are answered black-box by probes. Every path is
 * resolved inside that root (lib/util/safeRead): the container cannot point it elsewhere.
 */
export async function readNginxLocations(
  c: Container,
): Promise<{ locations: ProxyLocation[]; source: string } | { error: string }> {
  if (!c.pid) return { error: `${c.name} is not running` };
  const root = `/proc/${c.pid}/root`;
  const files = ['/etc/nginx/nginx.conf'];
  for (const dir of ['/etc/nginx/conf.d', '/etc/nginx/sites-enabled']) {
    try {
      const real = await resolveInRoot(root, dir);
      for (const f of (await readdir(real)).sort().slice(0, 64))
        if (f.endsWith('.conf') || dir.endsWith('enabled')) files.push(`${dir}/${f}`);
    } catch {
      // absent directory
    }
  }
  const texts: string[] = [];
  const read: string[] = [];
  for (const f of files) {
    try {
      texts.push(await readFileInRoot(root, f, 256 * 1024));
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
function isNginx(t: Topology, c: Container): boolean {
  if (/nginx|openresty/i.test(c.image)) return true;
  const ns = t.namespaces.find((n) => n.id === c.netns);
  return ns?.listeners.some((l) => l.process?.name === 'nginx') ?? false;
}

/** Every running nginx's routes, for a snapshot (bounded; a proxy that cannot be read says why). */
export async function readProxyRoutes(t: Topology): Promise<ProxyRoutes[]> {
  const proxies = t.containers.filter((c) => c.state === 'running' && isNginx(t, c)).slice(0, MAX_PROXIES);
  return Promise.all(
    proxies.map(async (c) => {
      const cfg = await readNginxLocations(c);
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
          httpVersion: l.httpVersion,
          upgradeHeader: l.upgradeHeader,
          connectionHeader: l.connectionHeader,
          readTimeout: l.readTimeout,
        })),
      };
    }),
  );
}

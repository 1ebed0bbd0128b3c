import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ProxyRoutes } from '../model/snapshot';
import type { Container, Topology } from '../model/topology';
import { subjectOf } from '../topology/subject';
import { readFileInRoot, resolveInRoot } from '../util/safeRead';
import { parseCaddyfile, parseCaddyJson } from './caddyConfig';
import {
  type ConfigFiles,
  expandIncludes,
  locationFor,
  type ProxyLocation,
  parseNginx,
  parseNginxTokens,
} from './nginxConfig';
import {
  emptyStatic,
  routesFromDynamic,
  routesFromLabels,
  staticFromArgs,
  staticFromYaml,
  type TraefikStatic,
} from './traefikConfig';

type ProxyRead = { locations: ProxyLocation[]; source: string } | { error: string };

/**
 * A reverse proxy's own configuration, read from inside its container's root (host PID
 * visibility): nginx, Caddy and Traefik (see PROXY_KINDS); other proxies are answered
 * black-box by probes. Every path is
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
 * The containers a proxy forwards to, from its configuration (nginx `proxy_pass`, Caddy's
 * and Traefik's upstreams): for a request path, those of the location nginx would pick (the
 * longest prefix, for the others too); without one, of every location.
 */
export async function upstreamContainers(t: Topology, proxy: Container, path?: string): Promise<Container[]> {
  const cfg = await readProxyLocations(t, proxy);
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

/** Its image names the proxy, or one of its listeners belongs to the proxy's process. */
const imageOrProcess = (image: RegExp, process: string) => (t: Topology, c: Container) => {
  if (image.test(c.image)) return true;
  const ns = t.namespaces.find((n) => n.id === c.netns);
  return ns?.listeners.some((l) => l.process?.name === process) ?? false;
};

export interface ProxyKind {
  name: 'nginx' | 'caddy' | 'traefik';
  detect: (t: Topology, c: Container) => boolean;
  read: (t: Topology, c: Container) => Promise<ProxyRead>;
}

/** The proxies whose configuration Reachmap reads, and how it tells them apart. */
export const PROXY_KINDS: ProxyKind[] = [
  {
    name: 'nginx',
    detect: imageOrProcess(/nginx|openresty/i, 'nginx'),
    read: (_t, c) => readNginxLocations(c),
  },
  {
    name: 'caddy',
    detect: imageOrProcess(/(^|\/)caddy([:@-]|$)/i, 'caddy'),
    read: (_t, c) => readCaddyLocations(c),
  },
  {
    name: 'traefik',
    detect: imageOrProcess(/(^|\/)traefik([:@-]|$)/i, 'traefik'),
    read: readTraefikLocations,
  },
];

export const proxyKindOf = (t: Topology, c: Container): ProxyKind | undefined =>
  PROXY_KINDS.find((k) => k.detect(t, c));

export const isNginx = (t: Topology, c: Container) => proxyKindOf(t, c)?.name === 'nginx';

/** A proxy's routes, whichever kind it is. */
export async function readProxyLocations(t: Topology, c: Container): Promise<ProxyRead> {
  const kind = proxyKindOf(t, c);
  if (!kind)
    return { error: `${c.name} is not a proxy whose configuration Reachmap reads (nginx, Caddy, Traefik)` };
  return kind.read(t, c);
}

/**
 * Caddy's reverse_proxy routes, from the config its process was started with (--config/-c,
 * relative to its working directory; a Caddyfile by name or --adapter, JSON otherwise, as
 * Caddy decides), else the Caddyfile the official image reads.
 */
export async function readCaddyLocations(c: Container): Promise<ProxyRead> {
  if (!c.pid) return { error: `${c.name} is not running` };
  const { args, cwd } = await processArgs(c.pid);
  const flag = (...names: string[]) => {
    const i = args.findIndex((a) => names.some((n) => a === n || a.startsWith(`${n}=`)));
    if (i < 0) return undefined;
    return (args[i] as string).includes('=') ? (args[i] as string).replace(/^[^=]*=/, '') : args[i + 1];
  };
  const given = flag('--config', '-c');
  const file = given ? path.posix.resolve(cwd, given) : '/etc/caddy/Caddyfile';
  // Caddy's own rule: a Caddyfile by name (or with its adapter), else JSON.
  const adapter = flag('--adapter', '-a');
  const json = adapter ? adapter === 'json' : !/(^|\/)Caddyfile[^/]*$|\.caddyfile$/i.test(file);
  try {
    const text = await readFileInRoot(`/proc/${c.pid}/root`, file, 1024 * 1024);
    return {
      locations: json ? parseCaddyJson(JSON.parse(text)) : parseCaddyfile(text),
      source: `inside ${c.name}: ${file}`,
    };
  } catch (e) {
    return {
      error: `no Caddy config readable inside ${c.name} (${file}: ${e instanceof Error ? e.message : String(e)})`,
    };
  }
}

/** A proxy process's arguments and working directory (as seen inside its container). */
async function processArgs(pid: number): Promise<{ args: string[]; cwd: string }> {
  const raw = await readFile(`/proc/${pid}/cmdline`).catch(() => Buffer.alloc(0));
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '/');
  return {
    args: raw
      .subarray(0, 64 * 1024)
      .toString('utf8')
      .split('\0')
      .filter(Boolean),
    cwd: cwd.startsWith('/') ? cwd : '/',
  };
}

/** Every running proxy's routes (bounded; a proxy that cannot be read says why). */
export async function readProxyRoutes(t: Topology): Promise<ProxyRoutes[]> {
  const proxies = t.containers
    .filter((c) => c.state === 'running' && proxyKindOf(t, c))
    .slice(0, MAX_PROXIES);
  return Promise.all(
    proxies.map(async (c) => {
      const cfg = await readProxyLocations(t, c);
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

const TRAEFIK_STATIC = ['/etc/traefik/traefik.yml', '/etc/traefik/traefik.yaml'];
const YAML_FILE = /\.ya?ml$/i;

/**
 * Traefik's routes: its static configuration (traefik.yml when there is one, else the flags
 * of its own process — Traefik takes one source), the labels of the running containers when the
 * Docker provider is on, and the YAML files of the file provider (TOML files are named, not read).
 */
export async function readTraefikLocations(t: Topology, c: Container): Promise<ProxyRead> {
  if (!c.pid) return { error: `${c.name} is not running` };
  const root = `/proc/${c.pid}/root`;
  const read = (f: string) => readFileInRoot(root, f, 256 * 1024);
  const said: string[] = [];
  const unread: string[] = [];
  const { args } = await processArgs(c.pid);
  let s: TraefikStatic = emptyStatic();
  // Traefik takes one source: a configuration file when it finds one, else its flags.
  const given = args.find((a) => /^--configfile=/i.test(a))?.replace(/^[^=]*=/, '');
  let fromFile = false;
  for (const f of given ? [given] : TRAEFIK_STATIC) {
    const text = await read(f).catch(() => null);
    if (text === null) continue;
    fromFile = true;
    try {
      s = staticFromYaml(parseYaml(text));
      said.push(f);
    } catch (e) {
      unread.push(`${f} (${e instanceof Error ? e.message.split('\n')[0] : 'not YAML'})`);
    }
    break;
  }
  const flags = args.some((a) => /^--(providers|entrypoints)\./i.test(a));
  if (!fromFile && flags) {
    s = staticFromArgs(args);
    said.push('its command-line flags');
  }
  // A configuration was read and names no Docker provider: Traefik reads no labels.
  if ((fromFile || flags) && s.docker === null) s.docker = false;
  const locations: ProxyLocation[] = [];
  if (s.docker !== false) {
    const labelled = routesFromLabels(s, t.containers);
    locations.push(...labelled);
    said.push(`labels of the running containers${s.docker === null ? ' (Docker provider assumed)' : ''}`);
  }
  const files: string[] = [];
  if (s.file?.filename) files.push(s.file.filename);
  if (s.file?.directory) {
    const dir = s.file.directory.replace(/\/$/, '');
    const names = await readdir(await resolveInRoot(root, dir)).catch(() => [] as string[]);
    for (const n of names.sort().slice(0, 64)) files.push(`${dir}/${n}`);
  }
  for (const f of files) {
    if (!YAML_FILE.test(f)) {
      unread.push(`${f} (only YAML dynamic files are read)`);
      continue;
    }
    const text = await read(f).catch(() => null);
    if (text === null) {
      unread.push(f);
      continue;
    }
    try {
      locations.push(...routesFromDynamic(s, parseYaml(text)));
      said.push(f);
    } catch {
      unread.push(`${f} (not YAML)`);
    }
  }
  return {
    locations,
    source: `inside ${c.name}: ${said.join(', ') || 'nothing readable'}${unread.length ? `; not read: ${unread.join(', ')}` : ''}`,
  };
}

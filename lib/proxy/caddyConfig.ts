import { FORWARDED_BY_CADDY, type ProxyLocation } from './nginxConfig';

/**
 * Enough of the Caddyfile to answer the proxy question for Caddy: per `reverse_proxy`, which
 * site and path, which upstreams, over which HTTP version, and whether long-lived streams are
 * cut. Caddy forwards WebSocket upgrades by itself (no Upgrade/Connection headers to set) and
 * keeps them open unless `stream_timeout` says otherwise. Pure.
 */

interface Node {
  words: string[];
  children: Node[];
}

interface Word {
  w: string;
  /** Quoted: a "{" or "}" in quotes is text, not a block. */
  q: boolean;
}

/** Words, quoted strings and braces; `#` starts a comment at the start of a word. */
function tokenize(text: string): Word[][] {
  const lines: Word[][] = [];
  let line: Word[] = [];
  let i = 0;
  const n = text.length;
  const push = () => {
    if (line.length) lines.push(line);
    line = [];
  };
  while (i < n) {
    const c = text[i] as string;
    if (c === '\n') {
      push();
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      let word = '';
      while (j < n && text[j] !== c) {
        if (c === '"' && text[j] === '\\' && j + 1 < n) j++;
        word += text[j];
        j++;
      }
      line.push({ w: word, q: true });
      i = j + 1;
    } else {
      let j = i;
      while (j < n && !' \t\r\n'.includes(text[j] as string)) j++;
      line.push({ w: text.slice(i, j), q: false });
      i = j;
    }
  }
  push();
  return lines;
}

/** Lines into blocks: a line ending in `{` opens one, a line `}` closes it (unquoted). */
function parse(lines: Word[][]): Node {
  const root: Node = { words: [], children: [] };
  const stack: Node[] = [root];
  for (const line of lines) {
    const top = stack[stack.length - 1] as Node;
    if (line.length === 1 && line[0]?.w === '}' && !line[0].q) {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const last = line[line.length - 1];
    const opens = last?.w === '{' && !last.q;
    const words = (opens ? line.slice(0, -1) : line).map((x) => x.w);
    const node: Node = { words, children: [] };
    top.children.push(node);
    if (opens && stack.length < 32) stack.push(node);
  }
  return root;
}

/** Directives that open no site: a first line that is one of them is not an address. */
const DIRECTIVES = new Set([
  'reverse_proxy',
  'handle',
  'handle_path',
  'route',
  'handle_errors',
  'file_server',
  'respond',
  'redir',
  'encode',
  'log',
  'tls',
  'root',
  'header',
]);

const isMatcher = (w: string) => w.startsWith('/') || w.startsWith('@') || w === '*';

/** "app:8080", "http://app:8080", ":8080" (this host), "{$UP}" → the URL the watch and rules read. */
function upstreamUrl(u: string): string {
  if (/^[a-z0-9+.-]+:\/\//i.test(u)) return u;
  return `http://${u.startsWith(':') ? `localhost${u}` : u}`;
}

/** `import NAME` of a `(NAME) { … }` snippet, spliced in; bounded in depth and in lines. */
function expandImports(root: Node): Node {
  const snippets = new Map<string, Node[]>();
  for (const c of root.children) {
    const name = /^\((.+)\)$/.exec(c.words[0] ?? '')?.[1];
    if (name && c.words.length === 1) snippets.set(name, c.children);
  }
  let budget = 20_000;
  // `importing`: the snippets being spliced in, so one that imports itself stops there.
  const expand = (nodes: Node[], importing: string[]): Node[] => {
    const out: Node[] = [];
    for (const n of nodes) {
      if (--budget < 0) break;
      const name = n.words[0] === 'import' ? (n.words[1] ?? '') : '';
      const target = snippets.get(name);
      if (target) {
        if (importing.length < 4 && !importing.includes(name))
          for (const x of expand(target, [...importing, name])) out.push(x);
        continue;
      }
      out.push({ words: n.words, children: expand(n.children, importing) });
    }
    return out;
  };
  return { words: [], children: expand(root.children, []) };
}

/** `@name path /a/* …` (one line or a block): the first path of each named matcher. */
function namedMatchers(site: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of site.children) {
    const name = c.words[0];
    if (!name?.startsWith('@')) continue;
    const path = c.words[1] === 'path' ? c.words[2] : c.children.find((x) => x.words[0] === 'path')?.words[1];
    if (path) out.set(name, path);
  }
  return out;
}

/** An upstream Reachmap could dial: not a placeholder ({env.X}) or a unix socket. */
const dialable = (u: string) => !/[{}\s]/.test(u) && !/^unix\//i.test(u);

export function parseCaddyfile(text: string): ProxyLocation[] {
  const root = expandImports(parse(tokenize(text)));
  const out: ProxyLocation[] = [];
  let matchers = new Map<string, string>();
  const pathOf = (m: string, fallback: string) =>
    (m.startsWith('@') ? (matchers.get(m) ?? m) : m) || fallback;
  const walk = (node: Node, site: string, path: string) => {
    for (const child of node.children) {
      const [name, ...args] = child.words;
      if (!name) continue;
      if (name === 'reverse_proxy') {
        const matcher = args[0] && isMatcher(args[0]) ? args[0] : null;
        const upstreams = (matcher ? args.slice(1) : args).filter((a) => a !== '');
        let versions: string[] = [];
        let streamTimeout: string | null = null;
        for (const sub of child.children) {
          const [sn, ...sargs] = sub.words;
          if (sn === 'to') upstreams.push(...sargs);
          if (sn === 'stream_timeout' && sargs[0]) streamTimeout = sargs[0];
          if (sn === 'transport')
            for (const t of sub.children) if (t.words[0] === 'versions') versions = t.words.slice(1);
        }
        if (upstreams.length === 0) continue;
        const servers = upstreams.filter(dialable).map(
          (u) =>
            upstreamUrl(u)
              .replace(/^[a-z0-9+.-]+:\/\//i, '')
              .split('/')[0] as string,
        );
        out.push({
          server: site,
          listen: [site],
          path: matcher ? pathOf(matcher, path) : path,
          upstream: dialable(upstreams[0] as string)
            ? upstreamUrl(upstreams[0] as string)
            : (upstreams[0] as string),
          upstreamServers: servers,
          // Cleartext upstreams speak HTTP/1.1 unless told h2c only.
          httpVersion: versions.length && !versions.includes('1.1') ? versions.join(' ') : '1.1',
          upgradeHeader: FORWARDED_BY_CADDY,
          connectionHeader: FORWARDED_BY_CADDY,
          readTimeout: streamTimeout ?? 'none',
        });
      } else if (['handle', 'handle_path', 'route', 'handle_errors'].includes(name)) {
        walk(child, site, args[0] && isMatcher(args[0]) ? pathOf(args[0], path) : path);
      } else if (node === root && child.children.length > 0 && !name.startsWith('(')) {
        // A site block: its addresses, e.g. "example.com, :80 {"; the global options block has none.
        matchers = namedMatchers(child);
        walk(child, child.words.join(' ').replace(/,$/, ''), '*');
      }
    }
  };
  // A Caddyfile with one site may leave out the braces: its address, then its directives.
  const first = root.children[0];
  const braceless =
    first !== undefined &&
    first.children.length === 0 &&
    !DIRECTIVES.has(first.words[0] ?? '') &&
    root.children.slice(1).some((c) => DIRECTIVES.has(c.words[0] ?? ''));
  if (braceless) {
    const site = { words: [], children: root.children.slice(1) };
    matchers = namedMatchers(site);
    walk(site, first.words.join(' '), '*');
  } else walk(root, '', '*');
  return out;
}

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/**
 * The same routes from Caddy's native JSON config (caddy run --config caddy.json, or the
 * autosave of a config loaded through the admin API): apps.http.servers.*.routes, each route's
 * host and path matchers, reverse_proxy handlers inside them or in subroutes. Pure.
 */
/** A JSON config of any size gives at most this many routes (paths × handlers multiply). */
const MAX_JSON_ROUTES = 2000;

export function parseCaddyJson(doc: unknown): ProxyLocation[] {
  const out: ProxyLocation[] = [];
  const servers = obj(obj(obj(obj(doc).apps).http).servers);
  const walk = (routes: unknown, site: string, listen: string[], paths: string[], depth: number) => {
    if (!Array.isArray(routes) || depth > 8) return;
    for (const route of routes.slice(0, 500)) {
      const r = obj(route);
      const match = Array.isArray(r.match) ? r.match.map(obj) : [];
      const hosts = match.flatMap((m) => strings(m.host));
      const own = match.flatMap((m) => strings(m.path)).slice(0, 100);
      const here = hosts.length ? hosts.join(' ') : site;
      const at = own.length ? own : paths;
      for (const h of Array.isArray(r.handle) ? r.handle.slice(0, 100).map(obj) : []) {
        if (out.length >= MAX_JSON_ROUTES) return;
        if (h.handler === 'subroute') walk(h.routes, here, listen, at, depth + 1);
        if (h.handler !== 'reverse_proxy') continue;
        const dials = (Array.isArray(h.upstreams) ? h.upstreams.map(obj) : [])
          .map((u) => u.dial)
          .filter((d): d is string => typeof d === 'string');
        if (!dials.length) continue;
        const versions = strings(obj(h.transport).versions);
        const tls = obj(h.transport).tls !== undefined;
        const timeout = h.stream_timeout;
        for (const path of at.slice(0, MAX_JSON_ROUTES - out.length))
          out.push({
            server: here,
            listen,
            path,
            upstream: `${tls ? 'https' : 'http'}://${dials[0]}`,
            upstreamServers: dials.filter(dialable),
            httpVersion: versions.length && !versions.includes('1.1') ? versions.join(' ') : '1.1',
            upgradeHeader: FORWARDED_BY_CADDY,
            connectionHeader: FORWARDED_BY_CADDY,
            // Durations are nanoseconds as numbers, or Go duration strings.
            readTimeout:
              typeof timeout === 'string'
                ? timeout
                : typeof timeout === 'number'
                  ? `${timeout / 1e9}s`
                  : 'none',
          });
      }
    }
  };
  for (const [, srv] of Object.entries(servers).slice(0, 50)) {
    const listen = strings(obj(srv).listen);
    walk(obj(srv).routes, listen.join(' '), listen, ['*'], 0);
  }
  return out;
}

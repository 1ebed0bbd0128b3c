/**
 * Just enough of nginx's configuration language to answer the runbook's proxy question:
 * per `location`, where does it proxy, are Upgrade and Connection forwarded, over which
 * HTTP version, and how long may an idle upstream connection live. Pure.
 */

export interface ProxyLocation {
  server: string;
  listen: string[];
  path: string;
  upstream: string | null;
  /** The servers behind proxy_pass: its own host:port, or the members of the named upstream block. */
  upstreamServers: string[];
  httpVersion: string;
  upgradeHeader: string | null;
  connectionHeader: string | null;
  readTimeout: string;
}

interface Block {
  name: string;
  args: string[];
  directives: Array<{ name: string; args: string[] }>;
  children: Block[];
}

/**
 * nginx's tokens: quoted strings (with backslash escapes), comments, braces and semicolons, and
 * bare words. A hand-written scan: one pass, so an unterminated quote in a hostile file costs
 * no more than its length (a regex alternative re-scans from every quote).
 */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const n = text.length;
  const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
  const ends = (c: string) =>
    isSpace(c) || c === '{' || c === '}' || c === ';' || c === '"' || c === "'" || c === '#';
  let i = 0;
  while (i < n) {
    const c = text[i] as string;
    if (isSpace(c)) i++;
    else if (c === '#') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '{' || c === '}' || c === ';') {
      tokens.push(c);
      i++;
    } else if (c === '"' || c === "'") {
      const parts: string[] = [];
      let j = i + 1;
      while (j < n && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < n) {
          parts.push(text[j + 1] as string);
          j += 2;
        } else parts.push(text[j++] as string);
      }
      tokens.push(parts.join(''));
      i = j + 1;
    } else {
      let j = i;
      while (j < n && !ends(text[j] as string)) j++;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

/** Deeper than any real config; a hostile one nests only to this depth. */
const MAX_DEPTH = 64;

function parse(tokens: string[]): Block {
  const root: Block = { name: 'root', args: [], directives: [], children: [] };
  const stack = [root];
  let words: string[] = [];
  for (const t of tokens) {
    const top = stack[stack.length - 1] as Block;
    if (t === ';') {
      if (words.length) top.directives.push({ name: words[0] as string, args: words.slice(1) });
      words = [];
    } else if (t === '{') {
      const b: Block = { name: words[0] ?? '', args: words.slice(1), directives: [], children: [] };
      // Beyond MAX_DEPTH the blocks are dropped: the walk below recurses, and no config nests so.
      if (stack.length < MAX_DEPTH) {
        top.children.push(b);
        stack.push(b);
      }
      words = [];
    } else if (t === '}') {
      if (stack.length > 1) stack.pop();
      words = [];
    } else words.push(t);
  }
  return root;
}

const arg = (b: Block, name: string) => b.directives.find((d) => d.name === name)?.args;

function header(b: Block, parent: Block, name: string): string | null {
  const find = (x: Block) =>
    x.directives.find(
      (d) => d.name === 'proxy_set_header' && d.args[0]?.toLowerCase() === name.toLowerCase(),
    );
  // nginx: proxy_set_header in a location replaces all inherited ones.
  const own = b.directives.some((d) => d.name === 'proxy_set_header') ? find(b) : find(parent);
  return own?.args.slice(1).join(' ') ?? null;
}

export function parseNginx(text: string): ProxyLocation[] {
  const root = parse(tokenize(text));
  const servers: Block[] = [];
  const upstreams = new Map<string, string[]>();
  const walk = (b: Block) => {
    for (const c of b.children) {
      if (c.name === 'server') servers.push(c);
      else if (c.name === 'upstream' && c.args[0])
        upstreams.set(
          c.args[0],
          c.directives.filter((d) => d.name === 'server' && d.args[0]).map((d) => d.args[0] as string),
        );
      else walk(c);
    }
  };
  walk(root);
  // proxy_pass http://NAME/… → the servers of upstream NAME, else the host:port itself.
  const serversOf = (upstream: string | null): string[] => {
    if (!upstream) return [];
    const authority = upstream.replace(/^\w+:\/\//, '').split('/')[0] ?? '';
    return upstreams.get(authority) ?? [authority];
  };
  const out: ProxyLocation[] = [];
  for (const s of servers) {
    const name = arg(s, 'server_name')?.join(' ') ?? '_';
    const listen = s.directives.filter((d) => d.name === 'listen').map((d) => d.args.join(' '));
    for (const loc of s.children.filter((c) => c.name === 'location')) {
      out.push({
        server: name,
        listen,
        path: loc.args.join(' '),
        upstream: arg(loc, 'proxy_pass')?.[0] ?? null,
        upstreamServers: serversOf(arg(loc, 'proxy_pass')?.[0] ?? null),
        httpVersion: arg(loc, 'proxy_http_version')?.[0] ?? arg(s, 'proxy_http_version')?.[0] ?? '1.0',
        upgradeHeader: header(loc, s, 'Upgrade'),
        connectionHeader: header(loc, s, 'Connection'),
        readTimeout: arg(loc, 'proxy_read_timeout')?.[0] ?? arg(s, 'proxy_read_timeout')?.[0] ?? '60s',
      });
    }
  }
  return out;
}

/**
 * How nginx reads `location [= | ^~ | ~ | ~*] uri` (ProxyLocation.path is its arguments joined
 * by a space, so `= /api`). Attached to the URI, nginx takes only "=" and "~"/"~*" as modifiers
 * (`=/api`, `~*\.png$`); `^~/x` is a plain prefix that no path starting with "/" matches, and
 * `@name` is a named location, reached by internal redirects only.
 */
function locationMatch(path: string): { kind: 'exact' | 'prefix' | 'regex' | 'named'; uri: string } {
  const space = path.indexOf(' ');
  const mod = space > 0 ? path.slice(0, space) : '';
  if (mod === '=') return { kind: 'exact', uri: path.slice(space + 1) };
  if (mod === '^~') return { kind: 'prefix', uri: path.slice(space + 1) };
  if (path.startsWith('=')) return { kind: 'exact', uri: path.slice(1) };
  if (path.startsWith('~')) return { kind: 'regex', uri: path };
  if (path.startsWith('@')) return { kind: 'named', uri: path };
  return { kind: 'prefix', uri: path };
}

/**
 * The location nginx would pick for a path: an exact `=` match wins over everything; else the
 * longest matching prefix, `^~` or plain (the first declared on a tie). Regex locations are
 * not evaluated: when that prefix is a plain one (not `^~`), nginx would try the regexes in
 * order first and take the first that matches, so with regex locations in the server the
 * answer may be a regex location instead; we cannot run nginx's PCRE patterns here and keep
 * the prefix.
 */
export function locationFor(locs: ProxyLocation[], path: string): ProxyLocation | undefined {
  let best: ProxyLocation | undefined;
  let bestLength = -1;
  for (const l of locs) {
    const { kind, uri } = locationMatch(l.path);
    if (kind === 'exact' && uri === path) return l;
    if (kind === 'prefix' && uri.length > bestLength && path.startsWith(uri)) {
      best = l;
      bestLength = uri.length;
    }
  }
  return best;
}

/** Whether a location forwards WebSocket upgrades. */
export function forwardsUpgrade(l: ProxyLocation): {
  upgrade: boolean;
  connection: boolean;
  http11: boolean;
} {
  return {
    upgrade: /\$http_upgrade/.test(l.upgradeHeader ?? ''),
    connection: /upgrade|\$connection_upgrade|\$http_connection/i.test(l.connectionHeader ?? ''),
    http11: l.httpVersion === '1.1',
  };
}

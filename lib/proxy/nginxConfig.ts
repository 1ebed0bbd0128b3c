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
export function tokenize(text: string): string[] {
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

/**
 * A setting as nginx inherits it: from the innermost of `levels` (location, server, http)
 * that sets it at all.
 */
const inherited = (levels: Block[], name: string) =>
  levels.map((b) => arg(b, name)?.[0]).find((v) => v !== undefined);

function header(levels: Block[], name: string): string | null {
  // nginx: proxy_set_header at one level replaces all the ones it would inherit.
  const level = levels.find((b) => b.directives.some((d) => d.name === 'proxy_set_header'));
  const own = level?.directives.find(
    (d) => d.name === 'proxy_set_header' && d.args[0]?.toLowerCase() === name.toLowerCase(),
  );
  return own?.args.slice(1).join(' ') ?? null;
}

/**
 * proxy_pass with the variables `set` in its server and location filled in: Nginx Proxy
 * Manager writes every proxy host as `set $server "app"; set $port 8080;` and
 * `proxy_pass $forward_scheme://$server:$port$request_uri`. Variables nginx sets per request
 * ($request_uri, $host) stay as they are.
 */
function withVariables(pass: string | null, levels: Block[]): string | null {
  if (!pass?.includes('$')) return pass;
  const vars = new Map<string, string>();
  for (const b of levels)
    for (const d of b.directives)
      if (d.name === 'set' && d.args[0]?.startsWith('$') && d.args[1] !== undefined)
        vars.set(d.args[0].slice(1), d.args[1]);
  return pass.replace(/\$\{?(\w+)\}?/g, (all, v: string) => vars.get(v) ?? all);
}

export function parseNginx(text: string): ProxyLocation[] {
  return parseNginxTokens(tokenize(text));
}

/** The same, from tokens (a configuration whose `include`s were spliced in: expandIncludes). */
export function parseNginxTokens(tokens: string[]): ProxyLocation[] {
  const root = parse(tokens);
  const servers: Array<{ server: Block; http: Block | null }> = [];
  const upstreams = new Map<string, string[]>();
  const walk = (b: Block, http: Block | null) => {
    for (const c of b.children) {
      if (c.name === 'server') servers.push({ server: c, http });
      else if (c.name === 'upstream' && c.args[0])
        upstreams.set(
          c.args[0],
          c.directives.filter((d) => d.name === 'server' && d.args[0]).map((d) => d.args[0] as string),
        );
      else walk(c, c.name === 'http' ? c : http);
    }
  };
  walk(root, null);
  // proxy_pass http://NAME/… → the servers of upstream NAME, else the host:port itself
  // (a variable nobody set, such as $request_uri, ends it).
  const serversOf = (upstream: string | null): string[] => {
    if (!upstream) return [];
    const authority = upstream.replace(/^\w+:\/\//, '').split(/[/$]/)[0] ?? '';
    // No host, or a port nobody set (app:$port): nothing to dial.
    if (!authority || authority.endsWith(':')) return [];
    return upstreams.get(authority) ?? [authority];
  };
  const out: ProxyLocation[] = [];
  for (const { server: s, http } of servers) {
    const name = arg(s, 'server_name')?.join(' ') ?? '_';
    const listen = s.directives.filter((d) => d.name === 'listen').map((d) => d.args.join(' '));
    for (const loc of s.children.filter((c) => c.name === 'location')) {
      const levels = http ? [loc, s, http] : [loc, s];
      const pass = withVariables(arg(loc, 'proxy_pass')?.[0] ?? null, [s, loc]);
      out.push({
        server: name,
        listen,
        path: loc.args.join(' '),
        upstream: pass,
        upstreamServers: serversOf(pass),
        httpVersion: inherited(levels, 'proxy_http_version') ?? '1.0',
        upgradeHeader: header(levels, 'Upgrade'),
        connectionHeader: header(levels, 'Connection'),
        readTimeout: inherited(levels, 'proxy_read_timeout') ?? '60s',
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
/** Caddy's reverse_proxy forwards Upgrade and Connection itself (lib/proxy/caddyConfig). */
export const FORWARDED_BY_CADDY = '(forwarded by Caddy)';
/** Traefik forwards WebSocket upgrades by itself too (lib/proxy/traefikConfig). */
export const FORWARDED_BY_TRAEFIK = '(forwarded by Traefik)';
const FORWARDED_BY_PROXY = new Set([FORWARDED_BY_CADDY, FORWARDED_BY_TRAEFIK]);

export function forwardsUpgrade(l: ProxyLocation): {
  upgrade: boolean;
  connection: boolean;
  http11: boolean;
} {
  const itself = FORWARDED_BY_PROXY.has(l.upgradeHeader ?? '');
  return {
    upgrade: itself || /\$http_upgrade/.test(l.upgradeHeader ?? ''),
    connection: itself || /upgrade|\$connection_upgrade|\$http_connection/i.test(l.connectionHeader ?? ''),
    http11: l.httpVersion === '1.1',
  };
}

/** Where expandIncludes reads: paths are absolute inside the proxy's root. */
export interface ConfigFiles {
  read(path: string): Promise<string>;
  list(dir: string): Promise<string[]>;
}

/** Bounds for a hostile configuration: includes that include themselves, thousands of files. */
const INCLUDE_DEPTH = 8;
const INCLUDE_FILES = 128;
const MAX_TOKENS = 200_000;
const MAX_LISTINGS = 64;
/** Include directives followed, and glob steps spent, per configuration. */
const MAX_INCLUDES = 512;
const GLOB_STEPS = 4_000_000;

/** A glob element: a literal character, `?`, `*`, or a class compiled once. */
type GlobPart =
  | { kind: 'char'; c: string }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'class'; test: (c: string) => boolean };

/** Longest include pattern taken (a file name is at most 255 bytes; longer is hostile). */
const MAX_PATTERN = 255;

function compileGlob(pattern: string): GlobPart[] {
  const parts: GlobPart[] = [];
  for (let p = 0; p < pattern.length; ) {
    const ch = pattern[p] as string;
    if (ch === '*') {
      parts.push({ kind: 'star' });
      p++;
    } else if (ch === '?') {
      parts.push({ kind: 'any' });
      p++;
    } else if (ch === '[') {
      let q = p + 1;
      const negate = pattern[q] === '!' || pattern[q] === '^';
      if (negate) q++;
      const start = q;
      const singles = new Set<string>();
      const ranges: Array<[string, string]> = [];
      while (q < pattern.length && (pattern[q] !== ']' || q === start)) {
        const lo = pattern[q] as string;
        if (pattern[q + 1] === '-' && q + 2 < pattern.length && pattern[q + 2] !== ']') {
          ranges.push([lo, pattern[q + 2] as string]);
          q += 3;
        } else {
          singles.add(lo);
          q++;
        }
      }
      if (q >= pattern.length) {
        // An unterminated class is a plain "[".
        parts.push({ kind: 'char', c: '[' });
        p++;
        continue;
      }
      const test = (c: string) => (singles.has(c) || ranges.some(([a, b]) => c >= a && c <= b)) !== negate;
      parts.push({ kind: 'class', test });
      p = q + 1;
    } else {
      parts.push({ kind: 'char', c: ch });
      p++;
    }
  }
  return parts;
}

/**
 * glob(3) on one file name, as nginx's include uses it: `*`, `?`, `[...]` (`!` or `^`
 * negates, `a-z` ranges; an unterminated `[` is a plain character), and a leading dot only
 * matched by a pattern that starts with one. The pattern is compiled once (at most 255
 * characters), then matched iteratively, backtracking only to the last `*`: at most
 * name × pattern steps of constant cost.
 */
export function globMatch(
  pattern: string,
  name: string,
  budget: { steps: number } = { steps: Infinity },
): boolean {
  return globMatcher(pattern)(name, budget);
}

/** The pattern compiled once, for many names (a budget shared by all of them). */
function globMatcher(pattern: string): (name: string, budget: { steps: number }) => boolean {
  if (pattern.length > MAX_PATTERN) return () => false;
  const parts = compileGlob(pattern);
  const dotted = pattern.startsWith('.');
  return (name, budget) => matchParts(parts, dotted, name, budget);
}

function matchParts(parts: GlobPart[], dotted: boolean, name: string, budget: { steps: number }): boolean {
  if (budget.steps < 0) return false;
  if (name.startsWith('.') && !dotted) return false;
  const takes = (part: GlobPart, c: string) =>
    part.kind === 'any' || (part.kind === 'char' ? part.c === c : part.kind === 'class' && part.test(c));
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (--budget.steps < 0) return false;
    const part = parts[p];
    if (part?.kind === 'star') {
      star = p++;
      mark = n;
      continue;
    }
    if (part && takes(part, name[n] as string)) {
      p++;
      n++;
      continue;
    }
    if (star < 0) return false;
    p = star + 1;
    n = ++mark;
  }
  while (parts[p]?.kind === 'star') p++;
  return p === parts.length;
}

/**
 * `file` with every `include` spliced in, as `nginx -T` shows it: relative patterns are
 * resolved against the configuration's directory (nginx's conf prefix), globs match file
 * names in name order (as nginx's glob does). Files that cannot be read are named in
 * `unread` and skipped (nginx would refuse to start on them; the rest still answers).
 * Bounded in depth, files and tokens.
 */
export async function expandIncludes(
  files: ConfigFiles,
  file: string,
): Promise<{ tokens: string[]; read: string[]; unread: string[] }> {
  const prefix = file.slice(0, file.lastIndexOf('/') + 1) || '/';
  const read: string[] = [];
  // A file included from several places is named once.
  const unread = new Set<string>();
  const out: string[] = [];
  const full = () => read.length + unread.size >= INCLUDE_FILES;
  // Directory listings: each read once, and only so many (a file of a thousand globs over
  // a big directory would otherwise list it a thousand times).
  const listings = new Map<string, Promise<string[]>>();
  const budget = { steps: GLOB_STEPS };
  let includes = 0;
  let budgetSpent = false;
  const matches = async (pattern: string): Promise<string[]> => {
    const abs = pattern.startsWith('/') ? pattern : prefix + pattern;
    const slash = abs.lastIndexOf('/');
    const dir = abs.slice(0, slash) || '/';
    const name = abs.slice(slash + 1);
    if (/[*?[]/.test(dir)) {
      unread.add(`${abs} (a wildcard in a directory name is not followed)`);
      return [];
    }
    if (!/[*?[]/.test(name)) return [abs];
    if (full()) return [];
    if (name.length > MAX_PATTERN) {
      unread.add(`${abs.slice(0, 80)}… (a pattern over ${MAX_PATTERN} characters)`);
      return [];
    }
    let listing = listings.get(dir);
    if (!listing) {
      if (listings.size >= MAX_LISTINGS) {
        unread.add(`${abs} (over ${MAX_LISTINGS} directories listed)`);
        return [];
      }
      listing = files.list(dir);
      listings.set(dir, listing);
    }
    try {
      const names = await listing;
      const match = globMatcher(name);
      const hit = names.filter((f) => match(f, budget));
      if (budget.steps < 0 && !budgetSpent) {
        budgetSpent = true;
        unread.add(`${abs} and later globs (matching stopped: over ${GLOB_STEPS} steps in all)`);
      }
      return hit
        .sort()
        .slice(0, INCLUDE_FILES)
        .map((f) => `${dir === '/' ? '' : dir}/${f}`);
    } catch {
      return []; // nginx: a glob that matches nothing is no error
    }
  };
  const expand = async (path: string, depth: number): Promise<void> => {
    if (full()) {
      unread.add(`${path} (over ${INCLUDE_FILES} files)`);
      return;
    }
    let text: string;
    try {
      text = await files.read(path);
    } catch (e) {
      unread.add(`${path} (${e instanceof Error ? e.message : String(e)})`);
      return;
    }
    read.push(path);
    const tokens = tokenize(text);
    for (let i = 0; i < tokens.length; i++) {
      if (out.length >= MAX_TOKENS) {
        unread.add(`${path} (past ${MAX_TOKENS} tokens in all)`);
        return;
      }
      const t = tokens[i] as string;
      const atStatement = i === 0 || ['{', '}', ';'].includes(tokens[i - 1] as string);
      if (t === 'include' && atStatement && tokens[i + 2] === ';' && tokens[i + 1] !== undefined) {
        if (++includes > MAX_INCLUDES) {
          if (includes === MAX_INCLUDES + 1)
            unread.add(`${tokens[i + 1]} and later ones (over ${MAX_INCLUDES} include directives)`);
        } else if (depth >= INCLUDE_DEPTH) unread.add(`${tokens[i + 1]} (included ${INCLUDE_DEPTH} deep)`);
        else for (const m of await matches(tokens[i + 1] as string)) await expand(m, depth + 1);
        i += 2;
      } else out.push(t);
    }
  };
  await expand(file, 0);
  return { tokens: out, read, unread: [...unread] };
}

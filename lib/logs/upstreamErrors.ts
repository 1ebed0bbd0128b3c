/**
 * A reverse proxy's own words for why it answered 502/504: nginx's error log, and the Go
 * proxies (Traefik, Caddy) that quote the dial error. Only what the line says, parsed.
 */

export type UpstreamFailure =
  | 'refused'
  | 'timeout'
  | 'unreachable'
  | 'reset'
  | 'no-live-upstream'
  | 'unresolved';

export interface UpstreamError {
  failure: UpstreamFailure;
  /** The upstream address as the proxy dialled it, when the line names one. */
  address: string | null;
  port: number | null;
  /** The proxy's wording, e.g. "111: Connection refused". */
  detail: string;
}

const NGINX_ERRNO: Record<string, UpstreamFailure> = {
  '111': 'refused',
  '110': 'timeout',
  '113': 'unreachable',
  '101': 'unreachable',
  '104': 'reset',
};

const GO_DIAL: Array<[RegExp, UpstreamFailure]> = [
  [/connection refused/i, 'refused'],
  [/i\/o timeout|timed out/i, 'timeout'],
  [/no route to host|network is unreachable/i, 'unreachable'],
  [/connection reset/i, 'reset'],
  [/no such host/i, 'unresolved'],
];

function splitHostPort(hp: string): { address: string | null; port: number | null } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(hp) ?? /^([^:]+):(\d+)$/.exec(hp);
  return m ? { address: m[1] as string, port: Number(m[2]) } : { address: hp || null, port: null };
}

export function parseUpstreamError(line: string): UpstreamError | null {
  // nginx: connect() failed (111: Connection refused) while connecting to upstream, … upstream: "http://172.18.0.5:18789/"
  const nginx =
    /\((\d+): ([^)]+)\) while (?:connecting to|reading response header from) upstream/.exec(line) ??
    /upstream (timed out) \((\d+): ([^)]+)\)/.exec(line);
  const upstream = /upstream: "[a-z]+:\/\/([^/"]+)/.exec(line);
  if (nginx) {
    const [errno, text] = nginx[1] === 'timed out' ? [nginx[2], nginx[3]] : [nginx[1], nginx[2]];
    return {
      failure: NGINX_ERRNO[errno as string] ?? (nginx[1] === 'timed out' ? 'timeout' : 'refused'),
      ...splitHostPort(upstream?.[1] ?? ''),
      detail: `${errno}: ${text}`,
    };
  }
  if (/upstream prematurely closed connection/.test(line))
    return {
      failure: 'reset',
      ...splitHostPort(upstream?.[1] ?? ''),
      detail: 'upstream prematurely closed connection',
    };
  // nginx with a resolver (per-request resolution): the name does not resolve now.
  const unresolved = /\s(\S+) could not be resolved \((\d+: [^)]+)\)/.exec(line);
  if (unresolved)
    return {
      failure: 'unresolved',
      address: unresolved[1] as string,
      port: null,
      detail: unresolved[2] as string,
    };
  if (/no live upstreams while connecting to upstream/.test(line))
    return {
      failure: 'no-live-upstream',
      ...splitHostPort(upstream?.[1] ?? ''),
      detail: 'no live upstreams',
    };
  // Go: dial tcp 172.18.0.5:18789: connect: connection refused
  const dial = /dial tcp ([^\s:]+:\d+|\[[^\]]+\]:\d+): ([^"\\]+)/.exec(line);
  if (dial) {
    const failure = GO_DIAL.find(([re]) => re.test(dial[2] as string))?.[1];
    if (failure) return { failure, ...splitHostPort(dial[1] as string), detail: (dial[2] as string).trim() };
  }
  // Go, after connecting: read tcp 172.18.0.8:45678->172.18.0.5:18789: read: connection reset by peer
  const read = /(?:read|write) tcp \S+->(\S+:\d+): (?:read|write): ([^"\\]+)/.exec(line);
  if (read) {
    const failure = GO_DIAL.find(([re]) => re.test(read[2] as string))?.[1];
    if (failure) return { failure, ...splitHostPort(read[1] as string), detail: (read[2] as string).trim() };
  }
  const lookup = /dial tcp: lookup (\S+?)(?: on \S+)?: no such host/.exec(line);
  if (lookup)
    return { failure: 'unresolved', address: lookup[1] as string, port: null, detail: 'no such host' };
  return null;
}

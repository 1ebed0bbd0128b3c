import type { Container, EnvReference } from '../model/topology';

/**
 * Which other containers a container names in its environment — DATABASE_URL=postgres://…@db,
 * REDIS_ADDR=redis:6379, API_HOST=api with API_PORT=8080 — the paths its application will
 * take. Only the variable's name, a scheme, a host and a port come out of a value (never a
 * password, path or query), and only when the host is a container, service, alias or address
 * of this topology: a value is not kept on a guess. Pure.
 */

export interface EnvCandidate {
  env: string;
  scheme: string | null;
  host: string;
  port: number | null;
}

const DEFAULT_PORTS: Record<string, number> = {
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  postgres: 5432,
  postgresql: 5432,
  mysql: 3306,
  mariadb: 3306,
  redis: 6379,
  rediss: 6379,
  amqp: 5672,
  mongodb: 27017,
  nats: 4222,
};

const URL_RE =
  /\b([a-z][a-z0-9+.-]{1,15}):\/\/(?:[^@\s/]*@)?([A-Za-z0-9_.-]+|\[[0-9A-Fa-f:]+\])(?::(\d{1,5}))?/g;
const HOST_PORT = /^([A-Za-z0-9][A-Za-z0-9_.-]*):(\d{1,5})$/;
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$/;
const MAX = 32;

/** Candidates from KEY=VALUE lines, before they are matched against the topology. */
export function envCandidates(env: readonly string[]): EnvCandidate[] {
  const vars = new Map<string, string>();
  for (const kv of env.slice(0, 1000)) {
    const eq = kv.indexOf('=');
    if (eq > 0) vars.set(kv.slice(0, eq), kv.slice(eq + 1, eq + 1 + 4096));
  }
  const out: EnvCandidate[] = [];
  for (const [name, value] of vars) {
    if (out.length >= MAX) break;
    for (const m of value.matchAll(URL_RE)) {
      const scheme = (m[1] as string).toLowerCase();
      const port = m[3] ? Number(m[3]) : (DEFAULT_PORTS[scheme] ?? null);
      out.push({ env: name, scheme, host: (m[2] as string).replace(/^\[|\]$/g, ''), port });
    }
    const hp = HOST_PORT.exec(value.trim());
    if (hp) out.push({ env: name, scheme: null, host: hp[1] as string, port: Number(hp[2]) });
    // DB_HOST=db with DB_PORT=5432 beside it.
    const stem = /^(.*)_(HOST|HOSTNAME|ADDR|SERVER)$/i.exec(name)?.[1];
    if (stem && HOST_NAME.test(value.trim()) && !hp) {
      const port = Number(vars.get(`${stem}_PORT`));
      out.push({
        env: name,
        scheme: null,
        host: value.trim(),
        port: Number.isInteger(port) && port > 0 ? port : null,
      });
    }
  }
  return out.filter((c) => c.port === null || (c.port > 0 && c.port < 65536));
}

/** The candidates that name another container of the topology, with that container's name. */
export function resolveEnvReferences(
  self: Pick<Container, 'id' | 'attachments' | 'sharesNetnsWith'>,
  candidates: readonly EnvCandidate[],
  containers: readonly Container[],
): EnvReference[] {
  const out: EnvReference[] = [];
  const seen = new Set<string>();
  // Names resolve on the networks the namespace is on (its own, or the one it shares):
  // another project's "db" is not this one's.
  const owner = self.sharesNetnsWith ? containers.find((x) => x.id === self.sharesNetnsWith) : undefined;
  const nets = new Set((owner ?? self).attachments.map((a) => a.networkId));
  const named = (x: Container, host: string) =>
    x.attachments.some((a) => nets.has(a.networkId)) &&
    (x.name.toLowerCase() === host ||
      x.compose?.service.toLowerCase() === host ||
      x.attachments.some((a) => nets.has(a.networkId) && a.aliases.some((al) => al.toLowerCase() === host)));
  for (const c of candidates) {
    const host = c.host.toLowerCase();
    const target = containers.find(
      (x) =>
        x.id !== self.id && (named(x, host) || x.attachments.some((a) => a.ipv4 === host || a.ipv6 === host)),
    );
    if (!target || c.port === null) continue;
    const key = `${c.env} ${host}:${c.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ env: c.env, scheme: c.scheme, host: c.host, port: c.port, container: target.name });
  }
  return out;
}

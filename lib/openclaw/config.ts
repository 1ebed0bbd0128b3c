import JSON5 from 'json5';
import type { DockerContainer } from '../docker/schemas';

/**
 * OpenClaw Gateway awareness (shared/docs/openclaw.md): recognise a gateway, and read the
 * few settings that decide reachability from its JSON5 config — bind, port, allowed
 * origins, trusted proxies. The file also holds the auth token: only these fields are
 * picked out; the file itself is never kept or shown.
 */

export interface OpenclawFacts {
  configSource: string;
  bind: string | null;
  port: number | null;
  allowedOrigins: string[] | null;
  trustedProxies: string[] | null;
}

const DEFAULT_DIRS = ['/home/node/.openclaw', '/root/.openclaw'];

export function looksLikeGateway(c: DockerContainer): boolean {
  const text = `${c.Config.Image} ${c.Path} ${c.Args.join(' ')}`.toLowerCase();
  if (text.includes('openclaw')) return true;
  if (c.Mounts.some((m) => m.Destination.includes('.openclaw'))) return true;
  // `node dist/index.js gateway --port 18789`-style command lines.
  return /\bgateway\b/.test(text) && /--(port|bind)\b/.test(text);
}

/**
 * Where the config may be, most direct first: a mount's source on the host, then inside the
 * container's root (resolved within that root — see lib/util/safeRead).
 */
export function configCandidates(c: DockerContainer): Array<{ root: string; file: string }> {
  const out: Array<{ root: string; file: string }> = [];
  for (const m of c.Mounts) {
    if (!m.Source) continue;
    if (m.Destination.endsWith('/openclaw.json')) out.push({ root: '/', file: m.Source });
    else if (m.Destination.endsWith('.openclaw')) out.push({ root: '/', file: `${m.Source}/openclaw.json` });
  }
  if (c.State.Pid > 0)
    for (const d of DEFAULT_DIRS) out.push({ root: `/proc/${c.State.Pid}/root`, file: `${d}/openclaw.json` });
  return out;
}

const strings = (v: unknown): string[] | null =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null;

/** Pick the reachability settings out of the config text. Pure. */
export function extractSettings(text: string): Omit<OpenclawFacts, 'configSource'> {
  const doc = JSON5.parse(text) as { gateway?: Record<string, unknown> };
  const g = (doc?.gateway ?? {}) as {
    bind?: unknown;
    port?: unknown;
    controlUi?: { allowedOrigins?: unknown };
    trustedProxies?: unknown;
  };
  return {
    bind: typeof g.bind === 'string' ? g.bind : null,
    port: typeof g.port === 'number' && Number.isInteger(g.port) ? g.port : null,
    allowedOrigins: strings(g.controlUi?.allowedOrigins),
    trustedProxies: strings(g.trustedProxies),
  };
}

/** Command-line flags override the file (`--bind`, `--port`). */
export function effectiveFromArgs(
  args: string[],
  file: Omit<OpenclawFacts, 'configSource'>,
): Omit<OpenclawFacts, 'configSource'> {
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    if (i >= 0) return args[i + 1];
    const eq = args.find((a) => a.startsWith(`--${name}=`));
    return eq?.slice(name.length + 3);
  };
  const port = Number(flag('port'));
  return {
    ...file,
    bind: flag('bind') ?? file.bind,
    port: Number.isInteger(port) && port > 0 ? port : file.port,
  };
}

/** What a bind mode means as an address (openclaw.md: Listening). */
export function bindAddress(mode: string | null): string | null {
  if (mode === null) return null;
  return (
    {
      loopback: '127.0.0.1',
      lan: '0.0.0.0',
      auto: '0.0.0.0 (inside a container)',
      tailnet: 'the Tailscale address + 127.0.0.1',
    }[mode] ?? mode
  );
}

import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { BASE_PATH_PATTERN } from './basePath';
import { chooseEngine, DEFAULT_DOCKER_HOST, DockerContextError, type EngineChoice } from './docker/context';
import { type DockerEndpoint, engineEndpoint, parseDockerHost } from './docker/endpoint';
import { OperatorError } from './errors';
import { LOG_LEVELS } from './logLevels';
import { hostPort } from './util/address';
import { type PinnedPath, parsePinned } from './watch/paths';

/**
 * Settings shared by the server and the CLI, from flags over environment over defaults.
 * A bad value stops start-up with a message naming the setting (env name and flag).
 */

export const DEFAULT_PORT = 7391;

const hostname = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]_-]+$/, 'expected an IP address or host name');

function validAllowEntry(e: string): boolean {
  if (e === '*') return true;
  const [addr, bits, extra] = e.split('/');
  if (extra !== undefined || !addr) return false;
  const v = isIP(addr);
  if (bits !== undefined) {
    const n = Number(bits);
    return v !== 0 && /^\d+$/.test(bits) && n >= 0 && n <= (v === 4 ? 32 : 128);
  }
  return v !== 0 || /^[A-Za-z0-9.-]{1,253}$/.test(addr);
}

const SettingsSchema = z.object({
  host: hostname,
  port: z.coerce.number({ error: 'expected a number' }).int('expected an integer').min(1).max(65535),
  dockerHost: z.string().superRefine((v, ctx) => {
    try {
      parseDockerHost(v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  }),
  /** TLS for a tcp:// engine: DOCKER_TLS_VERIFY=1, or a context with TLS files. */
  dockerTlsVerify: z.boolean(),
  dockerCertPath: z.string().nullable(),
  /** The Docker context the engine came from (--context, DOCKER_CONTEXT, the CLI's current one). */
  dockerContext: z.string().nullable(),
  /**
   * Why the engine could not be chosen (an unknown context): said when a command needs the
   * engine (engineOf), so `url`, `rotate-token` and offline snapshot commands still work.
   */
  dockerEngineError: z.string().nullable(),
  /** An ssh_config file for ssh:// engines (else ssh's own ~/.ssh/config). */
  sshConfig: z.string().min(1).nullable(),
  dataDir: z.string().min(1),
  token: z
    .string()
    .regex(/^[A-Za-z0-9_-]{32,256}$/, 'expected 32–256 characters of A–Z, a–z, 0–9, "_" or "-"')
    .optional(),
  allowedHosts: z.array(hostname),
  /** Extra probe targets beyond the topology: CIDRs, addresses, names, or "*". */
  probeRunner: z.enum(['auto', 'process', 'in-process', 'nsenter', 'exec', 'helper-container'], {
    error: 'expected auto, process, nsenter, exec, helper-container or in-process',
  }),
  helperImage: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._/:@-]{0,254}$/, 'expected an image reference')
    .nullable(),
  logCapture: z.enum(['on', 'off'], { error: 'expected on or off' }),
  logLevel: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }),
  /** A topology recorded by `reachmap scan --json` to serve instead of a live engine. */
  replay: z.string().min(1).nullable(),
  /**
   * Where users reach the dashboard (behind a reverse proxy or tunnel): snapshot links are
   * built on it. Origin only, or origin and path prefix; no query, fragment or credentials.
   */
  publicUrl: z
    .string()
    .refine((v) => {
      try {
        const u = new URL(v);
        return (
          (u.protocol === 'http:' || u.protocol === 'https:') &&
          !u.username &&
          !u.password &&
          !u.search &&
          !u.hash
        );
      } catch {
        return false;
      }
    }, 'expected an http(s) URL without credentials, query or fragment, e.g. https://reachmap.example.com')
    .transform((v) => v.replace(/\/+$/, ''))
    .nullable(),
  /** A path prefix behind a reverse proxy ("/reachmap"); the Next build must carry the same. */
  basePath: z
    .string()
    .max(200)
    .regex(BASE_PATH_PATTERN, 'expected "" or /path without a trailing slash, e.g. /reachmap'),
  /** The dashboard's own watch over the paths that matter (lib/watch). */
  watch: z.enum(['on', 'off'], { error: 'expected on or off' }),
  watchIntervalMs: z.coerce
    .number({ error: 'expected seconds' })
    .min(5, 'expected at least 5 seconds')
    .max(3600, 'expected at most 3600 seconds')
    .transform((s) => Math.round(s * 1000)),
  /** Paths the operator pinned: FROM>TO, comma-separated. */
  watchPaths: z.array(z.string()).transform((list, ctx) => {
    const out: PinnedPath[] = [];
    for (const spec of list)
      try {
        out.push(parsePinned(spec));
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    return out;
  }),
  /** Reverse proxies (addresses, CIDRs) whose X-Forwarded-For names the client. */
  trustedProxies: z.array(
    z
      .string()
      .refine(
        (e) => e !== '*' && isIP(e.split('/')[0] ?? '') !== 0 && validAllowEntry(e),
        'expected an IP address or a CIDR',
      ),
  ),
  probeAllow: z.array(
    z
      .string()
      .refine(
        validAllowEntry,
        'expected "*", an IP address, a CIDR (IPv4 /0–32, IPv6 /0–128) or a host name',
      ),
  ),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** Which env variable and flag set each field, for error messages. */
export const SETTING_NAMES: Record<keyof Settings, { env: string; flag?: string }> = {
  host: { env: 'REACHMAP_HOST', flag: '--host' },
  port: { env: 'REACHMAP_PORT', flag: '--port' },
  dockerHost: { env: 'DOCKER_HOST', flag: '--docker-host' },
  dockerTlsVerify: { env: 'DOCKER_TLS_VERIFY' },
  dockerCertPath: { env: 'DOCKER_CERT_PATH' },
  dockerContext: { env: 'DOCKER_CONTEXT', flag: '--context' },
  dockerEngineError: { env: 'DOCKER_CONTEXT', flag: '--context' },
  sshConfig: { env: 'REACHMAP_SSH_CONFIG' },
  dataDir: { env: 'REACHMAP_DATA_DIR', flag: '--data-dir' },
  token: { env: 'REACHMAP_TOKEN' },
  allowedHosts: { env: 'REACHMAP_ALLOWED_HOSTS' },
  probeAllow: { env: 'REACHMAP_PROBE_ALLOW' },
  trustedProxies: { env: 'REACHMAP_TRUSTED_PROXIES' },
  probeRunner: { env: 'REACHMAP_PROBE_RUNNER' },
  logCapture: { env: 'REACHMAP_LOG_CAPTURE' },
  helperImage: { env: 'REACHMAP_HELPER_IMAGE' },
  replay: { env: 'REACHMAP_REPLAY', flag: '--replay' },
  publicUrl: { env: 'REACHMAP_PUBLIC_URL' },
  basePath: { env: 'REACHMAP_BASE_PATH' },
  watch: { env: 'REACHMAP_WATCH' },
  watchIntervalMs: { env: 'REACHMAP_WATCH_INTERVAL' },
  watchPaths: { env: 'REACHMAP_WATCH_PATHS' },
  logLevel: { env: 'REACHMAP_LOG_LEVEL' },
};

export class SettingsError extends OperatorError {
  override name = 'SettingsError';
}

/** Any environment-like map (process.env, or a test's). */
export type Env = Record<string, string | undefined>;

export type SettingFlags = Partial<
  Record<'host' | 'port' | 'dockerHost' | 'context' | 'dataDir' | 'replay', string>
>;

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function defaultDataDir(env: Env): string {
  const base = env.XDG_DATA_HOME || path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(base, 'reachmap');
}

export function loadSettings(env: Env = process.env, flags: SettingFlags = {}): Settings {
  const replay = flags.replay ?? env.REACHMAP_REPLAY;
  let engine: EngineChoice;
  let engineError: string | null = null;
  try {
    engine = chooseEngine(env, { dockerHost: flags.dockerHost, context: flags.context });
  } catch (e) {
    if (!(e instanceof DockerContextError)) throw e;
    engine = { host: DEFAULT_DOCKER_HOST, tlsVerify: false, certPath: null, context: null };
    engineError = `invalid setting DOCKER_CONTEXT / --context: ${e.message}`;
  }
  const raw = {
    host: flags.host ?? env.REACHMAP_HOST ?? '127.0.0.1',
    port: flags.port ?? env.REACHMAP_PORT ?? String(DEFAULT_PORT),
    dockerHost: engine.host,
    dockerTlsVerify: engine.tlsVerify,
    dockerCertPath: engine.certPath,
    dockerContext: engine.context,
    dockerEngineError: engineError,
    sshConfig: env.REACHMAP_SSH_CONFIG ? path.resolve(env.REACHMAP_SSH_CONFIG) : null,
    dataDir: path.resolve(flags.dataDir ?? env.REACHMAP_DATA_DIR ?? defaultDataDir(env)),
    token: env.REACHMAP_TOKEN || undefined,
    allowedHosts: list(env.REACHMAP_ALLOWED_HOSTS),
    probeAllow: list(env.REACHMAP_PROBE_ALLOW),
    trustedProxies: list(env.REACHMAP_TRUSTED_PROXIES),
    probeRunner: env.REACHMAP_PROBE_RUNNER || 'auto',
    logCapture: env.REACHMAP_LOG_CAPTURE || 'on',
    helperImage: env.REACHMAP_HELPER_IMAGE || null,
    replay: replay ? path.resolve(replay) : null,
    publicUrl: env.REACHMAP_PUBLIC_URL || null,
    basePath: env.REACHMAP_BASE_PATH ?? '',
    watch: env.REACHMAP_WATCH || 'on',
    watchIntervalMs: env.REACHMAP_WATCH_INTERVAL || '30',
    watchPaths: list(env.REACHMAP_WATCH_PATHS),
    logLevel: env.REACHMAP_LOG_LEVEL || 'info',
  };
  const parsed = SettingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const key = i.path[0] as keyof Settings;
    return invalidSettingLine(key, i.message, raw[key]);
  });
  throw new SettingsError(lines.join('\n'));
}

function invalidSettingLine(key: keyof Settings, message: string, value: unknown): string {
  const names = SETTING_NAMES[key];
  const where = names ? [names.env, names.flag].filter(Boolean).join(' / ') : String(key);
  const shown = key === 'token' ? '(hidden)' : JSON.stringify(value);
  return `invalid setting ${where}: ${message} (got ${shown})`;
}

/**
 * For a setting that passed loadSettings but fails when used (a replay file that does not
 * parse): the same one-line message naming the env variable and flag.
 */
export function invalidSetting(key: keyof Settings, message: string, value: unknown): SettingsError {
  return new SettingsError(invalidSettingLine(key, message, value));
}

/**
 * Where a browser reaches this dashboard: REACHMAP_PUBLIC_URL (which carries the proxy's
 * prefix itself), else the bind address (a wildcard bind as loopback) and the base path.
 */
export function baseUrl(
  s: Pick<Settings, 'host' | 'port'> & { publicUrl?: string | null; basePath?: string },
): string {
  if (s.publicUrl) return s.publicUrl;
  const h = s.host === '0.0.0.0' || s.host === '::' ? '127.0.0.1' : s.host;
  return `http://${hostPort(h, s.port)}${s.basePath ?? ''}`;
}

/** The engine the settings chose; a context that could not be read stops the command here. */
export function engineOf(s: Settings): DockerEndpoint {
  if (s.dockerEngineError) throw new SettingsError(s.dockerEngineError);
  return engineEndpoint(s);
}

import { z } from 'zod';
import { envCandidates } from '../topology/envRefs';

/**
 * The subset of the engine's answers Reachmap relies on, validated at the boundary.
 * Unknown keys are stripped, which keeps `Config.Env` (secrets) out of everything
 * downstream; fields older engines omit get defaults instead of crashing the scan.
 */

/**
 * Strings in the engine's answers come from whoever created the container: a 64 KiB
 * argument or label must not cost every scan, rebuild, diff and browser its full size.
 * They are cut here, before anything reads them (a cut keeps a secret's key, so redaction
 * still sees it).
 */
const MAX_ARG = 2048;
const MAX_ARGS = 256;
const MAX_LABEL = 2048;
const MAX_LABELS = 512;
export const clip = (s: string, max: number) =>
  s.length <= max ? s : `${s.slice(0, max)}… (${s.length} characters)`;

const Labels = z
  .record(z.string(), z.string())
  .nullish()
  .transform((v) =>
    Object.fromEntries(
      Object.entries(v ?? {})
        .slice(0, MAX_LABELS)
        .map(([k, x]) => [clip(k, 256), clip(x, MAX_LABEL)]),
    ),
  );

const PortMap = z
  .record(
    z.string(),
    z
      .array(z.object({ HostIp: z.string().default(''), HostPort: z.string().default('') }))
      .nullish()
      .transform((v) => v ?? []),
  )
  .nullish()
  .transform((v) => v ?? {});

const StringList = z
  .union([z.array(z.string()), z.string()])
  .nullish()
  .transform((v) => (v == null ? [] : Array.isArray(v) ? v : [v]));

/** A command line (Args, a healthcheck's Test): bounded in count and in each argument. */
const ArgList = StringList.transform((list) => {
  const kept = list.slice(0, MAX_ARGS).map((a) => clip(a, MAX_ARG));
  return list.length > MAX_ARGS ? [...kept, `… (${list.length - MAX_ARGS} more arguments)`] : kept;
});

/** The only environment variables Reachmap keeps: they change where a client connects. */
const PROXY_VARS = new Set([
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
]);

/**
 * Config.Env → the proxy variables only, credentials in their URLs removed. Every other
 * value is dropped here, at the boundary, and never reaches the model.
 */
const ProxyEnv = z
  .array(z.string())
  .nullish()
  .transform((env) =>
    (env ?? []).flatMap((kv) => {
      const eq = kv.indexOf('=');
      const name = eq > 0 ? kv.slice(0, eq) : '';
      if (!PROXY_VARS.has(name)) return [];
      // user:pass@ with or without a scheme; the password may itself hold "/" or "@".
      const value = kv
        .slice(eq + 1)
        .replace(
          /^([a-z][a-z0-9+.-]*:\/\/)?[^\s]*@(?=[^@]*$)/i,
          (_m, scheme: string | undefined) => `${scheme ?? ''}‹credentials›@`,
        );
      return [{ name, value }];
    }),
  );

/**
 * The same Env list (copied to EnvRefs before Config is parsed) → the hosts it names, for
 * lib/topology/envRefs: a variable's name, scheme, host and port, never its value.
 */
const EnvRefs = z
  .array(z.string())
  .nullish()
  .transform((env) => envCandidates(env ?? []));

export const DockerEndpoint = z.object({
  NetworkID: z.string().default(''),
  IPAddress: z.string().default(''),
  GlobalIPv6Address: z.string().default(''),
  Gateway: z.string().default(''),
  MacAddress: z.string().default(''),
  Aliases: StringList,
  DNSNames: StringList,
});

export const DockerContainer = z.object({
  Id: z.string(),
  Name: z.string().transform((n) => n.replace(/^\//, '')),
  Created: z.string(),
  Path: z
    .string()
    .default('')
    .transform((p) => clip(p, MAX_ARG)),
  Args: ArgList,
  Image: z.string().default(''),
  State: z.object({
    Status: z.string(),
    Running: z.boolean().default(false),
    Pid: z.number().int().default(0),
    ExitCode: z.number().int().default(0),
    StartedAt: z.string().default(''),
    Health: z
      .object({
        Status: z.string(),
        FailingStreak: z.number().int().default(0),
        // The engine keeps the last few checks; only the newest is used, redacted.
        Log: z
          .array(
            z.object({
              End: z.string().default(''),
              ExitCode: z.number().int().default(0),
              Output: z.string().default(''),
            }),
          )
          .nullish()
          .transform((v) => v ?? []),
      })
      .nullish(),
  }),
  HostsPath: z.string().default(''),
  ResolvConfPath: z.string().default(''),
  // EnvRefs is read from the same Env (the engine has no such field).
  Config: z.preprocess(
    (v) =>
      v && typeof v === 'object'
        ? { ...(v as Record<string, unknown>), EnvRefs: (v as { Env?: unknown }).Env }
        : v,
    z.object({
      Hostname: z.string().default(''),
      Image: z.string().default(''),
      Labels,
      ExposedPorts: z
        .record(z.string(), z.unknown())
        .nullish()
        .transform((v) => Object.keys(v ?? {})),
      Healthcheck: z.object({ Test: ArgList }).nullish(),
      Env: ProxyEnv,
      EnvRefs,
      Tty: z.boolean().default(false),
    }),
  ),
  Mounts: z
    .array(
      z.object({
        Type: z.string().default(''),
        Source: z.string().default(''),
        Destination: z.string().default(''),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
  HostConfig: z.object({
    NetworkMode: z.string().default('default'),
    PortBindings: PortMap,
    LogConfig: z
      .object({ Type: z.string().default('') })
      .nullish()
      .transform((v) => v ?? { Type: '' }),
  }),
  NetworkSettings: z.object({
    Ports: PortMap,
    Networks: z
      .record(z.string(), DockerEndpoint)
      .nullish()
      .transform((v) => v ?? {}),
  }),
});
export type DockerContainer = z.infer<typeof DockerContainer>;

export const DockerNetwork = z.object({
  Id: z.string(),
  Name: z.string(),
  Driver: z.string().default(''),
  Scope: z.string().default('local'),
  Internal: z.boolean().default(false),
  EnableIPv6: z.boolean().default(false),
  IPAM: z
    .object({
      Config: z
        .array(z.object({ Subnet: z.string().optional(), Gateway: z.string().optional() }))
        .nullish()
        .transform((v) => v ?? []),
    })
    .nullish()
    .transform((v) => v ?? { Config: [] }),
  Options: Labels,
  Labels,
});
export type DockerNetwork = z.infer<typeof DockerNetwork>;

export const DockerInfo = z.object({
  Name: z.string().default(''),
  ServerVersion: z.string().default(''),
  OperatingSystem: z.string().default(''),
  KernelVersion: z.string().default(''),
});
export type DockerInfo = z.infer<typeof DockerInfo>;

export const DockerVersion = z.object({ ApiVersion: z.string().default('') });

/** One container summary from `GET /containers/json?all=1`: enough to decide what to inspect. */
export const DockerContainerSummary = z.object({ Id: z.string(), State: z.string().default('') });

export const DockerEvent = z.object({
  Type: z.string().default(''),
  Action: z.string().default(''),
  Actor: z
    .object({
      ID: z.string().default(''),
      Attributes: z
        .record(z.string(), z.string())
        .nullish()
        .transform((v) => v ?? {}),
    })
    .default({ ID: '', Attributes: {} }),
  time: z.number().default(0),
  timeNano: z.number().default(0),
});
export type DockerEvent = z.infer<typeof DockerEvent>;

/** Everything one scan of the engine returns; also the shape of recorded fixtures. */
export interface EngineFacts {
  endpoint: string;
  info: DockerInfo;
  apiVersion: string;
  containers: DockerContainer[];
  networks: DockerNetwork[];
  /** Containers that vanished between list and inspect, and similar partial failures. */
  warnings: string[];
}

import { z } from 'zod';

/**
 * The vocabulary of Reachmap: every fact the server publishes, the CLI prints and the UI
 * draws is one of these shapes. Types are inferred from the schemas, never written twice.
 */

/** Where a fact came from, so a reader can judge how far to trust it. */
export const FactSource = z.enum([
  'docker-api', // the engine's inspect/list answers
  'proc', // /proc of the host: /proc/<pid>/ns/net, /proc/<pid>/net/*
  'netlink', // sock_diag asked inside the namespace (native/netns-listeners.c)
  'exec', // `docker exec <ctr> cat /proc/net/*` when host /proc is not visible
  'probe', // observed by a probe run inside the initiator's network namespace
  'inferred', // derived from configuration (e.g. NetworkMode) because no live fact was readable
  'unavailable', // could not be read; see the accompanying error
]);
export type FactSource = z.infer<typeof FactSource>;

export const Protocol = z.enum(['tcp', 'udp', 'sctp']);
export type Protocol = z.infer<typeof Protocol>;

export const PortBinding = z.object({
  containerPort: z.number().int().min(0).max(65535),
  protocol: Protocol,
  /** "0.0.0.0", "::", "127.0.0.1"…; an empty HostIp from the engine is normalised to "0.0.0.0". */
  hostIp: z.string(),
  hostPort: z.number().int().min(0).max(65535),
});
export type PortBinding = z.infer<typeof PortBinding>;

export const ExposedPort = z.object({ port: z.number().int().min(0).max(65535), protocol: Protocol });
export type ExposedPort = z.infer<typeof ExposedPort>;

export const EnvReference = z.object({
  env: z.string(),
  scheme: z.string().nullable(),
  host: z.string(),
  port: z.number().int(),
  /** The container the host names (its name, service, alias or address). */
  container: z.string(),
});
export type EnvReference = z.infer<typeof EnvReference>;

export const NetworkAttachment = z.object({
  networkId: z.string(),
  networkName: z.string(),
  ipv4: z.string().nullable(),
  ipv6: z.string().nullable(),
  gateway: z.string().nullable(),
  mac: z.string().nullable(),
  /** DNS aliases on this network (compose adds the service name here). */
  aliases: z.array(z.string()),
});
export type NetworkAttachment = z.infer<typeof NetworkAttachment>;

export const ComposeInfo = z.object({
  project: z.string(),
  service: z.string(),
  number: z.number().int().nullable(),
  configHash: z.string().nullable(),
  oneoff: z.boolean(),
  workingDir: z.string().nullable(),
});
export type ComposeInfo = z.infer<typeof ComposeInfo>;

export const ContainerState = z.enum([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
]);
export type ContainerState = z.infer<typeof ContainerState>;

export const Health = z.enum(['healthy', 'unhealthy', 'starting', 'none']);

export const NetworkModeKind = z.enum(['default', 'bridge', 'host', 'none', 'container', 'network']);
export type NetworkModeKind = z.infer<typeof NetworkModeKind>;

export const Container = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  imageId: z.string(),
  state: ContainerState,
  /** Human status in the engine's words, e.g. "exited (137)". */
  status: z.string(),
  exitCode: z.number().int().nullable(),
  health: Health,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  pid: z.number().int().nullable(),
  hostname: z.string(),
  /** The command line with secret-looking arguments redacted. */
  command: z.string(),
  compose: ComposeInfo.nullable(),
  /** HostConfig.NetworkMode as the engine reports it ("bridge", "host", "container:<id>", a network name…). */
  networkMode: z.string(),
  networkModeKind: NetworkModeKind,
  /** For `container:<id>` (compose `network_mode: service:X`): the full id named there, existing or not. */
  sharesNetnsWith: z.string().nullable(),
  /** Namespace id (see Namespace.id) of the netns the container's process lives in; null when not running. */
  netns: z.string().nullable(),
  netnsSource: FactSource,
  /** Names of the networks the container is attached to. */
  networks: z.array(z.string()),
  attachments: z.array(NetworkAttachment),
  /** Live published ports (NetworkSettings.Ports). */
  ports: z.array(PortBinding),
  /**
   * What it publishes when running (HostConfig.PortBindings, fixed host ports only): a stopped
   * container's published port is still its own (a red edge to it says so).
   */
  configuredPorts: z.array(PortBinding).default([]),
  exposedPorts: z.array(ExposedPort),
  /**
   * Routing labels a proxy reads from the engine (traefik.*: routers, services, ports), with
   * credentials (basic-auth users, secrets) redacted; other labels are not kept.
   */
  proxyLabels: z.record(z.string(), z.string()).default({}),
  /**
   * Other containers this one names in its environment (DATABASE_URL=…@db:5432, REDIS_ADDR=redis:6379):
   * the variable's name, scheme, host and port only — never the value — and only hosts of this topology.
   */
  references: z.array(EnvReference).default([]),
  /** The healthcheck command (redacted); it runs inside the container's own namespace. */
  healthcheck: z.string().nullable(),
  /** The newest healthcheck run: exit code and the start of its output (redacted). */
  healthLast: z
    .object({
      exitCode: z.number().int(),
      output: z.string(),
      at: z.string(),
      failingStreak: z.number().int(),
    })
    .nullable()
    .default(null),
  /** HTTP(S)_PROXY / NO_PROXY as set for the container, credentials removed. No other env is read. */
  proxyEnv: z.array(z.object({ name: z.string(), value: z.string() })),
  mounts: z.array(z.object({ type: z.string(), source: z.string(), destination: z.string() })),
  /** Host paths of the /etc/hosts and resolv.conf Docker manages for it (its resolver, read safely). */
  hostsPath: z.string().nullable(),
  resolvConfPath: z.string().nullable(),
  /** The logging driver ("json-file", "local", "none", …) and whether stdout/stderr is a TTY. */
  logDriver: z.string(),
  tty: z.boolean(),
  /** Set when the container is recognised as an OpenClaw Gateway (see lib/openclaw). */
  openclaw: z
    .object({
      /** Where its config was read, or why it could not be. */
      configSource: z.string(),
      bind: z.string().nullable(),
      port: z.number().int().nullable(),
      allowedOrigins: z.array(z.string()).nullable(),
      trustedProxies: z.array(z.string()).nullable(),
    })
    .nullable(),
});
export type Container = z.infer<typeof Container>;

export const ListenerScope = z.enum(['loopback', 'any', 'specific']);
export type ListenerScope = z.infer<typeof ListenerScope>;

export const Listener = z.object({
  protocol: z.enum(['tcp', 'udp']),
  family: z.union([z.literal(4), z.literal(6)]),
  address: z.string(),
  port: z.number().int().min(0).max(65535),
  /** loopback: 127.0.0.0/8 or ::1 only; any: 0.0.0.0 or [::]; specific: one interface address. */
  scope: ListenerScope,
  /** Docker's embedded DNS resolver (127.0.0.11) is the engine's, not the workload's. */
  role: z.enum(['workload', 'docker-dns', 'docker-proxy']),
  process: z.object({ pid: z.number().int(), name: z.string() }).nullable(),
  /** Owning container, when the owning process could be attributed (host namespace). */
  containerId: z.string().nullable(),
  inode: z.number().int(),
  /**
   * IPv6 sockets: true when IPV6_V6ONLY is set — it accepts no IPv4 connection, so
   * docker-proxy and IPv4 clients are refused (nginx's `listen [::]:80` does this). null when
   * the source cannot tell (/proc) or for IPv4.
   */
  v6only: z.boolean().nullable().default(null),
});
export type Listener = z.infer<typeof Listener>;

export const Namespace = z.object({
  /**
   * "netns:<inode>" — the kernel's identity at scan time. Inode numbers are reused after a
   * namespace dies, so the id is only meaningful within one scan.
   */
  id: z.string(),
  /** Stable across scans: "host" or "ctr:<owner container id>"; the graph keys nodes by it. */
  key: z.string(),
  kind: z.enum(['host', 'container']),
  inode: z.number().int().nullable(),
  /** The container whose netns this is (not joined via container:<id>), when one can be named. */
  ownerId: z.string().nullable(),
  /** Container names in this namespace. */
  containers: z.array(z.string()),
  containerIds: z.array(z.string()),
  listeners: z.array(Listener),
  identitySource: FactSource,
  listenerSource: FactSource,
  /** Why listeners or identity could not be read, when they could not. */
  errors: z.array(z.string()),
});
export type Namespace = z.infer<typeof Namespace>;

export const Network = z.object({
  id: z.string(),
  name: z.string(),
  driver: z.string(),
  scope: z.string(),
  internal: z.boolean(),
  subnets: z.array(z.string()),
  gateways: z.array(z.string()),
  /** com.docker.network.driver.mtu, when set; null means the driver default (usually 1500). */
  mtu: z.number().int().nullable(),
  /** Docker's embedded DNS (127.0.0.11) resolves container and service names only on user-defined networks. */
  embeddedDns: z.boolean(),
  composeProject: z.string().nullable(),
  containerIds: z.array(z.string()),
  /** The Linux bridge behind a bridge network (docker0, br-<id>), as packet-filter rules name it. */
  bridge: z.string().nullable(),
  /** com.docker.network.bridge.enable_icc: false makes Docker drop traffic between its containers. */
  icc: z.boolean().default(true),
});
export type Network = z.infer<typeof Network>;

const Iface = z.object({ name: z.string(), not: z.boolean() });
const Addr = z.object({ cidr: z.string(), not: z.boolean() });

export const FirewallRule = z.object({
  table: z.string(),
  chain: z.string(),
  raw: z.string(),
  target: z.string(),
  src: Addr.optional(),
  dst: Addr.optional(),
  inIf: Iface.optional(),
  outIf: Iface.optional(),
  proto: Iface.optional(),
  /** Inclusive [from, to] port ranges. Snapshots stored before ranges hold single ports: read as [p, p]. */
  dports: z
    .preprocess(
      (v) => (Array.isArray(v) ? v.map((p) => (typeof p === 'number' ? [p, p] : p)) : v),
      z.array(z.tuple([z.number(), z.number()])),
    )
    .optional(),
  ctstates: z.array(z.string()).optional(),
  unknown: z.array(z.string()),
  toDestination: z.string().optional(),
});
export type FirewallRule = z.infer<typeof FirewallRule>;

export const Firewall = z.object({
  available: z.boolean(),
  /** iptables-nft or iptables-legacy: the backend holding Docker's chains. */
  backend: z.string().nullable(),
  /** Why the rules could not be read, when they could not. */
  reason: z.string().nullable(),
  /** The chains that decide Docker paths: filter FORWARD, INPUT and DOCKER-*; nat DOCKER, PREROUTING, OUTPUT. */
  chains: z.array(
    z.object({
      table: z.string(),
      name: z.string(),
      policy: z.string().nullable(),
      rules: z.array(FirewallRule),
    }),
  ),
});
export type Firewall = z.infer<typeof Firewall>;

export const Host = z.object({
  name: z.string(),
  engineVersion: z.string(),
  apiVersion: z.string(),
  os: z.string(),
  kernel: z.string(),
  dockerEndpoint: z.string(),
  /** Namespace id of the host's own netns. */
  netns: z.string().nullable(),
  /** Whether Reachmap could read /proc of the containers' processes (host PID visibility). */
  procVisible: z.boolean(),
  /**
   * Not one of the engine's containers is visible in this machine's /proc: the engine runs on
   * another machine (or Reachmap in another PID namespace). This machine's namespace, packet
   * filter and uplink are then not the engine host's, and probes "from the host" are refused.
   */
  engineElsewhere: z.boolean().default(false),
  /** The host's default-route interface and its MTU, when readable. */
  uplink: z.object({ interface: z.string(), mtu: z.number().int() }).nullable(),
});
export type Host = z.infer<typeof Host>;

export const Severity = z.enum(['error', 'warning', 'info']);
export type Severity = z.infer<typeof Severity>;

export const SubjectRef = z.object({
  /** probe: a probed path (id = its path key, initiator → target → origin). */
  kind: z.enum(['container', 'namespace', 'network', 'host', 'probe']),
  id: z.string(),
  name: z.string(),
});
export type SubjectRef = z.infer<typeof SubjectRef>;

export const Evidence = z.object({ label: z.string(), value: z.string(), source: FactSource });
export type Evidence = z.infer<typeof Evidence>;

/** The failure patterns of the domain (shared/docs/domain.md) a finding belongs to. */
export const Pattern = z.enum([
  'loopback-bind',
  'unresolvable-name',
  'loopback-misuse',
  'proxy-no-upgrade',
  'origin-not-allowed',
  'app-rejected',
  'stale-namespace',
  'rolling-update',
  'proxy-env',
  'mtu-mismatch',
  'health-not-reachability',
  'public-exposure',
  'port-collision',
  'no-listener',
  'firewall',
  'isolated-namespace',
  'proxy-upstream',
  'tls',
  /** A proxy (or anything on the path) cuts long-lived sessions: its idle timeout. */
  'idle-timeout',
  /** A failed probe no specific pattern explains: what the failing step means, low confidence. */
  'probe-failure',
]);
export type Pattern = z.infer<typeof Pattern>;

export const Confidence = z.enum(['high', 'medium', 'low']);
export type Confidence = z.infer<typeof Confidence>;

export const Finding = z.object({
  /** Stable across scans for the same rule and subject, so the UI can keep selection. */
  id: z.string(),
  rule: z.string(),
  pattern: Pattern,
  severity: Severity,
  /** high: observed directly (a probe, the kernel's tables); medium/low: inferred from configuration. */
  confidence: Confidence,
  subject: SubjectRef,
  /** Other nodes involved (the namespace shared, the colliding container…). */
  related: z.array(SubjectRef),
  title: z.string(),
  message: z.string(),
  evidence: z.array(Evidence),
  fix: z.string(),
});
export type Finding = z.infer<typeof Finding>;

export const Topology = z.object({
  scannedAt: z.string(),
  /** Milliseconds the scan took (engine + /proc). */
  scanMs: z.number(),
  host: Host,
  networks: z.array(Network),
  containers: z.array(Container),
  namespaces: z.array(Namespace),
  findings: z.array(Finding),
  firewall: Firewall,
  /** Partial failures that did not stop the scan (a container vanished mid-scan…). */
  warnings: z.array(z.string()),
});
export type Topology = z.infer<typeof Topology>;

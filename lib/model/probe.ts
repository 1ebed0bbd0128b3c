import { z } from 'zod';

/** Probes: what to try from which namespace, and what each step saw. */

export const ProbeKind = z.enum(['dns', 'tcp', 'tls', 'http', 'ws']);
export type ProbeKind = z.infer<typeof ProbeKind>;

const HeaderName = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'header names are letters, digits and "-"');
/** Headers a probe may not override: they define the request it is. */
const RESERVED =
  /^(host|upgrade|connection|sec-websocket-.*|content-length|transfer-encoding|x-reachmap-probe)$/i;

export const ProbeSpec = z.object({
  /** "host", or a container id, id prefix or name. */
  from: z.string().min(1).max(256),
  /** http(s):// or ws(s):// URL, or host:port. */
  to: z.string().min(1).max(2048),
  /** For http(s) targets: also try the WebSocket upgrade on the same URL. */
  ws: z.boolean().default(false),
  origin: z
    .string()
    .max(512)
    .regex(/^[\x21-\x7e]+$/, 'Origin must be printable ASCII without spaces')
    .optional(),
  headers: z
    .record(
      HeaderName,
      z
        .string()
        .max(1024)
        // Printable ASCII and tabs (RFC 9110 field values without obs-text): no line breaks,
        // NUL or other control characters that split or truncate a request on the wire.
        .regex(
          /^[\t\x20-\x7e]*$/,
          'header values are printable ASCII (no line breaks or control characters)',
        ),
    )
    .refine((h) => Object.keys(h).length <= 20, 'at most 20 extra headers')
    .refine(
      (h) => !Object.keys(h).some((k) => RESERVED.test(k)),
      'Host, Upgrade, Connection and Sec-WebSocket-* are set by the probe',
    )
    .default({}),
  timeoutMs: z.number().int().min(500).max(30_000).default(5000),
  /**
   * For host:port targets: keep the connection this long after it opens; a peer that closes
   * it first fails the probe. docker-proxy accepts a published port and closes at once when
   * nothing answers behind it (a loopback-only server): a bare connect calls that a pass.
   */
  holdMs: z.number().int().min(0).max(2000).default(0),
  /**
   * For WebSocket probes: keep the session open this long after the upgrade (idle, or with a
   * ping every wsPingMs) and say who ended it and when: a proxy's idle timeout cuts it.
   */
  wsHoldMs: z.number().int().min(0).max(600_000).default(0),
  wsPingMs: z
    .number()
    .int()
    .min(0)
    .max(300_000)
    .refine((v) => v === 0 || v >= 1000, 'a ping at most every second (1000 ms), or 0 for none')
    .default(0),
  /**
   * Also send requests of growing size (1 KiB … 64 KiB: an HTTP GET padded in one header, and
   * WebSocket frames) and report where they stall: a hop with a smaller MTU whose "fragmentation
   * needed" never comes back passes small requests and swallows large ones.
   */
  large: z.boolean().default(false),
  /** Read the log lines the target and proxies wrote during the probe (when capture is on). */
  logs: z.boolean().default(true),
});
export type ProbeSpec = z.infer<typeof ProbeSpec>;
export type ProbeSpecInput = z.input<typeof ProbeSpec>;

export const ProbeTarget = z.object({
  input: z.string(),
  scheme: z.enum(['http', 'https', 'ws', 'wss', 'tcp']),
  host: z.string(),
  port: z.number().int().min(1).max(65535),
  path: z.string(),
  /** Whether host is an IP literal (no DNS step needed). */
  literal: z.boolean(),
});
export type ProbeTarget = z.infer<typeof ProbeTarget>;

const StepBase = z.object({
  ok: z.boolean(),
  ms: z.number(),
  /** Milliseconds since the probe started, for lining steps up with logs. */
  at: z.number(),
  /** A short code or reason when the step failed: ECONNREFUSED, NXDOMAIN, HTTP 502, close 1008 … */
  error: z.string().optional(),
  /** One sentence for a human. */
  note: z.string().optional(),
});

export const DnsStep = StepBase.extend({
  kind: z.literal('dns'),
  query: z.string(),
  /** Names tried in order (search domains applied as the initiator's resolver would). */
  tried: z.array(z.string()),
  /** Who answered: the literal itself, the initiator's /etc/hosts, or a nameserver. */
  source: z.enum(['literal', 'hosts', 'dns', 'none']),
  server: z.string().optional(),
  addresses: z.array(z.string()),
  nameservers: z.array(z.string()),
});

export const TcpAttempt = z.object({
  address: z.string(),
  ok: z.boolean(),
  ms: z.number(),
  error: z.string().optional(),
});

export const TcpStep = StepBase.extend({
  kind: z.literal('tcp'),
  port: z.number(),
  attempts: z.array(TcpAttempt),
  connected: z
    .object({ address: z.string(), port: z.number(), localAddress: z.string(), localPort: z.number() })
    .optional(),
});

export const TlsStep = StepBase.extend({
  kind: z.literal('tls'),
  servername: z.string().optional(),
  protocol: z.string().optional(),
  cipher: z.string().optional(),
  alpn: z.string().optional(),
  subject: z.string().optional(),
  issuer: z.string().optional(),
  sans: z.array(z.string()),
  validTo: z.string().optional(),
  verified: z.boolean(),
  verifyError: z.string().optional(),
});

export const HttpStep = StepBase.extend({
  kind: z.literal('http'),
  request: z.object({ method: z.string(), path: z.string(), headers: z.record(z.string(), z.string()) }),
  status: z.number().optional(),
  statusText: z.string().optional(),
  headers: z.record(z.string(), z.string()),
  bodyPrefix: z.string().optional(),
  bytes: z.number(),
});

export const WsFrame = z.object({ at: z.number(), opcode: z.number(), text: z.string().optional() });

export const WsStep = StepBase.extend({
  kind: z.literal('ws'),
  request: z.object({ path: z.string(), headers: z.record(z.string(), z.string()) }),
  status: z.number().optional(),
  statusLine: z.string().optional(),
  headers: z.record(z.string(), z.string()),
  acceptValid: z.boolean().optional(),
  frames: z.array(WsFrame),
  closeCode: z.number().optional(),
  closeReason: z.string().optional(),
  /** open: upgraded and still open at the end of the window (or the app said hello); the rest fail. */
  /** auth-required: upgraded, Origin accepted, then asked for credentials/pairing — the path works. */
  outcome: z.enum(['open', 'auth-required', 'rejected', 'closed', 'no-upgrade', 'bad-handshake', 'error']),
  bodyPrefix: z.string().optional(),
  /** A hold probe (ProbeSpec.wsHoldMs): how long it asked for, how long the session lasted, pings sent. */
  hold: z
    .object({
      askedMs: z.number(),
      heldMs: z.number(),
      /** How long nothing came from the other end before it ended (what an idle timeout counts). */
      idleMs: z.number().optional(),
      pingMs: z.number(),
      pings: z.number(),
      /** held: still open at the end; server-close: a close frame came; cut: the connection dropped without one. */
      endedBy: z.enum(['held', 'server-close', 'cut']),
      /** The proxy in front, when its configuration was read: its idle timeout for this path. */
      proxy: z
        .object({
          container: z.string(),
          directive: z.string(),
          value: z.string(),
          seconds: z.number().nullable(),
          source: z.string(),
        })
        .optional(),
    })
    .optional(),
});

export const PayloadAttempt = z.object({
  /** Bytes written at once: the whole request, or the frame with its header. */
  bytes: z.number().int(),
  /** Answered: the other end replied after reading it (any HTTP status, a pong, a close). */
  ok: z.boolean(),
  ms: z.number(),
  /** What came back: "HTTP 200", "HTTP 431", "pong", "close 1003". */
  answer: z.string().optional(),
  /** STALLED (nothing within the wait), or a connection error. */
  error: z.string().optional(),
});
export type PayloadAttempt = z.infer<typeof PayloadAttempt>;

/** One MTU on the path to the target: an interface, or a Docker network's setting. */
export const PathMtu = z.object({
  /** "client eth0", "network app_core", "host br-1a2b3c". */
  where: z.string(),
  mtu: z.number().int().nullable(),
  /** agent: read in the initiator's namespace; engine: the network's driver option (or its default). */
  source: z.enum(['agent', 'engine']),
});
export type PathMtu = z.infer<typeof PathMtu>;

/** ProbeSpec.large: requests of growing size on fresh connections, and the size where they stall. */
export const PayloadStep = StepBase.extend({
  kind: z.literal('payload'),
  carrier: z.enum(['http', 'ws']),
  attempts: z.array(PayloadAttempt),
  largestOk: z.number().int().nullable(),
  smallestStalled: z.number().int().nullable(),
  /** The path MTU the threshold implies (IP and TCP headers with timestamps added), when it is one segment. */
  mtuEstimate: z.number().int().nullable(),
  /** The initiator's route to the target, read in its namespace. */
  route: z
    .object({ interface: z.string(), mtu: z.number().int().nullable(), gateway: z.string().nullable() })
    .nullable(),
  /** MTUs along the path, initiator first (added by Reachmap from the route and the topology). */
  path: z.array(PathMtu).default([]),
});

export const ProbeStep = z.discriminatedUnion('kind', [
  DnsStep,
  TcpStep,
  TlsStep,
  HttpStep,
  WsStep,
  PayloadStep,
]);
export type ProbeStep = z.infer<typeof ProbeStep>;
export type DnsStep = z.infer<typeof DnsStep>;
export type TcpStep = z.infer<typeof TcpStep>;
export type TlsStep = z.infer<typeof TlsStep>;
export type HttpStep = z.infer<typeof HttpStep>;
export type WsStep = z.infer<typeof WsStep>;
export type PayloadStep = z.infer<typeof PayloadStep>;

export const RunnerKind = z.enum(['process', 'in-process', 'nsenter', 'exec', 'helper-container']);
export type RunnerKind = z.infer<typeof RunnerKind>;

export const Initiator = z.object({
  kind: z.enum(['host', 'container']),
  id: z.string(),
  name: z.string(),
  /** Namespace id at probe time (see Namespace.id). */
  netns: z.string().nullable(),
  hostname: z.string(),
  /** Short route summary: interfaces and addresses the initiator has. */
  routes: z.array(z.string()),
});
export type Initiator = z.infer<typeof Initiator>;

export const LogLine = z.object({
  /** The engine's timestamp for the line (RFC 3339, nanoseconds). */
  ts: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  /** Redacted before it left the server. */
  text: z.string(),
  /** marker: carries this probe's id; peer: names the address the probe came from; window: only its time. */
  match: z.enum(['marker', 'peer', 'window']),
});
export type LogLine = z.infer<typeof LogLine>;

export const ContainerLogs = z.object({
  containerId: z.string(),
  name: z.string(),
  role: z.enum(['target', 'proxy', 'upstream']),
  driver: z.string(),
  lines: z.array(LogLine),
  truncated: z.boolean(),
  /** Why nothing or not everything could be read (driver none, time cap, …). */
  note: z.string().nullable(),
  readMs: z.number(),
  /** Engine clock minus Reachmap's clock, estimated from this probe's own marked lines. */
  skewMs: z.number().nullable(),
});
export type ContainerLogs = z.infer<typeof ContainerLogs>;

export const ProbeLogs = z.object({ from: z.string(), to: z.string(), containers: z.array(ContainerLogs) });
export type ProbeLogs = z.infer<typeof ProbeLogs>;

export const ProbeVerdict = z.enum(['pass', 'fail', 'partial']);
export type ProbeVerdict = z.infer<typeof ProbeVerdict>;

export const ProbeResult = z.object({
  id: z.string(),
  ok: z.boolean(),
  /** pass: every step passed; partial: HTTP passed but the WebSocket or large payloads failed; fail: otherwise. */
  verdict: ProbeVerdict,
  /** The label of the first failing step, e.g. "ECONNREFUSED", "NXDOMAIN", "WS 200", "close 1008 origin not allowed". */
  decisive: z.string().nullable(),
  initiator: Initiator,
  target: ProbeTarget,
  origin: z.string().nullable(),
  runner: z.object({ kind: RunnerKind, detail: z.string() }),
  startedAt: z.string(),
  ms: z.number(),
  steps: z.array(ProbeStep),
  /** Log lines the target and the proxies on the path wrote during the probe. */
  logs: ProbeLogs.nullable().default(null),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

export const PairedProbe = z.object({ initiator: ProbeResult, host: ProbeResult.nullable() });
export type PairedProbe = z.infer<typeof PairedProbe>;

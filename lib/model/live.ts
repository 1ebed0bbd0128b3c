import { z } from 'zod';
import { PairedProbe, ProbeSpec, ProbeStep } from './probe';
import type { RunbookReport } from './runbook';
import { Container, Finding, Firewall, Host, Namespace, Network, Topology } from './topology';

/** What travels over socket.io between the server and the dashboard. */

export const EngineState = z.object({
  /** `replay`: no engine at all; the server shows a topology recorded elsewhere (--replay). */
  status: z.enum(['connecting', 'connected', 'unreachable', 'replay']),
  error: z.string().optional(),
  retryInMs: z.number().optional(),
  since: z.string(),
});
export type EngineState = z.infer<typeof EngineState>;

export const TopologyMessage = z.object({ version: z.number().int(), topology: Topology });
export type TopologyMessage = z.infer<typeof TopologyMessage>;

/** Per collection of the topology, keyed as lib/live/changes.ts keys it. */
const PerCollection = <T extends z.ZodType>(t: T) =>
  z.object({ containers: t, namespaces: t, networks: t, findings: t });
const Ids = z.array(z.string());

/**
 * What changed between two published topologies (lib/live/changes.ts computes and applies
 * it). Entities are keyed: containers and networks by id, namespaces by key (stable across
 * scans, unlike their netns id), findings by id. Applies only to the topology of
 * `fromVersion`; a client holding another version asks for a full one (topology:get).
 */
export const TopologyChange = z.object({
  fromVersion: z.number().int(),
  version: z.number().int(),
  /** Always sent: a change is a new scan, and these say when and how long it took. */
  scannedAt: z.string(),
  scanMs: z.number(),
  /** Entities that are new or differ, whole (entities are small; field patches are not worth it). */
  upsert: z.object({
    containers: z.array(Container),
    namespaces: z.array(Namespace),
    networks: z.array(Network),
    findings: z.array(Finding),
  }),
  remove: PerCollection(Ids),
  /**
   * Where the new entities of `upsert` go: [key, index in the new array], by ascending
   * index. Inserting them in that order into the kept entities rebuilds the new order.
   */
  insert: PerCollection(z.array(z.tuple([z.string(), z.number().int().min(0)]))),
  /** The complete key order of a collection, sent only when kept entities moved (a rename re-sorts). */
  order: PerCollection(Ids.optional()).optional(),
  /** A whole collection, when its keys are not unique and so cannot be patched by key. */
  replace: z
    .object({
      containers: z.array(Container).optional(),
      namespaces: z.array(Namespace).optional(),
      networks: z.array(Network).optional(),
      findings: z.array(Finding).optional(),
    })
    .optional(),
  host: Host.optional(),
  firewall: Firewall.optional(),
  warnings: z.array(z.string()).optional(),
});
export type TopologyChange = z.infer<typeof TopologyChange>;

export const ProbeRunRequest = z.object({ spec: ProbeSpec, paired: z.boolean().default(false) });
export type ProbeRunRequest = z.input<typeof ProbeRunRequest>;

export const ProbeAllRequest = z.object({
  from: z.string().min(1).max(256),
  /** tcp: connect only (any service); http: GET / on each listener. */
  mode: z.enum(['tcp', 'http']).default('tcp'),
  timeoutMs: z.number().int().min(500).max(30_000).default(3000),
});
export type ProbeAllRequest = z.input<typeof ProbeAllRequest>;

/** A finished probe action: the initiator's result and, when paired, the host's. */
export const ProbeRecord = PairedProbe.extend({
  pairId: z.string(),
  batchId: z.string().nullable(),
  at: z.string(),
});
export type ProbeRecord = z.infer<typeof ProbeRecord>;

export const ProbeStepMessage = z.object({
  pairId: z.string(),
  side: z.enum(['initiator', 'host']),
  from: z.string(),
  to: z.string(),
  step: ProbeStep,
});
export type ProbeStepMessage = z.infer<typeof ProbeStepMessage>;

export const ProbeFailedMessage = z.object({
  pairId: z.string(),
  batchId: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  error: z.string(),
});
export type ProbeFailedMessage = z.infer<typeof ProbeFailedMessage>;

export const ProbeProgress = z.object({
  batchId: z.string(),
  from: z.string(),
  done: z.number().int(),
  total: z.number().int(),
  failed: z.number().int(),
  finished: z.boolean(),
});
export type ProbeProgress = z.infer<typeof ProbeProgress>;

export const RunbookRequest = z.object({
  from: z.string().min(1).max(256),
  to: z.string().min(1).max(2048),
  origin: z.string().max(512).optional(),
});
export type RunbookRequest = z.input<typeof RunbookRequest>;

export const RunbookFailed = z.object({
  id: z.string(),
  from: z.string(),
  to: z.string(),
  error: z.string(),
});
export type RunbookFailed = z.infer<typeof RunbookFailed>;

export type AckResult = { ok: true; id: string } | { ok: false; error: string };

/** Client → server. Every payload is validated with zod on arrival. */
export interface ClientToServerEvents {
  'topology:get': (
    payload: unknown,
    ack: (r: TopologyMessage | { ok: false; error: string }) => void,
  ) => void;
  'probe:run': (payload: unknown, ack: (r: AckResult) => void) => void;
  'probe:all': (payload: unknown, ack: (r: AckResult) => void) => void;
  'runbook:run': (payload: unknown, ack: (r: AckResult) => void) => void;
}

/** Server → client. */
export interface ServerToClientEvents {
  /** The full topology: on connect, and as the answer to topology:get. */
  topology: (m: TopologyMessage) => void;
  /** Afterwards only changes, and nothing at all while nothing changes. */
  'topology:change': (m: TopologyChange) => void;
  engine: (s: EngineState) => void;
  'probe:step': (m: ProbeStepMessage) => void;
  'probe:done': (m: ProbeRecord) => void;
  'probe:failed': (m: ProbeFailedMessage) => void;
  'probe:progress': (m: ProbeProgress) => void;
  'probe:history': (m: { records: ProbeRecord[] }) => void;
  /** Findings that come from probe results (the topology carries the static ones). */
  'findings:probes': (m: { findings: Finding[] }) => void;
  'runbook:done': (m: RunbookReport) => void;
  'runbook:failed': (m: RunbookFailed) => void;
}

export const SOCKET_PATH = '/socket.io';

import { z } from 'zod';
import { PairedProbe, ProbeSpec, ProbeStep } from './probe';
import type { RunbookReport } from './runbook';
import { type Finding, Topology } from './topology';

/** What travels over socket.io between the server and the dashboard. */

export const EngineState = z.object({
  status: z.enum(['connecting', 'connected', 'unreachable']),
  error: z.string().optional(),
  retryInMs: z.number().optional(),
  since: z.string(),
});
export type EngineState = z.infer<typeof EngineState>;

export const TopologyMessage = z.object({ version: z.number().int(), topology: Topology });
export type TopologyMessage = z.infer<typeof TopologyMessage>;

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
  topology: (m: TopologyMessage) => void;
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

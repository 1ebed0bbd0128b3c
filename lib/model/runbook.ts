import { z } from 'zod';
import { Initiator, ProbeResult, ProbeTarget, ProbeVerdict } from './probe';
import { Finding } from './topology';

/** The six-step runbook (domain.md) as a record: what each step saw, where it stopped. */

export const RunbookStepStatus = z.enum(['pass', 'fail', 'info', 'skipped']);

export const RunbookStep = z.object({
  n: z.number().int().min(1).max(6),
  title: z.string(),
  status: RunbookStepStatus,
  summary: z.string(),
  /** Observations, one per line (plain text; renderers escape them). */
  lines: z.array(z.string()),
  /** Tables (listen matrix, proxy quadruple, origins checklist): header row first. */
  table: z.array(z.array(z.string())).nullable(),
  /** Ids of the probes this step ran (their results are in `probes`). */
  probeIds: z.array(z.string()),
});
export type RunbookStep = z.infer<typeof RunbookStep>;

export const ConnectionRow = z.object({
  initiator: z.string(),
  target: z.string(),
  /** name → addresses, and who answered, in the initiator's namespace. */
  resolution: z.string(),
  /** NAT / proxy layers between the two (docker-proxy/DNAT of a publish, reverse proxies). */
  layers: z.array(z.string()),
  verdict: ProbeVerdict,
  decisive: z.string().nullable(),
});
export type ConnectionRow = z.infer<typeof ConnectionRow>;

export const RunbookReport = z.object({
  id: z.string(),
  createdAt: z.string(),
  from: z.string(),
  to: z.string(),
  origin: z.string().nullable(),
  initiator: Initiator,
  target: ProbeTarget,
  steps: z.array(RunbookStep),
  /** The step the runbook stopped at (first failure), or null when all ran. */
  stoppedAt: z.number().int().nullable(),
  probes: z.array(ProbeResult),
  findings: z.array(Finding),
  connections: z.array(ConnectionRow),
});
export type RunbookReport = z.infer<typeof RunbookReport>;

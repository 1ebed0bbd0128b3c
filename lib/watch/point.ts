import { z } from 'zod';
import { ProbeVerdict } from '../model/probe';

/** One result of a watched path, as the history keeps it and GET /api/watch returns it. */
export const WatchPoint = z.object({
  key: z.string(),
  from: z.string(),
  to: z.string(),
  at: z.string(),
  ok: z.boolean(),
  verdict: ProbeVerdict,
  decisive: z.string().nullable(),
  /** The edge the result draws (probePathKey: initiator id → target), for the page's strip. */
  edge: z.string().optional(),
  /** The address the probe connected to (or tried first): replicas and stale addresses show in it. */
  address: z.string().nullable().optional(),
  /** The container that held that address then (or published that port); null: none did. */
  reached: z.string().nullable().optional(),
});
export type WatchPoint = z.infer<typeof WatchPoint>;

import { z } from 'zod';
import { Topology } from './topology';

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

export const Ack = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type Ack = z.infer<typeof Ack>;

/** Client → server. Every payload is validated with zod on arrival. */
export interface ClientToServerEvents {
  'topology:get': (
    payload: unknown,
    ack: (r: TopologyMessage | { ok: false; error: string }) => void,
  ) => void;
}

/** Server → client. */
export interface ServerToClientEvents {
  topology: (m: TopologyMessage) => void;
  engine: (s: EngineState) => void;
}

export const SOCKET_PATH = '/socket.io';

import type { EngineState, TopologyChange } from '../model/live';
import type { Topology } from '../model/topology';

export interface SourceEvents {
  /**
   * A new topology and its version, published only when something shown changed, with the
   * change from the previous version (what browsers receive); null for the first topology.
   */
  topology: [Topology, number, TopologyChange | null];
  engine: [EngineState];
}

/** Where the last rebuild spent its time (for the benchmark and slow-rebuild warnings). */
export interface RebuildTimings {
  full: boolean;
  engineMs: number;
  hostFactsMs: number;
  buildMs: number;
}

/**
 * What the server needs from whatever keeps its topology: the live TopologyService, or a
 * recorded topology replayed from a file (ReplaySource). The HTTP routes, the socket and
 * the probes read only this, so neither knows whether a Docker engine is behind it.
 */
export interface TopologySource {
  readonly current: Topology | null;
  readonly version: number;
  readonly engine: EngineState;
  readonly lastRebuild: RebuildTimings | null;
  /** The current topology once a rebuild that started after this call has finished (or timed out). */
  refresh(timeoutMs?: number, full?: boolean): Promise<Topology | null>;
  start(): void;
  stop(): void;
  on<K extends keyof SourceEvents>(event: K, listener: (...args: SourceEvents[K]) => void): unknown;
}

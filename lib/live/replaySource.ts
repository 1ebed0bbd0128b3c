import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { EngineState } from '../model/live';
import { Topology } from '../model/topology';
import type { SourceEvents, TopologySource } from './source';

/**
 * A topology recorded elsewhere (`reachmap scan --json > host.json`), served as if it were
 * live: for an operator without access to that host's Docker socket, and for tests and
 * benchmarks that need a large host without creating hundreds of containers. It never
 * touches Docker: one version, no events, and probes are refused (see refusingProber).
 */

export const REPLAY_PROBES_OFF =
  'this dashboard replays a recorded topology (--replay FILE); probes need a live engine';

/** The file cannot be replayed; the message says why in one line, without the file name. */
export class ReplayError extends Error {
  override name = 'ReplayError';
}

const MAX_ISSUES = 3;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Reads and validates what `reachmap scan --json` prints: one Topology object. */
export async function readReplay(file: string): Promise<Topology> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ReplayError(`cannot read the file (${message(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ReplayError(`not JSON (${message(e)}); expected the output of "reachmap scan --json"`);
  }
  const parsed = Topology.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const shown = issues
      .slice(0, MAX_ISSUES)
      .map((i) => `${i.path.map(String).join('.') || 'top level'}: ${i.message}`);
    const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : '';
    throw new ReplayError(`not a topology as "reachmap scan --json" writes it: ${shown.join('; ')}${more}`);
  }
  return parsed.data;
}

export class ReplaySource extends EventEmitter<SourceEvents> implements TopologySource {
  /** A recording never changes, so browsers get version 1 and never a change. */
  readonly version = 1;
  readonly lastRebuild = null;
  readonly engine: EngineState = { status: 'replay', since: new Date().toISOString() };
  readonly current: Topology;

  /** `file` names the recording in the warning every reader of the topology sees. */
  constructor(recorded: Topology, file: string) {
    super();
    this.current = {
      ...recorded,
      warnings: [`Replay of ${file} recorded at ${recorded.scannedAt}: probes are off`, ...recorded.warnings],
    };
  }

  static async load(file: string): Promise<ReplaySource> {
    return new ReplaySource(await readReplay(file), file);
  }

  refresh(): Promise<Topology> {
    return Promise.resolve(this.current);
  }

  start(): void {
    // Nothing to watch: no engine, no events.
  }

  stop(): void {
    // Nothing was started.
  }
}

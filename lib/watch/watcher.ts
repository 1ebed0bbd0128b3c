import type { ProbeResult, ProbeSpecInput } from '../model/probe';
import type { ProxyRoutes } from '../model/snapshot';
import type { Container, Topology } from '../model/topology';
import { probePathKey } from '../probe/edges';
import { mapLimit } from '../util/concurrency';
import type { WatchHistory } from './history';
import { inferWatchPaths, type PinnedPath, type WatchPath } from './paths';
import type { WatchPoint } from './point';

/**
 * Keeps probing the paths that matter (./paths) on its own, with bounded cost: one sweep at
 * a time, a few probes in flight, an interval with jitter (many Reachmaps on one network do
 * not beat in step), paths from a stopped initiator paused, and a path re-probed soon after
 * an event touches either end. A path whose target container stopped is still probed (that
 * is when it turns red); one whose target was removed is dropped.
 */

export interface WatchResult {
  path: WatchPath;
  result: ProbeResult;
  point: WatchPoint;
  /** The path's previous point; null for its first. */
  previous: WatchPoint | null;
}

export interface WatcherDeps {
  topology: () => Promise<Topology | null>;
  probe: (spec: ProbeSpecInput) => Promise<ProbeResult>;
  /** The reverse proxies' routes (their upstreams are watched); absent: none. */
  readProxies?: (t: Topology) => Promise<ProxyRoutes[]>;
  pinned?: readonly PinnedPath[];
  history: WatchHistory;
  intervalMs: number;
  concurrency?: number;
  timeoutMs?: number;
  onResult?: (r: WatchResult) => void;
  /** A probe that could not run (not a failed path: the path's verdict is unknown). */
  onError?: (path: WatchPath, error: string) => void;
}

/** Re-probe this soon after an event touched a path's end (the container is up by then). */
const POKE_DELAY_MS = 1500;

function findContainer(t: Topology, name: string): Container | undefined {
  return (
    t.containers.find((c) => c.name === name) ??
    t.containers.find((c) => c.compose?.service === name && c.state === 'running') ??
    t.containers.find((c) => c.compose?.service === name) ??
    (name.length >= 6 ? t.containers.find((c) => c.id.startsWith(name)) : undefined)
  );
}

export class Watcher {
  private known = new Map<string, WatchPath>();
  private timer: NodeJS.Timeout | null = null;
  private pokeTimer: NodeJS.Timeout | null = null;
  private poked = new Set<string>();
  private running: Promise<WatchResult[]> | null = null;
  private stopped = true;
  /** Probes run since start (for the cost figures and /metrics). */
  probes = 0;

  constructor(private readonly deps: WatcherDeps) {}

  /** The paths of the last sweep. */
  paths(): WatchPath[] {
    return [...this.known.values()];
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.pokeTimer) clearTimeout(this.pokeTimer);
    this.timer = this.pokeTimer = null;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.sweep().finally(() => {
        const jitter = 0.9 + Math.random() * 0.2;
        this.schedule(Math.round(this.deps.intervalMs * jitter));
      });
    }, ms);
  }

  /** Containers an event touched (by name): their paths are probed again shortly. */
  poke(names: Iterable<string>): void {
    for (const n of names) this.poked.add(n);
    if (this.stopped || this.pokeTimer || this.poked.size === 0) return;
    this.pokeTimer = setTimeout(() => {
      this.pokeTimer = null;
      const names = new Set(this.poked);
      this.poked.clear();
      void this.sweep((p) => names.has(p.from) || (p.toContainer !== null && names.has(p.toContainer)));
    }, POKE_DELAY_MS);
  }

  /** One pass over the paths (or those `only` picks); waits for a pass already running. */
  async sweep(only?: (p: WatchPath) => boolean): Promise<WatchResult[]> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.pass(only);
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  private async pass(only?: (p: WatchPath) => boolean): Promise<WatchResult[]> {
    const t = await this.deps.topology();
    if (!t) return [];
    const proxies = this.deps.readProxies ? await this.deps.readProxies(t).catch(() => []) : [];
    const inferred = inferWatchPaths(t, { pinned: this.deps.pinned, proxies });
    const next = new Map(inferred.map((p) => [p.key, p]));
    // A target that stopped keeps its path (its verdict is the news); a removed one ends it.
    for (const [key, p] of this.known)
      if (!next.has(key) && p.toContainer && t.containers.some((c) => c.name === p.toContainer))
        next.set(key, p);
    this.known = next;
    const due = [...next.values()].filter((p) => {
      if (only && !only(p)) return false;
      if (p.from === 'host') return true;
      const c = findContainer(t, p.from);
      return !c || c.state === 'running'; // paused while its initiator is stopped
    });
    const out: WatchResult[] = [];
    await mapLimit(due, this.deps.concurrency ?? 4, async (path) => {
      let result: ProbeResult;
      try {
        this.probes++;
        result = await this.deps.probe({
          from: path.from,
          to: path.to,
          holdMs: path.holdMs,
          timeoutMs: this.deps.timeoutMs ?? 3000,
          logs: false,
        });
      } catch (e) {
        this.deps.onError?.(path, e instanceof Error ? e.message : String(e));
        return;
      }
      const point: WatchPoint = {
        key: path.key,
        from: path.from,
        to: path.to,
        at: new Date().toISOString(),
        ok: result.ok,
        verdict: result.verdict,
        decisive: result.decisive,
        edge: probePathKey(result),
      };
      const previous = this.deps.history.add(point);
      const r = { path, result, point, previous };
      out.push(r);
      this.deps.onResult?.(r);
    });
    return out;
  }
}

/** Whether a result changed the path's verdict (its first result counts as a change). */
export const verdictChanged = (r: WatchResult) =>
  r.previous === null || r.previous.verdict !== r.point.verdict || r.previous.decisive !== r.point.decisive;

import type { ProbeResult, ProbeSpecInput } from '../model/probe';
import type { ProxyRoutes } from '../model/snapshot';
import type { Container, Topology } from '../model/topology';
import { dialledAddress, probeEndpoints, probePathKey } from '../probe/edges';
import { mapLimit } from '../util/concurrency';
import type { WatchHistory } from './history';
import { inferWatchPaths, MAX_WATCH_PATHS, type PinnedPath, type WatchPath } from './paths';
import type { WatchPoint } from './point';
import { replicaNote } from './replicas';

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
  /** Another container answers now, or the address dialled belongs to no container any more. */
  replica: string | null;
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
  /** A sweep that failed as a whole (the topology or a listener threw): logged, the watch goes on. */
  onSweepError?: (error: unknown) => void;
}

/** Proxy configurations are re-read at most this often (pokes reuse the last read). */
const PROXY_READ_MS = 5 * 60_000;

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
  /** Bumped by stop(): a sweep that ends after it schedules nothing (no second loop). */
  private generation = 0;
  private proxies: { at: number; routes: ProxyRoutes[] } | null = null;
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
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    if (this.pokeTimer) clearTimeout(this.pokeTimer);
    this.timer = this.pokeTimer = null;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    const generation = this.generation;
    this.timer = setTimeout(() => {
      this.sweep()
        .catch((e: unknown) => this.deps.onSweepError?.(e))
        .finally(() => {
          if (generation !== this.generation) return;
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
      this.sweep((p) => names.has(p.from) || (p.toContainer !== null && names.has(p.toContainer))).catch(
        (e: unknown) => this.deps.onSweepError?.(e),
      );
    }, POKE_DELAY_MS);
  }

  /** The proxies' routes: read again on a full sweep once they are older than PROXY_READ_MS. */
  private async proxyRoutes(t: Topology, full: boolean): Promise<ProxyRoutes[]> {
    if (!this.deps.readProxies) return [];
    const fresh = this.proxies && (!full || Date.now() - this.proxies.at < PROXY_READ_MS);
    if (!fresh) {
      const routes = await this.deps.readProxies(t).catch(() => this.proxies?.routes ?? []);
      this.proxies = { at: Date.now(), routes };
    }
    return this.proxies?.routes ?? [];
  }

  /** One pass over the paths (or those `only` picks); waits for a pass already running. */
  async sweep(only?: (p: WatchPath) => boolean): Promise<WatchResult[]> {
    while (this.running) await this.running.catch(() => undefined);
    const pass = this.pass(only);
    this.running = pass;
    try {
      return await pass;
    } finally {
      if (this.running === pass) this.running = null;
    }
  }

  private async pass(only?: (p: WatchPath) => boolean): Promise<WatchResult[]> {
    const t = await this.deps.topology();
    if (!t) return [];
    const inferred = inferWatchPaths(t, {
      pinned: this.deps.pinned,
      proxies: await this.proxyRoutes(t, !only),
    });
    const next = new Map(inferred.map((p) => [p.key, p]));
    // A target that stopped keeps its path while it still publishes that port and the
    // initiator still exists (its verdict is the news); removed, recreated elsewhere, or a
    // proxy gone: the path ends.
    const byName = new Map(t.containers.map((c) => [c.name, c]));
    for (const [key, p] of this.known) {
      if (next.has(key) || next.size >= MAX_WATCH_PATHS || !p.toContainer) continue;
      const target = byName.get(p.toContainer);
      if (!target || target.state === 'running') continue;
      if (p.from !== 'host' && !byName.has(p.from)) continue;
      if (p.hostPort !== null && !target.configuredPorts.some((b) => b.hostPort === p.hostPort)) continue;
      next.set(key, p);
    }
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
          ...(path.origin ? { origin: path.origin } : {}),
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
        ...reachedBy(t, result),
      };
      const earlier = this.deps.history.of(path.key);
      const previous = this.deps.history.add(point);
      const r = { path, result, point, previous, replica: replicaNote(point, previous, earlier) };
      out.push(r);
      try {
        this.deps.onResult?.(r);
      } catch (e) {
        this.deps.onSweepError?.(e);
      }
    });
    return out;
  }
}

/** The address a result dialled and the container that held it (or published the port) then. */
function reachedBy(t: Topology, r: ProbeResult): Pick<WatchPoint, 'address' | 'reached'> {
  const address = dialledAddress(r) ?? null;
  if (!address) return {};
  const target = probeEndpoints(t, r).target;
  const c = target?.startsWith('ctr:') ? t.containers.find((x) => `ctr:${x.id}` === target) : undefined;
  return { address, reached: c ? c.name : target === 'ns:host' ? 'host' : (target ?? null) };
}

/** Whether a result changed the path's verdict (its first result counts as a change). */
export const verdictChanged = (r: WatchResult) =>
  r.previous === null || r.previous.verdict !== r.point.verdict || r.previous.decisive !== r.point.decisive;

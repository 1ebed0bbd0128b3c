import { EventEmitter } from 'node:events';
import { type DockerClient, describeError } from '../docker/client';
import { type EngineStateChange, EventFeed } from '../docker/events';
import type { DockerContainer, DockerEvent, DockerInfo, DockerNetwork } from '../docker/schemas';
import { log } from '../log';
import type { EngineState } from '../model/live';
import type { Topology } from '../model/topology';
import { type HostReaders, hostReaders } from '../scanner';
import { buildTopology } from '../topology/build';
import { sameJson } from '../util/sameJson';
import { diffTopology } from './changes';
import { FactCache } from './factCache';
import type { RebuildTimings, SourceEvents, TopologySource } from './source';

/**
 * Events that change nothing we show (healthcheck execs fire every few seconds). `kill` is a
 * signal sent: a `die` follows when the process exits, and a rebuild started by the kill
 * would inspect a container still running and hold back the die's rebuild behind it.
 */
const IGNORED_ACTIONS = /^(exec_|attach|top|resize|copy|archive-path|extract-to-dir|export|commit|kill$)/;
/** Coalesce bursts (compose up emits dozens of events) into one rebuild. */
const DEBOUNCE_MS = 25;
/**
 * Listeners change without Docker events. Every tick re-reads the next slice of the
 * namespaces, so each is re-read within a cycle while no tick reads them all (slower when
 * our reads are slow: a tick waits ten times what the last one cost). The read runs beside
 * the event-driven rebuilds, which merge it: a container's change never waits behind it.
 */
const LISTENER_TICK_MS = 2_000;
const LISTENER_CYCLE_MS = 12_000;
const LISTENER_SLICES = LISTENER_CYCLE_MS / LISTENER_TICK_MS;
/** A rotation tick waits this long after the last Docker event… */
const ROTATION_YIELD_MS = 1_500;
/** …but is never more than this late. */
const ROTATION_MAX_LATE_MS = 4_000;
/** A full re-list guards against anything the event stream missed. */
const FULL_RESYNC_MS = 60_000;
/** The packet filter is re-read this long after a container or network event (bursts coalesce). */
const FIREWALL_AFTER_EVENT_MS = 300;
/** A process binds its port a moment after `start`; look again then. */
const AFTER_START_MS = [400, 1500, 4000];

/**
 * Keeps one topology current: a full scan on (re)connect and every minute, per-container
 * re-inspects and namespace re-reads driven by Docker events, and a rotating re-read of
 * the other namespaces' listeners. Publishes a new version only when something shown
 * changed, as the whole topology and as the change from the previous version.
 */
export class TopologyService extends EventEmitter<SourceEvents> implements TopologySource {
  private readonly feed: EventFeed;
  private readonly facts: FactCache;
  private containers = new Map<string, DockerContainer>();
  private networks: DockerNetwork[] = [];
  private info: { info: DockerInfo; apiVersion: string } | null = null;
  /** Containers to re-inspect (and whose namespaces to re-read). */
  private dirty = new Set<string>();
  /** Containers whose namespaces to re-read only (their process binds a moment after start). */
  private nsDirty = new Set<string>();
  private networksDirty = false;
  private firewallDirty = false;
  private fullNeeded = true;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private rerun = false;
  private waiters: Array<() => void> = [];
  private intervals: NodeJS.Timeout[] = [];
  private tickMs = LISTENER_TICK_MS;
  private lastSliceAt = 0;
  private lastEventAt = 0;
  private feedConnected = false;
  version = 0;
  current: Topology | null = null;
  /** Where the last rebuild spent its time (for the benchmark and slow-rebuild warnings). */
  lastRebuild: RebuildTimings | null = null;
  engine: EngineState = { status: 'connecting', since: new Date().toISOString() };

  constructor(
    private readonly client: DockerClient,
    readers: HostReaders = hostReaders(client),
  ) {
    super();
    this.facts = new FactCache(readers, LISTENER_CYCLE_MS);
    this.feed = new EventFeed(client);
    this.feed.on('state', (s) => this.onFeedState(s));
    this.feed.on('event', (e) => this.onEvent(e));
  }

  start(): void {
    this.feed.start();
    this.intervals.push(
      setInterval(() => {
        // Half a second of slack: interval timers drift, and a tick missed by 1 ms waits a whole second.
        const now = Date.now();
        // A failed rebuild asked for a full one: retry it on the tick, and rotate nothing
        // meanwhile (a slice read now would only wait, unmerged, for the full read to drop it).
        if (this.feedConnected && this.fullNeeded) {
          if (!this.running) this.schedule();
          return;
        }
        if (!this.feedConnected || now - this.lastSliceAt < this.tickMs - 500) return;
        // A container's change goes first: the rotation waits while events are being handled
        // (on two busy cores it would double their time), but never more than a few seconds.
        const busy = this.running !== null || now - this.lastEventAt < ROTATION_YIELD_MS;
        if (busy && now - this.lastSliceAt < this.tickMs + ROTATION_MAX_LATE_MS) return;
        this.lastSliceAt = now;
        void this.rotate();
      }, 1000),
      setInterval(() => {
        this.fullNeeded = true;
        this.schedule();
      }, FULL_RESYNC_MS),
    );
  }

  stop(): void {
    this.feed.stop();
    for (const i of this.intervals) clearInterval(i);
    if (this.timer) clearTimeout(this.timer);
    if (this.firewallTimer) clearTimeout(this.firewallTimer);
  }

  /**
   * Resolves once a rebuild that started after this call has finished (changed or not),
   * with the current topology; or with the current one after `timeoutMs`. `full` re-lists
   * and re-reads everything, as the periodic resync does.
   */
  refresh(timeoutMs = 10_000, full = false): Promise<Topology | null> {
    if (full) this.fullNeeded = true;
    return new Promise((resolve) => {
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(this.current);
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.push(done);
      this.schedule(0);
    });
  }

  private setEngine(s: Omit<EngineState, 'since'>): void {
    if (this.engine.status === s.status && this.engine.error === s.error) return;
    this.engine = { ...s, since: new Date().toISOString() };
    this.emit('engine', this.engine);
  }

  private onFeedState(s: EngineStateChange): void {
    this.feedConnected = s.status === 'connected';
    if (s.status === 'connected') {
      // Every (re)connect may have missed events: rebuild from a full list.
      this.fullNeeded = true;
      this.schedule(0);
      return;
    }
    if (s.status === 'unreachable')
      this.setEngine({ status: 'unreachable', error: s.error, retryInMs: s.retryInMs });
    else if (this.engine.status !== 'unreachable') this.setEngine({ status: 'connecting' });
  }

  private onEvent(e: DockerEvent): void {
    if (IGNORED_ACTIONS.test(e.Action)) return;
    this.lastEventAt = Date.now();
    if (e.Type === 'container' && e.Actor.ID) {
      const id = e.Actor.ID;
      this.dirty.add(id);
      // Docker rewrites its chains when a container starts, stops or goes; a health change does
      // not. Read them in a follow-up rebuild so the container's new state is not held back.
      if (!e.Action.startsWith('health_status')) this.firewallSoon();
      if (e.Action === 'start' || e.Action === 'restart' || e.Action === 'unpause') {
        for (const ms of AFTER_START_MS)
          setTimeout(() => {
            this.nsDirty.add(id);
            this.schedule();
          }, ms).unref();
      }
    } else if (e.Type === 'network') {
      this.networksDirty = true;
      this.firewallSoon();
      const c = e.Actor.Attributes.container;
      if (c) this.dirty.add(c);
    } else {
      return;
    }
    this.schedule();
  }

  private firewallTimer: NodeJS.Timeout | null = null;
  private firewallSoon(): void {
    if (this.firewallTimer) return;
    this.firewallTimer = setTimeout(() => {
      this.firewallTimer = null;
      this.firewallDirty = true;
      this.schedule();
    }, FIREWALL_AFTER_EVENT_MS);
    this.firewallTimer.unref?.();
  }

  /** One rotation tick: read the next slice on its own, then let a rebuild merge it. */
  private async rotate(): Promise<void> {
    const t0 = performance.now();
    try {
      if (!(await this.facts.readSlice([...this.containers.values()], LISTENER_SLICES))) return;
    } catch (e) {
      // The periodic full resync reads everything again; a failed slice only waits for it.
      log.debug({ err: describeError(e) }, 'a listener rotation read failed');
      return;
    }
    // Keep our own reads and builds to about a tenth of the time. A slow engine does not
    // count: a tick asks it nothing.
    const readMs = performance.now() - t0;
    await this.refresh();
    this.tickMs = Math.max(LISTENER_TICK_MS, (readMs + (this.lastRebuild?.buildMs ?? 0)) * 10);
  }

  private schedule(delay = DEBOUNCE_MS): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) {
        this.rerun = true;
        return;
      }
      this.running = this.rebuild().finally(() => {
        this.running = null;
        if (this.rerun) {
          this.rerun = false;
          this.schedule(0);
        }
      });
    }, delay);
    this.timer.unref?.();
  }

  /** Re-reads the engine's view: all of it, or the dirty containers. Returns what changed. */
  private async refreshEngine(full: boolean): Promise<{ changed: boolean; containers: Set<string> }> {
    if (full) {
      this.fullNeeded = false;
      this.dirty.clear();
      this.nsDirty.clear();
      this.networksDirty = false;
      const engine = await this.client.scan();
      this.info = { info: engine.info, apiVersion: engine.apiVersion };
      this.containers = new Map(engine.containers.map((c) => [c.Id, c]));
      this.networks = engine.networks;
      return { changed: true, containers: new Set() };
    }
    const ids = [...this.dirty];
    this.dirty.clear();
    const touched = new Set([...ids, ...this.nsDirty]);
    this.nsDirty.clear();
    const netsDirty = this.networksDirty;
    this.networksDirty = false;
    const [{ containers, vanished }, networks] = await Promise.all([
      ids.length > 0 ? this.client.inspectContainers(ids) : Promise.resolve({ containers: [], vanished: [] }),
      netsDirty ? this.client.listNetworks() : Promise.resolve(this.networks),
    ]);
    let changed = !sameJson(networks, this.networks);
    for (const c of containers) {
      if (!sameJson(this.containers.get(c.Id), c)) changed = true;
      this.containers.set(c.Id, c);
    }
    for (const id of vanished) if (this.containers.delete(id)) changed = true;
    this.networks = networks;
    return { changed, containers: touched };
  }

  private async rebuild(): Promise<void> {
    const t0 = performance.now();
    const waiters = this.waiters.splice(0);
    try {
      const full = this.fullNeeded || !this.info;
      const engine = await this.refreshEngine(full);
      const tLocal = performance.now();
      const firewall = this.firewallDirty;
      this.firewallDirty = false;
      const containers = [...this.containers.values()];
      const host = await this.facts.get(containers, {
        full,
        changed: engine.containers,
        slices: 0,
        firewall,
      });
      const tBuild = performance.now();
      const info = this.info;
      if (!info) return; // refreshEngine always sets it; this narrows the type
      // buildTopology is pure: the same inputs give the same topology, so skip it and the diff.
      if (this.current && !engine.changed && !host.changed) {
        this.touch(t0);
      } else {
        this.publish(
          buildTopology({
            engine: {
              endpoint: this.client.endpoint.display,
              info: info.info,
              apiVersion: info.apiVersion,
              containers,
              networks: this.networks,
              warnings: [],
            },
            ...host.facts,
            scannedAt: new Date().toISOString(),
            scanMs: performance.now() - t0,
          }),
        );
      }
      const tEnd = performance.now();
      this.lastRebuild = {
        full,
        engineMs: tLocal - t0,
        hostFactsMs: tBuild - tLocal,
        buildMs: tEnd - tBuild,
      };
      if (tEnd - t0 > 2000)
        log.warn(
          {
            rebuildMs: Math.round(tEnd - t0),
            engineMs: Math.round(tLocal - t0),
            hostMs: Math.round(tBuild - tLocal),
            modelMs: Math.round(tEnd - tBuild),
          },
          'a topology rebuild took over 2 s',
        );
      this.setEngine({ status: 'connected' });
    } catch (e) {
      this.fullNeeded = true; // retried on the next listener tick while the feed is up
      this.setEngine({ status: 'unreachable', error: describeError(e) });
    } finally {
      for (const w of waiters) w();
    }
  }

  /** A new version only when something shown changed. */
  private publish(next: Topology): void {
    const prev = this.current;
    const change = prev ? diffTopology(prev, next, this.version) : null;
    if (prev && !change) {
      this.current = { ...prev, scannedAt: next.scannedAt, scanMs: next.scanMs };
      return;
    }
    this.current = next;
    this.version++;
    this.emit('topology', next, this.version, change);
  }

  /** Nothing changed: the topology is still current as of now (for HTTP and CLI readers). */
  private touch(t0: number): void {
    if (!this.current) return;
    const scanMs = Math.round((performance.now() - t0) * 10) / 10;
    this.current = { ...this.current, scannedAt: new Date().toISOString(), scanMs };
  }
}

import { EventEmitter } from 'node:events';
import { type DockerClient, describeError } from '../docker/client';
import { type EngineStateChange, EventFeed } from '../docker/events';
import type { DockerContainer, DockerEvent, DockerInfo, DockerNetwork } from '../docker/schemas';
import type { EngineState } from '../model/live';
import type { Topology } from '../model/topology';
import { topologyFromEngine } from '../scanner';

/** Events that change nothing we show (healthcheck execs fire every few seconds). */
const IGNORED_ACTIONS = /^(exec_|attach|top|resize|copy|archive-path|extract-to-dir|export|commit)/;
/** Coalesce bursts (compose up emits dozens of events) into one rebuild. */
const DEBOUNCE_MS = 25;
/** Listeners change without Docker events; re-read them at this pace (or slower if reads are slow). */
const LISTENER_REFRESH_MS = 5_000;
/** A full re-list guards against anything the event stream missed. */
const FULL_RESYNC_MS = 60_000;
/** A process binds its port a moment after `start`; look again then. */
const AFTER_START_MS = [400, 1500, 4000];

interface ServiceEvents {
  topology: [Topology, number];
  engine: [EngineState];
}

/**
 * Keeps one topology current: a full scan on (re)connect, then per-container re-inspects
 * driven by Docker events, periodic listener refreshes and a periodic full resync.
 * Publishes each new topology with a monotonically increasing version.
 */
export class TopologyService extends EventEmitter<ServiceEvents> {
  private readonly feed: EventFeed;
  private containers = new Map<string, DockerContainer>();
  private networks: DockerNetwork[] = [];
  private info: { info: DockerInfo; apiVersion: string } | null = null;
  private dirty = new Set<string>();
  private networksDirty = false;
  private fullNeeded = true;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private rerun = false;
  private intervals: NodeJS.Timeout[] = [];
  private listenerRefreshMs = LISTENER_REFRESH_MS;
  private lastBuildAt = 0;
  private feedConnected = false;
  version = 0;
  current: Topology | null = null;
  engine: EngineState = { status: 'connecting', since: new Date().toISOString() };

  constructor(private readonly client: DockerClient) {
    super();
    this.feed = new EventFeed(client);
    this.feed.on('state', (s) => this.onFeedState(s));
    this.feed.on('event', (e) => this.onEvent(e));
  }

  start(): void {
    this.feed.start();
    this.intervals.push(
      setInterval(() => {
        if (this.feedConnected && Date.now() - this.lastBuildAt >= this.listenerRefreshMs) this.schedule();
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
  }

  /** Resolves with the next topology built (or the current one if the build fails or takes too long). */
  refresh(timeoutMs = 10_000): Promise<Topology | null> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.off('topology', onTopology);
        this.off('engine', onEngine);
        resolve(this.current);
      };
      const onTopology = () => done();
      const onEngine = (s: EngineState) => {
        if (s.status === 'unreachable') done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.on('topology', onTopology);
      this.on('engine', onEngine);
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
    if (e.Type === 'container' && e.Actor.ID) {
      this.dirty.add(e.Actor.ID);
      if (e.Action === 'start' || e.Action === 'restart' || e.Action === 'unpause') {
        for (const ms of AFTER_START_MS) setTimeout(() => this.schedule(), ms).unref();
      }
    } else if (e.Type === 'network') {
      this.networksDirty = true;
      const c = e.Actor.Attributes.container;
      if (c) this.dirty.add(c);
    } else {
      return;
    }
    this.schedule();
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

  private async rebuild(): Promise<void> {
    const t0 = performance.now();
    try {
      if (this.fullNeeded || !this.info) {
        this.fullNeeded = false;
        this.dirty.clear();
        this.networksDirty = false;
        const engine = await this.client.scan();
        this.info = { info: engine.info, apiVersion: engine.apiVersion };
        this.containers = new Map(engine.containers.map((c) => [c.Id, c]));
        this.networks = engine.networks;
      } else {
        const ids = [...this.dirty];
        this.dirty.clear();
        const netsDirty = this.networksDirty;
        this.networksDirty = false;
        const [{ containers, vanished }, networks] = await Promise.all([
          this.client.inspectContainers(ids),
          netsDirty ? this.client.listNetworks() : Promise.resolve(this.networks),
        ]);
        for (const c of containers) this.containers.set(c.Id, c);
        for (const id of vanished) this.containers.delete(id);
        this.networks = networks;
      }
      const topology = await topologyFromEngine(
        this.client,
        {
          endpoint: this.client.endpoint.display,
          info: this.info.info,
          apiVersion: this.info.apiVersion,
          containers: [...this.containers.values()],
          networks: this.networks,
          warnings: [],
        },
        t0,
      );
      // Reading /proc costs the same whatever a namespace holds; pace refreshes by what it cost.
      this.listenerRefreshMs = Math.max(LISTENER_REFRESH_MS, topology.scanMs * 20);
      if (topology.scanMs > 2000)
        console.warn(
          `reachmap: a topology rebuild took ${Math.round(topology.scanMs)} ms (engine or /proc slow)`,
        );
      this.lastBuildAt = Date.now();
      this.current = topology;
      this.version++;
      this.setEngine({ status: 'connected' });
      this.emit('topology', topology, this.version);
    } catch (e) {
      this.fullNeeded = true;
      this.lastBuildAt = Date.now(); // retried on the listener-refresh pace while the feed is up
      this.setEngine({ status: 'unreachable', error: describeError(e) });
    }
  }
}

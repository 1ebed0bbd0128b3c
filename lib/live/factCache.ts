import type { DockerContainer } from '../docker/schemas';
import type { FirewallText } from '../firewall/reader';
import type { Uplink } from '../netns/hostLinks';
import { mergeNetnsFacts, nextSlice, tableKeyOf, targetsForChanged } from '../netns/merge';
import type { NetnsFacts } from '../netns/reader';
import type { OpenclawFacts } from '../openclaw/config';
import { type HostReaders, netnsTargets } from '../scanner';
import { sameJson } from '../util/sameJson';

/**
 * The host-side facts of the last build, re-read piece by piece: reading every namespace
 * on every Docker event costs as much for one restarted container as for a full scan, and
 * on a host with hundreds of containers a full read every few seconds is most of a core.
 */

export interface HostFacts {
  netns: NetnsFacts;
  openclaw: Record<string, OpenclawFacts>;
  uplink: Uplink | null;
  firewall: FirewallText;
}

export interface FactRequest {
  /** Re-read everything (first build, reconnect, periodic resync). */
  full: boolean;
  /** Containers that changed, vanished or just started: their namespaces and OpenClaw config are re-read. */
  changed: ReadonlySet<string>;
  /** Also re-read 1/slices of the other namespaces, in rotation (0: none). */
  slices: number;
  /** Re-read the packet filter now: Docker rewrites it on container and network events. */
  firewall: boolean;
}

/** One namespace read, waiting to be merged: `seq` orders it against the reads around it. */
interface NsRead {
  seq: number;
  /** Containers whose identity this read answers for. */
  ids: ReadonlySet<string>;
  netns: NetnsFacts | null;
  /** Containers whose OpenClaw config was re-read, and what was found. */
  configIds: ReadonlySet<string>;
  configs: Record<string, OpenclawFacts>;
}

const EMPTY_READ = (prev: NetnsFacts): NetnsFacts => ({ ...prev, containers: {}, tables: {}, owners: {} });

export class FactCache {
  private last: HostFacts | null = null;
  private cursor: string | null = null;
  private firewallReadAt = 0;
  /**
   * Reads overlap (the rotation reads beside the event-driven rebuilds), so an older read may
   * finish after a newer one. Each read takes a number when it starts; per container, table
   * and config we remember the number of the read we hold, and never let an older one win.
   */
  private seq = 0;
  private fullSeq = 0;
  private held = new Map<string, number>();
  /** Rotation reads finished and not yet merged (by the next get). */
  private finished: NsRead[] = [];
  private rotating = false;

  constructor(
    private readonly read: HostReaders,
    /** Rules edited by hand come with no event: read the packet filter at least this often. */
    private readonly firewallMaxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Facts for `containers`, re-reading what `req` asks; `changed` says whether they differ from the last ones. */
  async get(
    containers: DockerContainer[],
    req: FactRequest,
  ): Promise<{ facts: HostFacts; changed: boolean }> {
    const before = this.last;
    // Rotation reads that finished since the last call are part of what we hold now.
    const prev = before && !req.full ? this.mergeFinished(before, containers) : before;
    const firewallDue =
      !prev || req.full || req.firewall || this.now() - this.firewallReadAt >= this.firewallMaxAgeMs;
    const [{ netns, openclaw }, uplink, firewall] = await Promise.all([
      prev && !req.full ? this.partial(prev, containers, req) : this.full(containers),
      this.read.uplink(),
      firewallDue || !prev ? this.read.firewall() : Promise.resolve(prev.firewall),
    ]);
    if (firewallDue) this.firewallReadAt = this.now();
    const facts: HostFacts = { netns, openclaw, uplink, firewall };
    this.last = facts;
    return { facts, changed: !before || !sameJson(before, facts) };
  }

  /**
   * Reads the next 1/`slices` of the namespaces (and the host's) on its own, so that a Docker
   * event's rebuild never waits behind it; the next get() merges it. False when there is
   * nothing to rotate over yet or a rotation read is still running.
   */
  async readSlice(containers: DockerContainer[], slices: number): Promise<boolean> {
    const prev = this.last;
    if (!prev || this.rotating) return false;
    this.rotating = true;
    try {
      const seq = ++this.seq;
      const targets = netnsTargets(containers);
      const slice = nextSlice(prev.netns, targets, this.cursor, slices);
      this.cursor = slice.cursor;
      const configs = this.configsInSlice(prev, containers, targets, slice.keys);
      const [netns, freshConfigs] = await Promise.all([
        this.read.netns(slice.targets, { host: true }),
        configs.length > 0 ? this.read.openclaw(configs) : Promise.resolve({}),
      ]);
      this.finished.push({
        seq,
        ids: new Set(slice.targets.map((t) => t.id)),
        netns,
        configIds: new Set(configs.map((c) => c.Id)),
        configs: freshConfigs,
      });
      return true;
    } finally {
      this.rotating = false;
    }
  }

  private async full(containers: DockerContainer[]) {
    // Everything read from here on is newer than any rotation read still running.
    this.fullSeq = ++this.seq;
    this.held.clear();
    this.finished = [];
    const [netns, openclaw] = await Promise.all([
      this.read.netns(netnsTargets(containers)),
      this.read.openclaw(containers),
    ]);
    return { netns, openclaw };
  }

  private mergeFinished(prev: HostFacts, containers: DockerContainer[]): HostFacts {
    let facts = prev;
    for (const r of this.finished.splice(0))
      if (r.seq > this.fullSeq) facts = { ...facts, ...this.merge(facts, containers, r) };
    return facts;
  }

  /** OpenClaw config is re-read for everyone in the namespaces of a slice. */
  private configsInSlice(
    prev: HostFacts,
    containers: DockerContainer[],
    targets: ReturnType<typeof netnsTargets>,
    keys: string[],
  ): DockerContainer[] {
    const sliceKeys = new Set(keys);
    const inSlice = new Set(
      targets.filter((t) => sliceKeys.has(tableKeyOf(prev.netns, t) ?? '')).map((t) => t.id),
    );
    return containers.filter((c) => inSlice.has(c.Id));
  }

  private async partial(prev: HostFacts, containers: DockerContainer[], req: FactRequest) {
    const seq = ++this.seq;
    const targets = netnsTargets(containers);
    const slice =
      req.slices > 0
        ? nextSlice(prev.netns, targets, this.cursor, req.slices)
        : { targets: [], keys: [], cursor: this.cursor };
    this.cursor = slice.cursor;
    const toRead = new Map(
      [...targetsForChanged(prev.netns, targets, req.changed), ...slice.targets].map((t) => [t.id, t]),
    );
    // OpenClaw config: the changed containers and everyone in the namespaces of the slice.
    const inSlice = new Set(this.configsInSlice(prev, containers, targets, slice.keys).map((c) => c.Id));
    const configs = containers.filter((c) => req.changed.has(c.Id) || inSlice.has(c.Id));

    // A slice tick reads the host's namespace even when no container runs.
    const readNetns = toRead.size > 0 || req.slices > 0;
    const [netns, freshConfigs] = await Promise.all([
      // The host's namespace is re-read on the rotation's ticks, not on every container event.
      readNetns ? this.read.netns([...toRead.values()], { host: req.slices > 0 }) : Promise.resolve(null),
      configs.length > 0 ? this.read.openclaw(configs) : Promise.resolve({}),
    ]);
    return this.merge(prev, containers, {
      seq,
      ids: new Set(netns ? toRead.keys() : []),
      netns,
      configIds: new Set(configs.map((c) => c.Id)),
      configs: freshConfigs,
    });
  }

  /** `r` over `prev`, except where a newer read already answered. */
  private merge(prev: HostFacts, containers: DockerContainer[], r: NsRead) {
    const older = (key: string) => (this.held.get(key) ?? 0) > r.seq;
    const take = (key: string) => {
      if (older(key)) return false;
      this.held.set(key, r.seq);
      return true;
    };
    const ids = new Set([...r.ids].filter((id) => take(id)));
    const fresh = r.netns ?? EMPTY_READ(prev.netns);
    const tables = Object.fromEntries(Object.entries(fresh.tables).filter(([k]) => take(k)));
    const netns = mergeNetnsFacts(prev.netns, { ...fresh, tables }, netnsTargets(containers), ids);
    const present = new Set(containers.map((c) => c.Id));
    const openclaw: Record<string, OpenclawFacts> = {};
    const reread = new Set([...r.configIds].filter((id) => take(`openclaw:${id}`)));
    for (const [id, f] of Object.entries(prev.openclaw))
      if (present.has(id) && !reread.has(id)) openclaw[id] = f;
    for (const id of reread) {
      const f = r.configs[id];
      if (f && present.has(id)) openclaw[id] = f;
    }
    return { netns, openclaw };
  }
}

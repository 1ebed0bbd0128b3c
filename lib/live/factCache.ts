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

export class FactCache {
  private last: HostFacts | null = null;
  private cursor: string | null = null;
  private firewallReadAt = 0;

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
    const prev = this.last;
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
    return { facts, changed: !prev || !sameJson(prev, facts) };
  }

  private async full(containers: DockerContainer[]) {
    const [netns, openclaw] = await Promise.all([
      this.read.netns(netnsTargets(containers)),
      this.read.openclaw(containers),
    ]);
    return { netns, openclaw };
  }

  private async partial(prev: HostFacts, containers: DockerContainer[], req: FactRequest) {
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
    const sliceKeys = new Set(slice.keys);
    const inSlice = new Set(
      targets.filter((t) => sliceKeys.has(tableKeyOf(prev.netns, t) ?? '')).map((t) => t.id),
    );
    const configs = containers.filter((c) => req.changed.has(c.Id) || inSlice.has(c.Id));

    // A slice tick reads the host's namespace even when no container runs.
    const readNetns = toRead.size > 0 || req.slices > 0;
    const [fresh, freshConfigs] = await Promise.all([
      // The host's namespace is re-read on the rotation's ticks, not on every container event.
      readNetns ? this.read.netns([...toRead.values()], { host: req.slices > 0 }) : Promise.resolve(null),
      configs.length > 0 ? this.read.openclaw(configs) : Promise.resolve({}),
    ]);
    const netns = mergeNetnsFacts(
      prev.netns,
      fresh ?? { ...prev.netns, containers: {}, tables: {}, owners: {} },
      targets,
      new Set(fresh ? toRead.keys() : []),
    );
    const present = new Set(containers.map((c) => c.Id));
    const reread = new Set(configs.map((c) => c.Id));
    const openclaw: Record<string, OpenclawFacts> = {};
    for (const [id, f] of Object.entries(prev.openclaw))
      if (present.has(id) && !reread.has(id)) openclaw[id] = f;
    Object.assign(openclaw, freshConfigs);
    return { netns, openclaw };
  }
}

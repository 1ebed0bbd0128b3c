import type { DockerClient } from './docker/client';
import type { DockerContainer, EngineFacts } from './docker/schemas';
import { type FirewallText, readFirewallText } from './firewall/reader';
import type { Topology } from './model/topology';
import { readUplink, type Uplink } from './netns/hostLinks';
import { type NetnsFacts, type NetnsTarget, readNetnsFacts } from './netns/reader';
import type { OpenclawFacts } from './openclaw/config';
import { readOpenclawFacts } from './openclaw/reader';
import { buildTopology } from './topology/build';

export interface ScanOptions {
  /** Resolve the owning process of each listener (walks /proc/<pid>/fd). */
  owners?: boolean;
}

export function netnsTargets(containers: DockerContainer[]) {
  return containers.map((c) => ({
    id: c.Id,
    pid: c.State.Running && c.State.Pid > 0 ? c.State.Pid : null,
    hostMode: c.HostConfig.NetworkMode === 'host',
  }));
}

/** The host reads beside the engine's answers; the live service caches them (lib/live/factCache). */
export interface HostReaders {
  /** `host: false` skips the host's own namespace (its table and socket owners) when only containers changed. */
  netns(targets: NetnsTarget[], opts?: { host?: boolean }): Promise<NetnsFacts>;
  openclaw(containers: DockerContainer[]): Promise<Record<string, OpenclawFacts>>;
  uplink(): Promise<Uplink | null>;
  firewall(): Promise<FirewallText>;
}

export function hostReaders(client: DockerClient, opts: ScanOptions = {}): HostReaders {
  return {
    netns: (targets, o) =>
      readNetnsFacts(targets, {
        execTables: (id) => client.execReadTables(id),
        owners: opts.owners ?? true,
        host: o?.host ?? true,
      }),
    openclaw: readOpenclawFacts,
    uplink: () => readUplink(),
    firewall: readFirewallText,
  };
}

/** Engine facts + a fresh /proc read → topology. */
export async function topologyFromEngine(
  client: DockerClient,
  engine: EngineFacts,
  startedAt: number,
  opts: ScanOptions = {},
): Promise<Topology> {
  const read = hostReaders(client, opts);
  const [netns, openclaw, uplink, firewall] = await Promise.all([
    read.netns(netnsTargets(engine.containers)),
    read.openclaw(engine.containers),
    read.uplink(),
    read.firewall(),
  ]);
  return buildTopology({
    engine,
    netns,
    openclaw,
    uplink,
    firewall,
    scannedAt: new Date().toISOString(),
    scanMs: performance.now() - startedAt,
  });
}

/** One complete scan, as the CLI does it. */
export async function scanOnce(client: DockerClient, opts: ScanOptions = {}): Promise<Topology> {
  const t0 = performance.now();
  const engine = await client.scan();
  return topologyFromEngine(client, engine, t0, opts);
}

import type { DockerClient } from './docker/client';
import type { DockerContainer, EngineFacts } from './docker/schemas';
import { readFirewallText } from './firewall/reader';
import type { Topology } from './model/topology';
import { readUplink } from './netns/hostLinks';
import { readNetnsFacts } from './netns/reader';
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

/** Engine facts + a fresh /proc read → topology. */
export async function topologyFromEngine(
  client: DockerClient,
  engine: EngineFacts,
  startedAt: number,
  opts: ScanOptions = {},
): Promise<Topology> {
  const [netns, openclaw, uplink, firewall] = await Promise.all([
    readNetnsFacts(netnsTargets(engine.containers), {
      execTables: (id) => client.execReadTables(id),
      owners: opts.owners ?? true,
    }),
    readOpenclawFacts(engine.containers),
    readUplink(),
    readFirewallText(),
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

import { diagnoseTopology } from '../diagnose';
import type { DockerNetwork, EngineFacts } from '../docker/schemas';
import { firewallFacts } from '../firewall/facts';
import type { FirewallText } from '../firewall/reader';
import type { Container, Network, Topology } from '../model/topology';
import type { Uplink } from '../netns/hostLinks';
import type { NetnsFacts } from '../netns/reader';
import type { OpenclawFacts } from '../openclaw/config';
import { toContainer } from './containers';
import { resolveEnvReferences } from './envRefs';
import { assignNamespaces, buildNamespaces } from './namespaces';

export interface ScanFacts {
  engine: EngineFacts;
  netns: NetnsFacts;
  /** OpenClaw Gateway settings by container id (lib/openclaw). */
  openclaw?: Record<string, OpenclawFacts>;
  uplink?: Uplink | null;
  /** iptables-save output (lib/firewall); absent when not read. */
  firewall?: FirewallText | null;
  scannedAt: string;
  scanMs: number;
}

const uniq = (xs: Array<string | null | undefined>) => [...new Set(xs.filter((x): x is string => !!x))];

function isDefaultBridge(n: DockerNetwork): boolean {
  return (
    n.Options['com.docker.network.bridge.default_bridge'] === 'true' ||
    (n.Name === 'bridge' && n.Driver === 'bridge')
  );
}

function toNetwork(n: DockerNetwork, containers: Container[]): Network {
  const mtu = Number(n.Options['com.docker.network.driver.mtu']);
  return {
    id: n.Id,
    name: n.Name,
    driver: n.Driver,
    scope: n.Scope,
    internal: n.Internal,
    subnets: n.IPAM.Config.map((c) => c.Subnet).filter((s): s is string => !!s),
    // The default bridge often reports no IPAM gateway; its endpoints still know it.
    gateways: uniq([
      ...n.IPAM.Config.map((c) => c.Gateway),
      ...containers.flatMap((c) => c.attachments.filter((a) => a.networkId === n.Id).map((a) => a.gateway)),
    ]),
    mtu: Number.isInteger(mtu) && mtu > 0 ? mtu : null,
    // The embedded resolver answers container names only on user-defined networks.
    embeddedDns: !isDefaultBridge(n) && n.Driver !== 'host' && n.Driver !== 'null',
    composeProject: n.Labels['com.docker.compose.project'] ?? null,
    containerIds: containers.filter((c) => c.attachments.some((a) => a.networkId === n.Id)).map((c) => c.id),
    bridge:
      n.Options['com.docker.network.bridge.name'] ??
      (n.Driver === 'bridge' ? (isDefaultBridge(n) ? 'docker0' : `br-${n.Id.slice(0, 12)}`) : null),
    icc: n.Options['com.docker.network.bridge.enable_icc'] !== 'false',
  };
}

/** Raw facts from the engine and /proc → the model. Pure: same facts, same topology. */
export function buildTopology(facts: ScanFacts): Topology {
  const { engine, netns } = facts;
  const byName = new Map(engine.containers.map((c) => [c.Name, c.Id]));
  const assignment = assignNamespaces(engine.containers, netns);
  const containers = engine.containers
    .map((c) => {
      const ns = assignment.byContainer.get(c.Id) ?? null;
      const group = ns ? assignment.groups.get(ns) : undefined;
      const container = toContainer(c, byName, { netns: ns, source: group ? group.source : 'unavailable' });
      return { ...container, openclaw: facts.openclaw?.[c.Id] ?? null };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const candidates = new Map(engine.containers.map((c) => [c.Id, c.Config.EnvRefs ?? []]));
  for (const c of containers) c.references = resolveEnvReferences(c, candidates.get(c.id) ?? [], containers);
  const namespaces = buildNamespaces(assignment, containers, netns);
  const networks = engine.networks
    .map((n) => toNetwork(n, containers))
    .sort((a, b) => a.name.localeCompare(b.name));
  const hostNs = namespaces.find((n) => n.kind === 'host');
  const topology: Topology = {
    scannedAt: facts.scannedAt,
    scanMs: Math.round(facts.scanMs * 10) / 10,
    host: {
      name: engine.info.Name,
      engineVersion: engine.info.ServerVersion,
      apiVersion: engine.apiVersion,
      os: engine.info.OperatingSystem,
      kernel: engine.info.KernelVersion,
      dockerEndpoint: engine.endpoint,
      netns: hostNs?.id ?? null,
      procVisible: netns.procVisible,
      engineElsewhere: netns.engineElsewhere === true,
      // This machine's uplink and packet filter are not those of an engine elsewhere.
      uplink: netns.engineElsewhere ? null : (facts.uplink ?? null),
    },
    networks,
    containers,
    namespaces,
    findings: [],
    firewall: netns.engineElsewhere
      ? {
          available: false,
          backend: null,
          reason: "the engine runs elsewhere: its host's packet filter cannot be read from here",
          chains: [],
        }
      : firewallFacts(facts.firewall),
    warnings: [...engine.warnings],
  };
  if (netns.engineElsewhere)
    topology.warnings.push(
      `The engine's containers are not visible in this machine's /proc: ${engine.endpoint} runs on another machine (or Reachmap in another PID namespace). Namespaces are inferred from NetworkMode, listeners read with docker exec; this machine's own namespace, packet filter and uplink are not shown as the engine host's.`,
    );
  else if (!netns.procVisible)
    topology.warnings.push(
      'Host /proc is not visible (Reachmap runs in another PID namespace): namespaces are inferred from NetworkMode and listeners read with docker exec.',
    );
  topology.findings = diagnoseTopology(topology);
  return topology;
}

import type { DockerContainer } from '../docker/schemas';
import type {
  ComposeInfo,
  Container,
  ContainerState,
  ExposedPort,
  NetworkModeKind,
  PortBinding,
  Protocol,
} from '../model/topology';
import { ContainerState as ContainerStateSchema, Protocol as ProtocolSchema } from '../model/topology';
import { displayCommand, redactText } from '../redact';

const COMPOSE = 'com.docker.compose.';

export function composeInfo(labels: Record<string, string>): ComposeInfo | null {
  const project = labels[`${COMPOSE}project`];
  const service = labels[`${COMPOSE}service`];
  if (!project || !service) return null;
  const n = Number(labels[`${COMPOSE}container-number`]);
  return {
    project,
    service,
    number: Number.isFinite(n) ? n : null,
    configHash: labels[`${COMPOSE}config-hash`] ?? null,
    oneoff: labels[`${COMPOSE}oneoff`] === 'True',
    workingDir: labels[`${COMPOSE}project.working_dir`] ?? null,
  };
}

export function networkModeKind(mode: string): NetworkModeKind {
  if (mode === 'default' || mode === '') return 'default';
  if (mode === 'bridge' || mode === 'host' || mode === 'none') return mode;
  if (mode.startsWith('container:')) return 'container';
  return 'network';
}

/** "18789/tcp" → { port: 18789, protocol: "tcp" } */
export function parsePortKey(key: string): ExposedPort | null {
  const m = /^(\d+)(?:\/(\w+))?$/.exec(key);
  if (!m) return null;
  const protocol = ProtocolSchema.safeParse(m[2] ?? 'tcp');
  return protocol.success ? { port: Number(m[1]), protocol: protocol.data } : null;
}

export function publishedPorts(ports: DockerContainer['NetworkSettings']['Ports']): PortBinding[] {
  const out: PortBinding[] = [];
  for (const [key, bindings] of Object.entries(ports)) {
    const p = parsePortKey(key);
    if (!p) continue;
    for (const b of bindings) {
      const hostPort = Number(b.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      // An empty HostIp means every IPv4 address (and :: for IPv6).
      out.push({ containerPort: p.port, protocol: p.protocol, hostIp: b.HostIp || '0.0.0.0', hostPort });
    }
  }
  return out.sort(
    (a, b) =>
      a.containerPort - b.containerPort || a.hostIp.localeCompare(b.hostIp) || a.hostPort - b.hostPort,
  );
}

function exposedPorts(c: DockerContainer): ExposedPort[] {
  const keys = new Set([
    ...c.Config.ExposedPorts,
    ...Object.keys(c.NetworkSettings.Ports),
    ...Object.keys(c.HostConfig.PortBindings),
  ]);
  return [...keys]
    .map(parsePortKey)
    .filter((p): p is ExposedPort => p !== null)
    .sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

function state(status: string): ContainerState {
  const s = ContainerStateSchema.safeParse(status);
  return s.success ? s.data : 'dead';
}

function health(c: DockerContainer): Container['health'] {
  const s = c.State.Health?.Status;
  return s === 'healthy' || s === 'unhealthy' || s === 'starting' ? s : 'none';
}

/** ["CMD-SHELL", "curl -f http://localhost/"] → "curl -f http://localhost/" */
function healthcheckText(c: DockerContainer): string | null {
  const test = c.Config.Healthcheck?.Test ?? [];
  if (test.length === 0 || test[0] === 'NONE') return null;
  const args = test[0] === 'CMD' || test[0] === 'CMD-SHELL' ? test.slice(1) : test;
  return displayCommand(args);
}

const HEALTH_OUTPUT_MAX = 400;

function healthLast(c: DockerContainer): Container['healthLast'] {
  const h = c.State.Health;
  // Facts recorded before the engine schema kept the log have none.
  const last = (h?.Log ?? []).at(-1);
  if (!h || !last) return null;
  const output = redactText(last.Output.replace(/[^\P{C}\n\t]/gu, ' ').trim()).slice(0, HEALTH_OUTPUT_MAX);
  return { exitCode: last.ExitCode, output, at: last.End, failingStreak: h.FailingStreak };
}

export interface ContainerNetns {
  netns: string | null;
  source: Container['netnsSource'];
}

/** One engine container → the model's Container (namespace fields filled by the caller). */
export function toContainer(c: DockerContainer, byName: Map<string, string>, ns: ContainerNetns): Container {
  const mode = c.HostConfig.NetworkMode;
  const kind = networkModeKind(mode);
  let sharesNetnsWith: string | null = null;
  if (kind === 'container') {
    const ref = mode.slice('container:'.length);
    sharesNetnsWith = byName.get(ref) ?? ref;
  }
  const attachments = Object.entries(c.NetworkSettings.Networks)
    .map(([name, e]) => ({
      networkId: e.NetworkID,
      networkName: name,
      ipv4: e.IPAddress || null,
      ipv6: e.GlobalIPv6Address || null,
      gateway: e.Gateway || null,
      mac: e.MacAddress || null,
      aliases: [...new Set([...e.Aliases, ...e.DNSNames])].filter((a) => a !== c.Id.slice(0, 12)).sort(),
    }))
    .sort((a, b) => a.networkName.localeCompare(b.networkName));
  const st = state(c.State.Status);
  return {
    id: c.Id,
    name: c.Name,
    image: c.Config.Image,
    imageId: c.Image,
    state: st,
    status: st === 'exited' || st === 'dead' ? `${st} (${c.State.ExitCode})` : st,
    exitCode: st === 'running' ? null : c.State.ExitCode,
    health: health(c),
    createdAt: c.Created,
    startedAt: c.State.StartedAt && !c.State.StartedAt.startsWith('0001-') ? c.State.StartedAt : null,
    pid: c.State.Running && c.State.Pid > 0 ? c.State.Pid : null,
    hostname: c.Config.Hostname,
    command: displayCommand([c.Path, ...c.Args].filter(Boolean)),
    compose: composeInfo(c.Config.Labels),
    networkMode: mode,
    networkModeKind: kind,
    sharesNetnsWith,
    netns: ns.netns,
    netnsSource: ns.source,
    networks:
      kind === 'host' || kind === 'container' || kind === 'none' ? [] : attachments.map((a) => a.networkName),
    attachments: kind === 'host' || kind === 'container' || kind === 'none' ? [] : attachments,
    ports: publishedPorts(c.NetworkSettings.Ports),
    configuredPorts: publishedPorts(c.HostConfig.PortBindings),
    exposedPorts: exposedPorts(c),
    proxyLabels: proxyLabels(c.Config.Labels),
    // Filled in by buildTopology, once every container's names are known.
    references: [],
    healthcheck: healthcheckText(c),
    healthLast: healthLast(c),
    proxyEnv: c.Config.Env,
    mounts: c.Mounts.map((m) => ({ type: m.Type, source: m.Source, destination: m.Destination })),
    hostsPath: c.HostsPath || null,
    resolvConfPath: c.ResolvConfPath || null,
    logDriver: c.HostConfig.LogConfig.Type,
    tty: c.Config.Tty,
    openclaw: null,
  };
}

export const protocolOf = (p: string): Protocol => (p === 'udp' || p === 'sctp' ? p : 'tcp');

/**
 * The traefik.* labels the Traefik reader uses (enable; routers' rule, service, entry points;
 * services' server port, scheme and URL) and nothing else: headers, forward-auth and auth
 * middlewares carry credentials. Values are redacted (a URL's userinfo, secret-looking text).
 */
const ROUTING_LABEL =
  /^traefik\.(enable|http\.routers\.[^.]+\.(rule|service|entrypoints)|http\.services\.[^.]+\.loadbalancer\.server\.(port|scheme|url))$/i;

export function proxyLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (!ROUTING_LABEL.test(k) || Object.keys(out).length >= 200) continue;
    out[k] = redactText(v.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1'));
  }
  return out;
}

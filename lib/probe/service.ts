import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import os from 'node:os';
import type { DockerClient } from '../docker/client';
import { captureLogs, type LogCaptureDeps } from '../logs/capture';
import {
  type PairedProbe,
  type ProbeResult,
  ProbeSpec,
  type ProbeSpecInput,
  type ProbeStep,
  type WsStep,
} from '../model/probe';
import type { Topology } from '../model/topology';
import { parseNsLink } from '../netns/procNet';
import { upstreamContainers } from '../proxy/configReader';
import { type HoldProxy, proxyIdleTimeout } from '../proxy/idleTimeout';
import type { AgentRequest } from './agent/protocol';
import { runProbe } from './agent/run';
import { ProbeError, type ResolvedInitiator, resolveInitiator, routeSummary } from './initiator';
import { pathMtus } from './pathMtu';
import { allowPolicy, type ProbeAllowSetting, targetAllowed } from './policy';
import { readResolverConfig } from './resolverConfig';
import { AgentPool } from './runners/agentProcess';
import { chooseRunner, type RunnerSetting } from './runners/choose';
import { findAgent, which } from './runners/locate';
import { agentPrivileges } from './runners/privileges';
import { spawnTransport } from './runners/transport';
import { kindsFor, parseTarget, TargetError } from './target';
import { verdictOf } from './verdict';

/**
 * Runs probes: validates the spec, resolves the initiator in the current topology, applies
 * the allow policy, picks a runner that executes inside the initiator's namespace, and
 * assembles the result. Paired probes run the same target from the host too.
 */

export const USER_AGENT = 'reachmap-probe/0.1';
const WS_WINDOW_MS = 1500;

export type Side = 'initiator' | 'host';

export interface ProbeOptions {
  paired?: boolean;
  onStep?: (side: Side, probeId: string, step: ProbeStep) => void;
  /** Called once per side when the probe id is known, before any step. */
  onStart?: (side: Side, probeId: string) => void;
}

export interface ProbeServiceDeps {
  topology: () => Promise<Topology>;
  /** The idle timeout of the proxy a held WebSocket went to (default: read its nginx config). */
  holdProxy?: (t: Topology, r: ProbeResult) => Promise<HoldProxy | null>;
  allow?: ProbeAllowSetting;
  /** For the exec and helper-container runners. */
  docker?: DockerClient;
  runner?: RunnerSetting;
  /** An image with `node`, for helper containers (REACHMAP_HELPER_IMAGE). */
  helperImage?: string | null;
  /** Log capture after each probe (REACHMAP_LOG_CAPTURE); absent = off. */
  logs?: Omit<LogCaptureDeps, 'upstreamsOf'> & { upstreamsOf?: LogCaptureDeps['upstreamsOf'] };
}

/**
 * Lines are written a moment after the response (nginx logs at the end of the request,
 * dockerd reads the pipe asynchronously): read shortly after, and once more a little later
 * when no hop has shown a line for this probe yet.
 */
const LOG_SETTLE_MS = [40, 200];

export { ProbeError, TargetError };

function hostAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((i): i is os.NetworkInterfaceInfo => !!i)
    .map((i) => i.address);
}

export class ProbeService {
  private readonly pool = new AgentPool();
  private selfInode: number | null | undefined;

  constructor(private readonly deps: ProbeServiceDeps) {}

  close(): void {
    this.pool.close();
  }

  /**
   * Lets go of agents whose namespace is gone: an agent entered through a container's pid
   * holds that namespace open (and costs a Node process) until it exits.
   */
  retain(t: Topology): void {
    const live = new Set(
      t.containers.filter((c) => c.state === 'running' && c.pid).map((c) => `${c.id}:${c.pid}`),
    );
    this.pool.retain((key) => {
      const [, holder, , pid] = key.split(':');
      return holder === 'host' || live.has(`${holder}:${pid}`);
    });
  }

  private async ownInode(): Promise<number | null> {
    if (this.selfInode === undefined)
      this.selfInode = parseNsLink(await readlink('/proc/self/ns/net').catch(() => ''));
    return this.selfInode;
  }

  /** Every check that can refuse a probe before it runs; throws ProbeError/TargetError. */
  async validate(input: ProbeSpecInput) {
    const parsed = ProbeSpec.safeParse(input);
    if (!parsed.success)
      throw new ProbeError(
        `invalid probe: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`).join('; ')}`,
      );
    const spec = parsed.data;
    const target = parseTarget(spec.to);
    const t = await this.deps.topology();
    const init = resolveInitiator(t, spec.from);
    const policy = allowPolicy(t, hostAddresses(), this.deps.allow);
    const refused = targetAllowed(target.host, t, policy, os.hostname(), this.deps.allow);
    if (refused) throw new ProbeError(refused);
    return { spec, target, t, init, policy };
  }

  async run(input: ProbeSpecInput, opts: ProbeOptions = {}): Promise<PairedProbe> {
    const { spec, target, t, init, policy } = await this.validate(input);

    const runSide = (side: Side, who: ResolvedInitiator) =>
      this.runOne(side, who, t, spec, target, policy, opts);
    // No host side for an engine on another machine: this machine is not its host.
    if (!opts.paired || init.kind === 'host' || t.host.engineElsewhere)
      return { initiator: await runSide('initiator', init), host: null };
    const hostInit = resolveInitiator(t, 'host');
    const [a, b] = await Promise.all([runSide('initiator', init), runSide('host', hostInit)]);
    return { initiator: a, host: b };
  }

  private async runOne(
    side: Side,
    init: ResolvedInitiator,
    t: Topology,
    spec: ProbeSpec,
    target: ReturnType<typeof parseTarget>,
    allow: AgentRequest['allow'],
    opts: ProbeOptions,
  ): Promise<ProbeResult> {
    const id = randomBytes(6).toString('hex');
    opts.onStart?.(side, id);
    const own = await this.ownInode();
    const c = init.container;
    const nsInode = init.namespace?.inode ?? null;
    const pid = c?.pid ?? null;
    // The host's own files when Reachmap runs on the host, else pid 1's root (pid: host).
    const hostRoot = init.kind === 'host' && !(nsInode !== null && nsInode === own) ? '/proc/1/root' : '/';
    const read = await readResolverConfig(c, hostRoot);
    let resolverSource = read.source;
    const resolver = read.config;

    const req: AgentRequest = {
      id,
      target,
      kinds: kindsFor(target, spec.ws),
      origin: spec.origin ?? null,
      headers: spec.headers,
      timeoutMs: spec.timeoutMs,
      tcpHoldMs: spec.holdMs,
      wsHoldMs: spec.wsHoldMs,
      wsPingMs: spec.wsPingMs,
      large: spec.large,
      wsWindowMs: WS_WINDOW_MS,
      resolver,
      allow,
      // The probe id in the User-Agent lands in most access-log formats as a marker.
      userAgent: `${USER_AGENT} (probe ${id})`,
    };
    const onStep = (s: ProbeStep) => opts.onStep?.(side, id, s);
    // Replaced by the agent's own wall-clock start (agent start-up must not skew the timeline).
    let startedAt = new Date();
    const onStart = (epochMs: number) => {
      startedAt = new Date(epochMs);
    };
    const t0 = performance.now();
    const agent = findAgent();
    const nsPid = init.kind === 'host' ? (nsInode !== null && nsInode === own ? process.pid : 1) : pid;
    const docker = this.deps.docker;
    const choice = await chooseRunner({
      setting: this.deps.runner ?? 'auto',
      initiator: init.kind,
      sameNamespace: nsInode !== null && nsInode === own,
      pid: init.namespace?.identitySource === 'proc' ? nsPid : null,
      root: process.getuid?.() === 0,
      nsenter: which('nsenter') !== null,
      agentBuilt: agent !== null,
      docker: !!docker,
      helperImage: this.deps.helperImage ?? null,
      containerHasNode: () =>
        c && docker ? docker.commandWorks(c.id, ['node', '-e', '0']) : Promise.resolve(false),
    });
    if (choice.kind === null)
      throw new ProbeError(
        `no way to run a probe inside ${c?.name ?? 'the host'}'s namespace here: ${choice.why}`,
      );
    // Reachmap cannot read the initiator's resolver files (no host /proc, the engine's files
    // elsewhere): an agent inside the container, or in a helper sharing its files, can.
    if (c && !read.complete && (choice.kind === 'exec' || choice.kind === 'helper-container')) {
      req.resolver = { ...resolver, fromAgentFiles: true };
      resolverSource = `${c.name}'s /etc/hosts and /etc/resolv.conf, read by the agent ${
        choice.kind === 'exec' ? 'inside the container' : 'in the helper container, which shares them'
      }`;
    }
    let runner: ProbeResult['runner'];
    let steps: ProbeStep[];
    const who = c?.name ?? 'host';
    const key = `${choice.kind}:${c?.id ?? 'host'}:${nsInode}:${nsPid}`;
    switch (choice.kind) {
      case 'in-process':
        runner = {
          kind: 'in-process',
          detail: 'Reachmap’s own process, which lives in this network namespace',
        };
        steps = await runProbe(req, onStep, onStart);
        break;
      case 'process':
      case 'nsenter': {
        // The agent talks to peers we do not trust: it runs apart from the server (a crash or
        // a hang there cannot take the dashboard down) and sheds privileges first.
        const priv = agentPrivileges(agent as string);
        const enter =
          choice.kind === 'nsenter' ? [which('nsenter') as string, `--net=/proc/${nsPid}/ns/net`, '--'] : [];
        const argv = [...enter, ...priv.prefix, process.execPath, agent as string];
        runner = {
          kind: choice.kind,
          detail:
            choice.kind === 'nsenter'
              ? `nsenter --net=/proc/${nsPid}/ns/net, a pooled Node agent ${priv.says}`
              : `a pooled Node agent beside Reachmap, in its namespace, ${priv.says}`,
        };
        steps = await this.pool.get(key, async () => spawnTransport(argv), who).run(req, onStep, onStart);
        break;
      }
      case 'exec': {
        const source = readFileSync(agent as string, 'utf8');
        runner = {
          kind: 'exec',
          detail: `docker exec -i ${who} node (the container's own node, agent sent on the command line)`,
        };
        const d = docker as DockerClient;
        steps = await this.pool
          .get(
            key,
            () => d.execStdio((c as NonNullable<typeof c>).id, ['node', '--input-type=module', '-e', source]),
            who,
          )
          .run(req, onStep, onStart);
        break;
      }
      case 'helper-container': {
        const image = this.deps.helperImage as string;
        const networkMode = c ? `container:${c.id}` : 'host';
        runner = {
          kind: 'helper-container',
          detail: `docker run -i --network ${networkMode} ${image} (agent sent on the command line)`,
        };
        const d = docker as DockerClient;
        // The agent travels in the command, not as a bind mount: a bind source is a path on
        // the engine's host, which is not Reachmap's filesystem when Reachmap runs in a container.
        const source = readFileSync(agent as string, 'utf8');
        steps = await this.pool
          .get(
            key,
            () =>
              d.helperStdio({
                image,
                networkMode,
                cmd: ['node', '--input-type=module', '-e', source],
                binds: [],
              }),
            who,
          )
          .run(req, onStep, onStart);
        break;
      }
    }
    // Say whose resolver configuration the DNS step used.
    steps = steps.map((st) =>
      st.kind === 'dns' && !st.note?.includes('resolver config')
        ? { ...st, note: `${st.note ? `${st.note}; ` : ''}resolver config: ${resolverSource}` }
        : st,
    );
    // The payload sweep's MTUs along the path: the agent's route, then the networks crossed.
    const dialled = tcpAddress(steps);
    for (const s of steps)
      if (s.kind === 'payload') s.path = pathMtus(t, { name: c?.name ?? 'host', container: c }, dialled, s);
    const v = verdictOf(steps);
    const result: ProbeResult = {
      id,
      ...v,
      initiator: {
        kind: init.kind,
        id: c?.id ?? 'host',
        name: c?.name ?? 'host',
        netns: init.namespace?.id ?? null,
        hostname: c?.hostname ?? os.hostname(),
        routes: routeSummary(t, init),
      },
      target,
      origin: spec.origin ?? null,
      runner,
      startedAt: startedAt.toISOString(),
      ms: Math.round((performance.now() - t0) * 10) / 10,
      steps,
      logs: null,
    };
    // A held WebSocket that ended early: the idle timeout of the proxy it went to, if read.
    const held = steps.find((s): s is WsStep => s.kind === 'ws' && !!s.hold && s.hold.endedBy !== 'held');
    if (held?.hold) {
      const proxy = await (this.deps.holdProxy ?? proxyIdleTimeout)(t, result);
      if (proxy) held.hold.proxy = proxy;
    }
    const logDeps = this.deps.logs;
    // Nothing reached a target that was never connected to: no window worth reading.
    const connected = steps.some((s) => s.kind === 'tcp' && s.ok);
    if (logDeps && spec.logs && connected) {
      const capture = () =>
        captureLogs(t, result, {
          readWindow: logDeps.readWindow,
          upstreamsOf: logDeps.upstreamsOf ?? ((p, path) => upstreamContainers(t, p, path)),
        });
      for (const wait of LOG_SETTLE_MS) {
        await new Promise((r) => setTimeout(r, wait));
        result.logs = await capture();
        // Done once every hop has shown its line for this probe (a proxy logs a WebSocket only when it closes).
        if (result.logs.containers.every((c) => c.lines.some((l) => l.match === 'marker'))) break;
      }
    }
    return result;
  }
}

function tcpAddress(steps: ProbeStep[]): string | undefined {
  const tcp = steps.find((s) => s.kind === 'tcp');
  return tcp?.kind === 'tcp' ? tcp.connected?.address : undefined;
}

import { randomBytes } from 'node:crypto';
import { takesIpv4 } from '../diagnose/finding';
import { diagnoseProbes } from '../diagnose/probe';
import { proxyKind } from '../diagnose/probe/proxyNoUpgrade';
import { describeHops, hopsOf } from '../logs/hops';
import type { ProbeResult, ProbeStep } from '../model/probe';
import type { RunbookReport, RunbookStep } from '../model/runbook';
import type { Container, Topology } from '../model/topology';
import { probeEndpoints } from '../probe/edges';
import { resolveInitiator, routeSummary } from '../probe/initiator';
import type { Prober } from '../probe/prober';
import { parseTarget } from '../probe/target';
import { forwardsUpgrade, locationFor, type ProxyLocation } from '../proxy/nginxConfig';
import { hostPort } from '../util/address';
import { connectionTable } from './connections';

/**
 * The six-step runbook of domain.md, automated. Cheapest observation first; at the first
 * failing step it stops, keeping what every step saw. Steps 2 and 3 are paired with the
 * host's namespace.
 */

export interface RunbookInput {
  from: string;
  to: string;
  origin?: string;
  timeoutMs?: number;
}

export interface RunbookDeps {
  probes: Pick<Prober, 'run'>;
  topology: () => Promise<Topology>;
  readNginx: (c: Container) => Promise<{ locations: ProxyLocation[]; source: string } | { error: string }>;
}

const TITLES = [
  'Label the initiator',
  'HTTP inside the initiator’s namespace',
  'WebSocket on the upgrade path',
  'Listen matrix of the target',
  'Reverse-proxy quadruple',
  'Origins checklist',
];

function url(scheme: string, host: string, port: number, path: string): string {
  return `${scheme}://${hostPort(host, port)}${path}`;
}

function stepLine(side: string, r: ProbeResult): string {
  const parts = r.steps.map((s: ProbeStep) => `${s.kind} ${s.ok ? 'ok' : (s.error ?? 'failed')} ${s.ms}ms`);
  return `${side} (${r.runner.kind}, ${r.startedAt}): ${r.verdict.toUpperCase()}${r.decisive ? ` ${r.decisive}` : ''} — ${parts.join(', ')}`;
}

/** The log lines each hop wrote for this probe, and the hops with the peer each saw. */
function evidenceLines(t: Topology, r: ProbeResult): string[] {
  if (!r.logs) return [];
  const out: string[] = [];
  for (const c of r.logs.containers) {
    const marked = c.lines.filter((l) => l.match === 'marker');
    if (c.note) out.push(`logs of ${c.name}: ${c.note}`);
    for (const l of marked.slice(0, 4)) out.push(`log ${c.name} ${l.ts}: ${l.text}`);
    if (!c.note && marked.length === 0)
      out.push(
        `logs of ${c.name}: no line carries this probe's id (${c.lines.length} line(s) in the window)`,
      );
  }
  return [...out, ...describeHops(hopsOf(t, r)).map((h) => `hop ${h}`)];
}

function targetOf(t: Topology, r: ProbeResult | undefined, host: string): Container | undefined {
  if (r) {
    const { target } = probeEndpoints(t, r);
    const c = target?.startsWith('ctr:') ? t.containers.find((x) => `ctr:${x.id}` === target) : undefined;
    if (c) return c;
  }
  const n = host.toLowerCase();
  return t.containers.find((c) => c.state === 'running' && (c.compose?.service === n || c.name === n));
}

export async function runRunbook(input: RunbookInput, deps: RunbookDeps): Promise<RunbookReport> {
  const t = await deps.topology();
  const target = parseTarget(input.to);
  const init = resolveInitiator(t, input.from);
  const probes: ProbeResult[] = [];
  /** The origins checklist explores: its rejections are table rows, not findings. */
  const checklistIds: string[] = [];
  const steps: RunbookStep[] = [];
  let stopped: number | null = null;
  const timeoutMs = input.timeoutMs ?? 5000;
  const origin = input.origin ?? null;
  const add = (s: Omit<RunbookStep, 'n' | 'title'>) => {
    const n = steps.length + 1;
    const status = stopped !== null ? 'skipped' : s.status;
    steps.push({
      n,
      title: TITLES[n - 1] as string,
      ...s,
      status,
      ...(stopped !== null
        ? { summary: `not run: stopped at step ${stopped}`, lines: [], table: null, probeIds: [] }
        : {}),
    });
    if (status === 'fail' && stopped === null) stopped = n;
  };
  const run = async (to: string, extra: { ws?: boolean; origin?: string } = {}, paired = false) => {
    const r = await deps.probes.run({ from: input.from, to, timeoutMs, ...extra }, { paired });
    probes.push(r.initiator);
    if (r.host) probes.push(r.host);
    return r;
  };

  // 1. Label the initiator.
  const c = init.container;
  const kind =
    init.kind === 'host'
      ? 'the Docker host itself'
      : c?.networkModeKind === 'container'
        ? `a sidecar sharing ${t.containers.find((o) => o.id === c.sharesNetnsWith)?.name ?? c.sharesNetnsWith?.slice(0, 12)}'s namespace`
        : c?.networkModeKind === 'host'
          ? 'a host-network container'
          : 'a standalone container';
  add({
    status: 'info',
    summary: `${c?.name ?? 'host'} is ${kind}; hostname ${c?.hostname ?? 'host'}`,
    lines: [
      `namespace: ${init.namespace?.id ?? 'unknown'}`,
      ...routeSummary(t, init).map((r) => `route: ${r}`),
    ],
    table: null,
    probeIds: [],
  });

  // 2. HTTP inside the initiator's namespace, paired with the host.
  const tls = target.scheme === 'https' || target.scheme === 'wss';
  const httpScheme = tls ? 'https' : 'http';
  const guess = targetOf(t, undefined, target.host);
  const httpPath =
    guess?.openclaw && (target.path === '/' || target.path === '') ? '/healthz' : target.path || '/';
  let httpProbe: ProbeResult | undefined;
  if (target.scheme === 'tcp') {
    const r = await run(hostPort(target.host, target.port), {}, true);
    httpProbe = r.initiator;
    add({
      status: r.initiator.ok ? 'pass' : 'fail',
      summary: `TCP to ${target.input}: ${r.initiator.verdict}${r.initiator.decisive ? ` (${r.initiator.decisive})` : ''} — no HTTP asked (host:port target)`,
      lines: [
        stepLine('initiator', r.initiator),
        ...(r.host ? [stepLine('host', r.host)] : []),
        ...evidenceLines(t, r.initiator),
      ],
      table: null,
      probeIds: [r.initiator.id, ...(r.host ? [r.host.id] : [])],
    });
  } else {
    const r = await run(url(httpScheme, target.host, target.port, httpPath), origin ? { origin } : {}, true);
    httpProbe = r.initiator;
    const http = r.initiator.steps.find((s) => s.kind === 'http');
    add({
      status: r.initiator.ok ? 'pass' : 'fail',
      summary: `GET ${httpPath}: ${http?.kind === 'http' && http.status ? `HTTP ${http.status}` : (r.initiator.decisive ?? r.initiator.verdict)}${http?.kind === 'http' && http.bodyPrefix ? ` “${http.bodyPrefix.slice(0, 60)}”` : ''}`,
      lines: [
        stepLine('initiator', r.initiator),
        ...(r.host ? [stepLine('host', r.host)] : []),
        ...evidenceLines(t, r.initiator),
      ],
      table: null,
      probeIds: [r.initiator.id, ...(r.host ? [r.host.id] : [])],
    });
  }

  // 3. WebSocket on the real upgrade path.
  let wsProbe: ProbeResult | undefined;
  if (target.scheme === 'tcp')
    add({
      status: 'info',
      summary: 'no WebSocket for a host:port target',
      lines: [],
      table: null,
      probeIds: [],
    });
  else if (stopped === null) {
    const r = await run(
      url(tls ? 'wss' : 'ws', target.host, target.port, target.path || '/'),
      origin ? { origin } : {},
      true,
    );
    wsProbe = r.initiator;
    const ws = r.initiator.steps.find((s) => s.kind === 'ws');
    const lines = [
      stepLine('initiator', r.initiator),
      ...(r.host ? [stepLine('host', r.host)] : []),
      ...evidenceLines(t, r.initiator),
    ];
    if (ws?.kind === 'ws') {
      if (ws.statusLine) lines.push(`response: ${ws.statusLine}`);
      const edge = ['server', 'via', 'x-powered-by', 'content-type']
        .filter((h) => ws.headers[h])
        .map((h) => `${h}: ${ws.headers[h]}`);
      if (edge.length) lines.push(`headers: ${edge.join('; ')}`);
      for (const f of ws.frames.slice(0, 4))
        lines.push(`+${f.at}ms ${f.opcode === 8 ? 'close' : 'frame'} ${f.text ?? ''}`.trim());
      if (ws.closeCode) lines.push(`close ${ws.closeCode} “${ws.closeReason ?? ''}”`);
      if (ws.note) lines.push(ws.note);
    }
    add({
      status: r.initiator.ok ? 'pass' : 'fail',
      summary: `upgrade ${origin ? `with Origin ${origin}` : 'without Origin'}: ${r.initiator.ok ? 'accepted' : (r.initiator.decisive ?? 'failed')}`,
      lines,
      table: null,
      probeIds: [r.initiator.id, ...(r.host ? [r.host.id] : [])],
    });
  } else add({ status: 'skipped', summary: '', lines: [], table: null, probeIds: [] });

  // 4. Listen matrix of the target.
  const tc = targetOf(t, wsProbe ?? httpProbe, target.host);
  const tns = tc ? t.namespaces.find((n) => n.id === tc.netns) : undefined;
  if (!tc || !tns) {
    add({
      status: 'info',
      summary: `no container in this topology answers for ${target.host}`,
      lines: [],
      table: null,
      probeIds: [],
    });
  } else {
    const port =
      init.kind === 'host'
        ? (tc.ports.find((p) => p.hostPort === target.port)?.containerPort ?? target.port)
        : target.port;
    const rows = tns.listeners.filter((l) => l.role === 'workload');
    const onPort = rows.filter((l) => l.port === port && l.protocol === 'tcp');
    const cross = tns.id !== init.namespace?.id;
    const loopOnly = onPort.length > 0 && onPort.every((l) => l.scope === 'loopback');
    // IPv4 clients (and docker-proxy) cannot use an IPv6-only socket.
    const v6Only = onPort.length > 0 && !onPort.some(takesIpv4);
    add({
      status: onPort.length === 0 ? 'fail' : (loopOnly || v6Only) && cross ? 'fail' : 'pass',
      summary:
        onPort.length === 0
          ? `nothing listens on ${port}/tcp in ${tc.name}'s namespace`
          : loopOnly && cross
            ? `${port}/tcp is served on loopback only, and ${init.container?.name ?? 'the host'} is in another namespace: bind 0.0.0.0 or share the namespace`
            : v6Only && cross
              ? `${port}/tcp is served by IPv6-only sockets (IPV6_V6ONLY): IPv4 clients and docker-proxy are refused; listen on 0.0.0.0 too`
              : `${port}/tcp is served on ${onPort.map((l) => l.address).join(', ')}`,
      lines: [
        `${tc.name}: namespace ${tns.id} (${tns.listenerSource}), shared by ${tns.containers.join(', ')}`,
      ],
      table: [
        ['proto', 'address', 'port', 'process', 'reach'],
        ...rows.map((l) => [
          l.protocol,
          l.address,
          String(l.port),
          l.process ? `${l.process.name} ${l.process.pid}` : '—',
          l.scope === 'loopback'
            ? 'own namespace only'
            : l.v6only
              ? 'other namespaces, IPv6 only'
              : 'other namespaces too',
        ]),
      ],
      probeIds: [],
    });
  }

  // 5. Reverse-proxy quadruple.
  const kindOfProxy = tc ? proxyKind(t, tc) : null;
  if (!tc || !kindOfProxy) {
    add({
      status: 'info',
      summary: `no reverse proxy on this path${tc ? ` (${tc.name} answers directly)` : ''}`,
      lines: [],
      table: null,
      probeIds: [],
    });
  } else {
    const cfg =
      kindOfProxy === 'nginx'
        ? await deps.readNginx(tc)
        : { error: `${kindOfProxy} configuration is not parsed; judged from probes` };
    const loc = 'locations' in cfg ? locationFor(cfg.locations, target.path || '/') : undefined;
    const ws = wsProbe?.steps.find((s) => s.kind === 'ws');
    const blackBox =
      ws?.kind === 'ws' ? (ws.ok ? 'upgrade passed through' : `upgrade failed: ${ws.error}`) : 'not tried';
    if (loc) {
      const f = forwardsUpgrade(loc);
      const upstreamHost = loc.upstreamServers[0]?.split(':')[0] ?? '';
      const up = targetOf(t, undefined, upstreamHost);
      const ok = f.upgrade && f.connection && f.http11;
      add({
        status: ok ? 'pass' : 'fail',
        summary: ok
          ? `${tc.name} forwards Upgrade/Connection over HTTP/1.1 to ${loc.upstream}; idle timeout ${loc.readTimeout}`
          : `${tc.name} does not forward the WebSocket upgrade to ${loc.upstream} (${[!f.http11 && `HTTP ${loc.httpVersion} upstream`, !f.upgrade && 'no Upgrade header', !f.connection && 'no Connection: upgrade'].filter(Boolean).join(', ')})`,
        lines: [`config: ${'source' in cfg ? cfg.source : ''}`, `black-box: ${blackBox}`],
        table: [
          ['upstream', 'Upgrade forwarded', 'Connection forwarded', 'idle timeout'],
          [
            `${loc.upstream ?? '—'}${up ? ` (${up.name} ${up.attachments.find((a) => a.ipv4)?.ipv4 ?? ''})` : ''}`,
            f.upgrade ? `yes (${loc.upgradeHeader})` : 'no',
            f.connection ? `yes (${loc.connectionHeader})` : 'no',
            `${loc.readTimeout}${/^\d+s?$/.test(loc.readTimeout) && Number.parseInt(loc.readTimeout, 10) < 3600 ? ' — clips long-lived sessions' : ''}`,
          ],
        ],
        probeIds: wsProbe ? [wsProbe.id] : [],
      });
    } else {
      add({
        status: ws?.kind === 'ws' && !ws.ok && ws.outcome === 'no-upgrade' ? 'fail' : 'info',
        summary: `${tc.name} is a reverse proxy (${kindOfProxy}); configuration not readable (${'error' in cfg ? cfg.error : 'no matching location'}); ${blackBox}`,
        lines: [],
        table: null,
        probeIds: wsProbe ? [wsProbe.id] : [],
      });
    }
  }

  // 6. Origins checklist.
  if (target.scheme === 'tcp')
    add({
      status: 'info',
      summary: 'no Origin check for a host:port target',
      lines: [],
      table: null,
      probeIds: [],
    });
  else if (stopped === null) {
    const gw = t.containers.find((x) => x.openclaw && (x.id === tc?.id || (tc && proxyKind(t, tc))));
    const candidates = new Set<string>([
      ...(origin ? [origin] : []),
      ...(gw?.openclaw?.allowedOrigins ?? []),
    ]);
    for (const x of [tc, gw])
      for (const p of x?.ports ?? []) candidates.add(`http://localhost:${p.hostPort}`);
    candidates.add(
      `${tls ? 'https' : 'http'}://${target.host}${target.port === (tls ? 443 : 80) ? '' : `:${target.port}`}`,
    );
    const rows: string[][] = [['origin', 'listed', 'result']];
    const ids = checklistIds;
    let operatorRejected = false;
    let listedRejected = false;
    for (const o of [...candidates].slice(0, 12)) {
      const r = await run(url(tls ? 'wss' : 'ws', target.host, target.port, target.path || '/'), {
        origin: o,
      });
      ids.push(r.initiator.id);
      const listed = gw?.openclaw?.allowedOrigins?.includes(o) ?? false;
      rows.push([
        o,
        gw?.openclaw?.allowedOrigins ? (listed ? 'yes' : 'no') : 'unknown',
        r.initiator.ok ? 'accepted' : `rejected (${r.initiator.decisive})`,
      ]);
      if (!r.initiator.ok && o === origin) operatorRejected = true;
      if (!r.initiator.ok && listed) listedRejected = true;
    }
    add({
      status: operatorRejected || listedRejected ? 'fail' : 'pass',
      summary: operatorRejected
        ? `the Origin in use (${origin}) is rejected: a missing allow-list row is a release blocker`
        : listedRejected
          ? 'an Origin listed in allowedOrigins is still rejected (config drift or a proxy rewriting Origin)'
          : `${rows.length - 1} origins tried${gw?.openclaw ? ` against gateway.controlUi.allowedOrigins of ${gw.name}` : ''}`,
      lines: gw?.openclaw
        ? [`allowedOrigins from ${gw.openclaw.configSource}`]
        : ['allowed origins not readable; results are black-box'],
      table: rows,
      probeIds: ids,
    });
  } else add({ status: 'skipped', summary: '', lines: [], table: null, probeIds: [] });

  return {
    id: randomBytes(6).toString('hex'),
    createdAt: new Date().toISOString(),
    from: input.from,
    to: input.to,
    origin,
    initiator: (
      httpProbe ??
      probes[0] ?? {
        initiator: {
          kind: init.kind,
          id: c?.id ?? 'host',
          name: c?.name ?? 'host',
          netns: init.namespace?.id ?? null,
          hostname: c?.hostname ?? '',
          routes: routeSummary(t, init),
        },
      }
    ).initiator,
    target,
    steps,
    stoppedAt: stopped,
    probes,
    // One finding per rule and title: the paired host probes repeat the same lesson.
    findings: diagnoseProbes(
      t,
      probes.filter((p) => !checklistIds.includes(p.id) || p.origin === origin),
    ).filter((f, i, all) => all.findIndex((g) => g.rule === f.rule && g.title === f.title) === i),
    connections: connectionTable(t, probes),
  };
}

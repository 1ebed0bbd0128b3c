import { requestSentAt } from '../../logs/match';
import { parseUpstreamError, type UpstreamError } from '../../logs/upstreamErrors';
import type { ContainerLogs, ProbeResult } from '../../model/probe';
import type { Container, Evidence, Finding, Pattern, Topology } from '../../model/topology';
import { hostPort, isIpLiteral, isLoopbackAddress } from '../../util/address';
import { containerRef, listenerText, makeFinding } from '../finding';
import { containerByAddress, type ProbeRule, probeRef, step, stepEvidence, targetContainer } from './context';
import { loopbackBindFix } from './fixes';
import { proxyKind } from './proxyNoUpgrade';

/**
 * "compose ps is green but the CLI gets 502": the reverse proxy answered, its upstream did
 * not. The proxy's own error line (captured with the probe) names the address it dialled
 * and why it failed; the topology then says what is at that address now — a loopback-only
 * bind, no listener, or nobody at all because the upstream was recreated with a new IP
 * that the proxy, having resolved the name once at start, never learned.
 */

const GATEWAY_ERRORS = new Set([502, 503, 504]);

const NGINX_RE_RESOLVE = `resolver 127.0.0.11 valid=10s;        # Docker's embedded DNS
set $upstream http://<service>:<port>;  # a variable makes nginx resolve per request
proxy_pass $upstream;`;

/** The 502/503/504 of the HTTP step, or of the upgrade (HTTP on / may pass while /ws fails). */
function gatewayStatus(r: ProbeResult): number | null {
  for (const s of [step(r, 'http'), step(r, 'ws')]) {
    const status = s?.status;
    if (typeof status === 'number' && GATEWAY_ERRORS.has(status)) return status;
  }
  return null;
}

/**
 * The proxy's upstream error line for this probe. The log window starts a second early, so
 * a line from an earlier request is excluded by its time (written before this request left)
 * and, when the proxy quotes it, by the request path.
 */
function upstreamError(
  r: ProbeResult,
  logs: ContainerLogs | undefined,
): { e: UpstreamError; line: string } | null {
  const sent = requestSentAt(r);
  // The same threshold the timeline uses: below a second, an offset is logging delay.
  const shift = logs?.skewMs && Math.abs(logs.skewMs) > 1000 ? logs.skewMs : 0;
  const answered = sent === null ? null : Date.parse(r.startedAt) + r.ms + 1000;
  const path = r.target.path || '/';
  const lines = [...(logs?.lines ?? [])].sort(
    (a, b) => (a.match === 'window' ? 1 : 0) - (b.match === 'window' ? 1 : 0),
  );
  for (const l of lines) {
    const at = Date.parse(l.ts) - shift;
    if (sent !== null && at < sent - 5) continue;
    if (answered !== null && at > answered) continue;
    const quoted = /request: "[A-Z]+ (\S+) HTTP/.exec(l.text)?.[1];
    if (quoted && quoted !== path) continue;
    const e = parseUpstreamError(l.text);
    if (e) return { e, line: l.text };
  }
  return null;
}

interface Cause {
  pattern: Pattern;
  /** A few words for the title. */
  short: string;
  why: string;
  fix: string;
  related: Container[];
  evidence: Evidence[];
}

function causeOf(
  t: Topology,
  e: UpstreamError,
  proxy: Container,
  upstreams: Container[],
  proxyIsNginx: boolean,
): Cause {
  const at = e.address ? (e.port ? hostPort(e.address, e.port) : e.address) : 'its upstream';
  const literal = !!e.address && isIpLiteral(e.address);
  if (literal && e.address && isLoopbackAddress(e.address))
    return {
      pattern: 'loopback-misuse',
      short: `${at} is the proxy itself`,
      why: `it dials ${at}, and 127.0.0.1 inside ${proxy.name} is ${proxy.name}'s own loopback, not the upstream's or the host's`,
      fix: `Point proxy_pass at the upstream's service name and internal port (on a network both share), e.g. proxy_pass http://<service>:<port>;${
        proxy.networkModeKind === 'host'
          ? ''
          : ' or, for a service on the host, extra_hosts: host-gateway and host.docker.internal'
      }.`,
      related: [],
      evidence: [],
    };
  if (literal && e.address && t.networks.some((n) => n.gateways.includes(e.address as string))) {
    const host = t.namespaces.find((n) => n.kind === 'host');
    const onPort = (host?.listeners ?? []).filter((l) => l.protocol === 'tcp' && l.port === e.port);
    const loopbackOnly = onPort.length > 0 && onPort.every((l) => l.scope === 'loopback');
    return {
      pattern: loopbackOnly ? 'loopback-bind' : 'proxy-upstream',
      short: loopbackOnly
        ? `the host listens on ${e.port} on loopback only`
        : `the host at ${at} failed (${e.detail})`,
      why: loopbackOnly
        ? `it dials the host through the bridge gateway (${at}), but on the host ${e.port} is bound to loopback only (${onPort.map(listenerText).join(', ')})`
        : `it dials the host through the bridge gateway (${at}) and gets “${e.detail}”${onPort.length ? '' : `: nothing on the host listens on ${e.port}`}`,
      fix: loopbackOnly
        ? `Publish or bind the host-side service on the gateway address (${e.address}) as well, or reach a containerised upstream by its service name instead of through the host.`
        : `Check the host-side service on ${e.port}, or reach a containerised upstream by its service name instead of through the host.`,
      related: [],
      evidence: host
        ? [
            {
              label: `host listeners on ${e.port}`,
              value: onPort.map(listenerText).join(', ') || 'none',
              source: host.listenerSource,
            },
          ]
        : [],
    };
  }
  const u = literal && e.address ? containerByAddress(t, e.address) : undefined;
  if (u && e.port) {
    const ns = t.namespaces.find((n) => n.id === u.netns);
    const onPort = (ns?.listeners ?? []).filter((l) => l.protocol === 'tcp' && l.port === e.port);
    const svc = u.compose?.service ?? u.name;
    const listenEv = {
      label: `listeners of ${u.name} on ${e.port}`,
      value: onPort.map(listenerText).join(', ') || 'none',
      source: ns?.listenerSource ?? ('inferred' as const),
    };
    if (onPort.length > 0 && onPort.every((l) => l.scope === 'loopback'))
      return {
        pattern: 'loopback-bind',
        short: `upstream ${u.name} listens on loopback only`,
        why: `${u.name} (${at}) listens on ${onPort.map((l) => l.address).join(', ')} only, so the proxy — another namespace — is refused`,
        fix: loopbackBindFix(u, e.port),
        related: [u],
        evidence: [listenEv],
      };
    if (onPort.length === 0 && ns && ns.listenerSource !== 'unavailable')
      return {
        pattern: 'no-listener',
        short: `nothing listens on ${at} in ${u.name}`,
        why: `nothing in ${u.name} listens on ${e.port} (${at})`,
        fix: `Point the proxy at the port ${svc} really serves (${
          (ns.listeners ?? [])
            .filter((l) => l.role === 'workload' && l.protocol === 'tcp')
            .map((l) => l.port)
            .join(', ') || 'none listening now'
        }), or check that ${svc} has finished starting.`,
        related: [u],
        evidence: [listenEv],
      };
    return {
      pattern: 'proxy-upstream',
      short: `upstream ${u.name} failed (${e.detail})`,
      why: `${u.name} listens on ${e.port}, yet the proxy got “${e.detail}” from ${at}`,
      fix: `Probe ${svc}:${e.port} from the proxy's namespace (Reachmap: initiator = the proxy) to see which step fails.`,
      related: [u],
      evidence: [listenEv],
    };
  }
  if (literal && !u && e.failure !== 'unresolved' && upstreams.length === 0)
    return {
      pattern: 'proxy-upstream',
      short: `no container has ${at}`,
      why: `it dials ${at} and no running container has that address. If the proxy's config names a service, the proxy resolved it before that service was recreated; if it names this address, the address is wrong`,
      fix: 'Point the proxy at the service name (on a network both share) rather than an address, then reload the proxy.',
      related: [],
      evidence: [],
    };
  if (literal && !u && e.failure !== 'unresolved') {
    // The configured upstream runs elsewhere now: the proxy resolved its name once, at start.
    const now = upstreams.flatMap((c) =>
      c.attachments.filter((a) => a.ipv4 || a.ipv6).map((a) => `${c.name} ${a.ipv4 ?? a.ipv6}`),
    );
    return {
      pattern: 'stale-namespace',
      short: `it still dials ${at}, an address no container has now`,
      why: `no running container has ${e.address} any more${now.length ? ` — the upstream is now at ${now.join(', ')}` : ''}: the proxy resolved the name once, at start, and kept dialling the old address after the upstream was recreated`,
      fix: proxyIsNginx
        ? `Reload the proxy (docker compose restart <proxy>, or nginx -s reload) — and to survive the next recreate, let nginx re-resolve:\n${NGINX_RE_RESOLVE}`
        : 'Restart the proxy so it resolves the upstream again, and configure it to re-resolve names (most proxies have a resolver/refresh setting).',
      related: upstreams,
      evidence: now.length ? [{ label: 'upstream now', value: now.join(', '), source: 'docker-api' }] : [],
    };
  }
  if (e.failure === 'unresolved')
    return {
      pattern: 'unresolvable-name',
      short: 'its upstream name does not resolve',
      why: `the proxy cannot resolve its upstream ${e.address ?? ''}`.trim(),
      fix: 'Put the proxy and the upstream on one user-defined network and use the service name, or fix the name in the proxy config.',
      related: [],
      evidence: [],
    };
  return {
    pattern: 'proxy-upstream',
    short: `its upstream ${at} failed (${e.detail})`,
    why: `the proxy could not reach ${at}: ${e.detail}`,
    fix: 'Probe the upstream from the proxy’s namespace (Reachmap: initiator = the proxy) to see which step fails.',
    related: upstreams,
    evidence: [],
  };
}

export const proxyUpstreamFailed: ProbeRule = (t, probes) =>
  probes.flatMap((r): Finding[] => {
    const status = gatewayStatus(r);
    if (status === null) return [];
    const proxy = targetContainer(t, r);
    const kind = proxy ? proxyKind(t, proxy) : null;
    const proxyLogs = r.logs?.containers.find((c) => c.role === 'proxy');
    const parsed = upstreamError(r, proxyLogs);
    // Without a known proxy or its own words, a 502/503/504 may be the application's.
    if (!proxy || (!kind && !parsed)) return [];
    const upstreams = (r.logs?.containers ?? [])
      .filter((c) => c.role === 'upstream')
      .map((c) => t.containers.find((x) => x.id === c.containerId))
      .filter((c): c is Container => !!c);
    const base = stepEvidence(r, ['http', 'ws']).filter((e) => /50[234]/.test(e.value));
    if (!parsed) {
      if (status === 503) return [];
      return [
        makeFinding('proxy-upstream-failed', 'error', probeRef(r), {
          pattern: 'proxy-upstream',
          confidence: 'medium',
          related: [containerRef(proxy), ...upstreams.map(containerRef)],
          title: `${proxy.name} (${kind}) answered ${status}: it could not get an answer from its upstream`,
          message: `The connection to ${proxy.name} works; the ${status} is the proxy saying its upstream${upstreams.length ? ` (${upstreams.map((u) => u.name).join(', ')})` : ''} failed.${r.logs ? ' Reachmap found no line in its log that it recognises as the reason.' : ' Turn on log capture to see the proxy’s own reason.'}`,
          evidence: base,
          fix: `Probe the upstream from ${proxy.name}'s namespace (initiator = ${proxy.compose?.service ?? proxy.name}) to see which step fails.`,
        }),
      ];
    }
    const cause = causeOf(t, parsed.e, proxy, upstreams, kind === 'nginx');
    return [
      makeFinding('proxy-upstream-failed', 'error', probeRef(r), {
        pattern: cause.pattern,
        discriminator: `${parsed.e.address ?? ''}-${parsed.e.port ?? ''}`,
        related: [containerRef(proxy), ...cause.related.map(containerRef)],
        title: `${proxy.name} answered ${status}: ${cause.short}`,
        message: `The connection to ${proxy.name}${kind ? ` (${kind})` : ''} works; the ${status} is the proxy's: ${cause.why}.${cause.related.length ? ' Process health does not show this: the proxy and its upstream both look up.' : ''}`,
        evidence: [
          ...base,
          { label: `${proxy.name} log`, value: parsed.line, source: 'docker-api' },
          ...cause.evidence,
        ],
        fix: cause.fix,
      }),
    ];
  });

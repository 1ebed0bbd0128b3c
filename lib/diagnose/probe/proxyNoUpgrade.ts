import type { Container, Topology } from '../../model/topology';
import { containerRef, makeFinding } from '../finding';
import { type ProbeRule, probeRef, step, stepEvidence, targetContainer } from './context';

/** Pattern 3: the reverse proxy forwards HTTP but not the WebSocket upgrade. */

const PROXIES = ['nginx', 'caddy', 'traefik', 'haproxy', 'envoy', 'apache2', 'httpd-proxy'];

export function proxyKind(t: Topology, c: Container): string | null {
  const ns = t.namespaces.find((n) => n.id === c.netns);
  const byProcess = ns?.listeners.map((l) => l.process?.name ?? '').find((p) => PROXIES.includes(p));
  if (byProcess) return byProcess;
  const text = `${c.image} ${c.command}`.toLowerCase();
  return PROXIES.find((p) => text.includes(p)) ?? null;
}

const NGINX_FIX = `location / {
    proxy_pass http://<upstream>;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;   # map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    proxy_read_timeout 86400s;
}`;

export const proxyNoUpgrade: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    const ws = step(r, 'ws');
    if (!ws || ws.ok || (ws.outcome !== 'no-upgrade' && ws.outcome !== 'error')) return [];
    // A 502/503/504 to the upgrade is the proxy failing to reach its upstream (proxy-upstream-failed).
    if (typeof ws.status === 'number' && [502, 503, 504].includes(ws.status)) return [];
    // HTTP evidence from this probe, or from another one to the same host and port.
    const http =
      step(r, 'http') ??
      probes
        .filter(
          (o) =>
            o.initiator.id === r.initiator.id &&
            o.target.host === r.target.host &&
            o.target.port === r.target.port,
        )
        .map((o) => step(o, 'http'))
        .find((h) => h?.ok);
    const c = targetContainer(t, r);
    const kind = c ? proxyKind(t, c) : null;
    // The same WebSocket straight to an upstream that passed makes the proxy the culprit.
    const direct = probes.find(
      (o) =>
        o !== r &&
        o.initiator.id === r.initiator.id &&
        step(o, 'ws')?.ok &&
        targetContainer(t, o)?.id !== c?.id,
    );
    if (!kind) {
      if (ws.outcome !== 'no-upgrade') return [];
      return [
        makeFinding('no-websocket-here', 'warning', probeRef(r), {
          pattern: 'proxy-no-upgrade',
          confidence: 'medium',
          related: c ? [containerRef(c)] : [],
          title: `${r.target.input} answers the WebSocket upgrade with HTTP ${ws.status}`,
          message: `The server at ${r.target.input} answered the upgrade request as a plain HTTP request (${ws.status}). Either something in between drops the Upgrade header, or this path does not speak WebSocket.`,
          evidence: stepEvidence(r, ['http', 'ws']),
          fix: 'Check the URL clients use for the WebSocket (path and port), and every hop that forwards it.',
        }),
      ];
    }
    return [
      makeFinding('proxy-no-upgrade', 'error', probeRef(r), {
        pattern: 'proxy-no-upgrade',
        confidence: direct ? 'high' : 'medium',
        related: c ? [containerRef(c)] : [],
        title: `${c?.name ?? 'The proxy'} (${kind}) forwards HTTP but not the WebSocket upgrade`,
        message: `Through ${c?.name ?? r.target.host}, HTTP works (${http?.status ?? 'ok'}) but the WebSocket handshake gets ${ws.status ? `HTTP ${ws.status}${ws.headers['content-type'] ? ` ${ws.headers['content-type']}` : ''} instead of 101` : (ws.error ?? 'no answer')}: the proxy sent the upgrade upstream as an ordinary request without Upgrade/Connection, so the application served its page.${direct ? ` The same WebSocket straight to ${direct.target.input} from ${direct.initiator.name} is accepted.` : ''}`,
        evidence: [
          ...stepEvidence(r, ['http', 'ws']),
          ...(direct ? stepEvidence(direct, ['ws']).map((e) => ({ ...e, label: `direct: ${e.label}` })) : []),
        ],
        fix:
          kind === 'nginx'
            ? `In the nginx server block:\n${NGINX_FIX}`
            : `Forward Upgrade and Connection headers and use HTTP/1.1 to the upstream in ${kind}; raise its idle/read timeout for long-lived sessions.`,
      }),
    ];
  });

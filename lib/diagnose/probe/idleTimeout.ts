import { containerRef, makeFinding } from '../finding';
import { type ProbeRule, probeRef, step, stepEvidence, targetContainer } from './context';

/**
 * A WebSocket held open (ProbeSpec.wsHoldMs) that ended before the hold did: something on
 * the path cuts long-lived sessions. When the probe went to a proxy (nginx, Caddy, Traefik) whose
 * proxy_read_timeout matches the time it lasted, the directive is named.
 */

/** How to raise it, in the proxy's own terms. */
function raise(directive: string, container: string): string {
  if (directive.startsWith('stream_timeout'))
    return `route in ${container}'s Caddyfile above the longest silence the application allows (stream_timeout in the reverse_proxy block, or remove it: Caddy keeps streams open by default)`;
  if (directive.startsWith('respondingTimeouts'))
    return `entry point of ${container} above the longest silence the application allows (--entrypoints.<name>.transport.respondingTimeouts.readTimeout / idleTimeout, or entryPoints in traefik.yml)`;
  return `location in ${container} above the longest silence the application allows, e.g.\n  proxy_read_timeout 3600s;\n  proxy_send_timeout 3600s;\n`;
}

const secs = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export const idleTimeout: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    const ws = step(r, 'ws');
    const hold = ws?.hold;
    if (!ws || !hold || hold.endedBy === 'held') return [];
    // An application that closes with a reason (1000, 1008…) is not a timeout; "going away"
    // (1001) is what a proxy or server sends when it drops an idle session.
    if (hold.endedBy === 'server-close' && ws.closeCode !== 1001) return [];
    // An idle timeout needs idleness: a session dropped within a second, or while the other
    // end was talking, is something else (the generic probe rules speak for it).
    // Caddy's stream_timeout bounds a stream's whole life, not its silence.
    const lifetime = hold.proxy?.directive.startsWith('stream_timeout') ?? false;
    const idle = lifetime ? hold.heldMs : (hold.idleMs ?? hold.heldMs);
    if (idle < 1000) return [];
    const proxy = hold.proxy;
    // The session went quiet for about the proxy's timeout (it counts from the last byte read).
    const matches =
      proxy?.seconds != null && Math.abs(idle / 1000 - proxy.seconds) <= Math.max(2, proxy.seconds * 0.25);
    const how =
      hold.endedBy === 'cut'
        ? 'the connection was dropped without a WebSocket close frame'
        : `the other end sent close ${ws.closeCode ?? ''}`.trim();
    const pinged = hold.pingMs > 0 ? `, with a ping every ${secs(hold.pingMs)}` : ', idle';
    const c = targetContainer(t, r);
    return [
      makeFinding('ws-idle-timeout', 'warning', probeRef(r), {
        pattern: 'idle-timeout',
        discriminator: `${hold.askedMs}`,
        related: c ? [containerRef(c)] : [],
        title: matches
          ? `${proxy?.container} cuts WebSocket sessions after ${proxy?.value} (${proxy?.directive.replace(/ \(.*$/, '')})`
          : `A WebSocket session from ${r.initiator.name} was cut after ${secs(hold.heldMs)}`,
        message: `Held open for up to ${secs(hold.askedMs)}${pinged}, the session ended after ${secs(hold.heldMs)}: ${how}.${
          matches
            ? ` ${proxy?.container} has ${proxy?.directive} ${proxy?.value} for this path: the proxy closes a proxied connection when nothing was read from the upstream for that long, so any session quieter than that is cut, whatever the application expects.`
            : proxy && proxy.seconds === null
              ? ` ${proxy.container} has ${proxy.directive} ${proxy.value} (a value Reachmap cannot compare); if it is about ${secs(idle)}, that is what cut it.`
              : proxy
                ? ` ${proxy.container} has ${proxy.directive} ${proxy.value}, which does not match; something else on the path (a load balancer, a NAT, the application) has a shorter timeout.`
                : ' Something on the path has an idle timeout shorter than the session: a reverse proxy, a load balancer or a NAT.'
        }`,
        evidence: [
          ...stepEvidence(r, ['ws']),
          {
            label: 'hold',
            value: `asked ${secs(hold.askedMs)}, lasted ${secs(hold.heldMs)}${pinged}; ended: ${hold.endedBy}`,
            source: 'probe',
          },
          ...(proxy
            ? [
                {
                  label: `${proxy.directive} in ${proxy.container}`,
                  value: `${proxy.value} (${proxy.source})`,
                  source: 'proc' as const,
                },
              ]
            : []),
        ],
        fix: matches
          ? `Raise the timeout for the WebSocket ${raise(proxy?.directive ?? '', proxy?.container ?? '')}, or have the server send WebSocket pings more often than every ${proxy?.value}.`
          : 'Find the hop whose idle timeout matches the time the session lasted (proxy, load balancer, NAT) and raise it above the longest silence the application allows, or send pings more often than that.',
      }),
    ];
  });

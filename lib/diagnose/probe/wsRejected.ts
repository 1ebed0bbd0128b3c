import type { ProbeResult } from '../../model/probe';
import type { Container } from '../../model/topology';
import { containerRef, makeFinding } from '../finding';
import { type ProbeRule, probeRef, step, stepEvidence, targetContainer } from './context';

/**
 * Pattern 4 and its look-alikes: after a 101 the application closes the session. "origin
 * not allowed" is an allow-list problem; "unauthorized" / "device identity required" mean
 * the path works and credentials or pairing are missing — not a network problem.
 */

function gatewayBehind(t: Parameters<ProbeRule>[0], r: ProbeResult): Container | undefined {
  const c = targetContainer(t, r);
  if (c?.openclaw) return c;
  // Through a proxy: the OpenClaw gateway on a network the proxy shares.
  // Only one the target (a proxy) shares a network with: an unrelated gateway is not blamed.
  const nets = new Set(c?.attachments.map((a) => a.networkId) ?? []);
  const gws = t.containers.filter(
    (x) => x.openclaw && x.state === 'running' && x.attachments.some((a) => nets.has(a.networkId)),
  );
  return gws.length === 1 ? gws[0] : c;
}

export const wsRejected: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    const ws = step(r, 'ws');
    if (!ws || ws.ok || ws.outcome !== 'rejected') return [];
    const reason = `${ws.closeReason ?? ''} ${ws.note ?? ''}`.toLowerCase();
    const gw = gatewayBehind(t, r);
    const related = gw ? [containerRef(gw)] : [];
    if (reason.includes('origin not allowed') || reason.includes('origin_not_allowed')) {
      const listed = gw?.openclaw?.allowedOrigins;
      const origin = r.origin ?? '(none)';
      const list = [...(listed ?? []), r.origin].filter((x): x is string => !!x);
      return [
        makeFinding('origin-not-allowed', 'error', probeRef(r), {
          pattern: 'origin-not-allowed',
          discriminator: origin,
          related,
          title: `Origin ${origin} is not in the allow-list`,
          message: `The WebSocket upgrade succeeds (101) and the application then closes with ${ws.closeCode} “${ws.closeReason}”: it rejects the client's Origin ${origin}. Packets are fine; the allow-list is not.${listed ? ` allowedOrigins today: ${listed.join(', ') || 'empty'}.` : ''}`,
          evidence: [
            ...stepEvidence(r, ['ws']),
            ...(gw?.openclaw
              ? [
                  {
                    label: 'gateway.controlUi.allowedOrigins',
                    value: listed?.join(', ') ?? 'not set',
                    source: 'proc' as const,
                  },
                ]
              : []),
          ],
          fix: gw?.openclaw
            ? `Add every Origin clients really use (browser URL, internal alias, MagicDNS name, localhost port) to gateway.controlUi.allowedOrigins in ${gw.openclaw.configSource.replace(/^mounted file /, '')}:\n"controlUi": { "allowedOrigins": ${JSON.stringify(list)} }`
            : `Add ${origin} to the application's allowed origins (and list every Origin browsers, CLIs and CI use).`,
        }),
      ];
    }
    // Credentials or pairing, not "Unexpected token" (a 1007 protocol error) or "repair".
    if (
      /unauthorized|token mismatch|(missing|invalid|no) token|device identity|not[ _]paired|pairing required/.test(
        reason,
      )
    ) {
      return [
        makeFinding('app-needs-credentials', 'info', probeRef(r), {
          pattern: 'app-rejected',
          related,
          title: `${r.target.input} is reachable; the application wants credentials`,
          message: `The path works: upgrade 101, then the application closed with ${ws.closeCode} “${ws.closeReason}”. That is authentication or pairing, not the network — do not rotate keys for a reachability incident, and do not chase the network for this one.`,
          evidence: stepEvidence(r, ['ws']),
          fix: 'Give the client its token or pair the device; the network path needs no change.',
        }),
      ];
    }
    const closed =
      ws.closeCode === undefined
        ? 'no close frame'
        : `${ws.closeCode}${ws.closeReason ? ` “${ws.closeReason}”` : ''}`;
    if (ws.closeCode === 1013 || ws.closeCode === 1012 || /starting|restart|unavailable/.test(reason)) {
      return [
        makeFinding('app-not-ready', 'warning', probeRef(r), {
          pattern: 'app-rejected',
          related,
          title: `${r.target.input} is reachable; the application is ${ws.closeCode === 1012 ? 'restarting' : 'not ready yet'}`,
          message: `Upgrade 101, then close ${closed}: the process answers but is ${ws.closeCode === 1012 ? 'restarting' : 'still starting'}. Health checks that only ask /healthz are already green in this window (an OpenClaw gateway takes about 9 s, /readyz says 503 meanwhile).`,
          evidence: stepEvidence(r, ['ws']),
          fix: 'Probe again in a few seconds; if it stays so, read its log lines on the timeline (a failing channel keeps it unready) and gate clients on /readyz rather than /healthz.',
        }),
      ];
    }
    // Any other close after the upgrade: the network delivered; say what the application said.
    return [
      makeFinding('ws-closed-by-app', 'warning', probeRef(r), {
        pattern: 'app-rejected',
        related,
        title: `${r.target.input}: the application ended the WebSocket (${closed})`,
        message: `The network path works — the upgrade got 101 — and then the application closed the connection with ${closed}. ${ws.closeCode === 1002 ? 'A protocol error: client and server disagree on the protocol (often their versions).' : ws.closeCode === 1011 ? 'An internal error on the server side.' : 'That is an application decision, not a reachability fault.'}`,
        evidence: stepEvidence(r, ['ws']),
        fix: 'Read the application’s log line for this connection on the probe’s timeline; for a protocol error, align the client and server versions.',
      }),
    ];
  });

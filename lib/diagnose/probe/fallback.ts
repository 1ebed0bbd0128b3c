import type { ProbeResult, ProbeStep } from '../../model/probe';
import type { Finding, Topology } from '../../model/topology';
import { probePathKey } from '../../probe/edges';
import { makeFinding } from '../finding';
import { probeRef, stepEvidence, targetContainer } from './context';

/**
 * No red edge without its reason: when no specific rule explains a failed probe, say what
 * the failing step means at the protocol level and where to look next. Low confidence by
 * design — it reads the error, not the cause.
 */

function meaning(s: ProbeStep): { what: string; next: string } {
  const e = s.error ?? '';
  switch (s.kind) {
    case 'dns':
      return /NXDOMAIN|NODATA/.test(e)
        ? {
            what: 'the initiator’s resolver says the name does not exist',
            next: 'check the spelling and which resolver the initiator uses (the DNS step shows it)',
          }
        : /TIMEOUT/.test(e)
          ? {
              what: 'the resolver did not answer in time',
              next: 'check that the nameserver in the initiator’s resolv.conf is reachable from its namespace',
            }
          : {
              what: `the name could not be resolved (${e})`,
              next: 'check the initiator’s resolv.conf and /etc/hosts (the DNS step shows both)',
            };
    case 'tcp':
      return /ECONNREFUSED/.test(e)
        ? {
            what: 'a host at that address answered that nothing accepts connections on the port',
            next: 'check what listens on that port in the target’s namespace',
          }
        : /ETIMEDOUT/.test(e)
          ? {
              what: 'nothing answered at all: the packets were dropped on the way (a filter) or no host has that address',
              next: 'check the packet filter (DOCKER-USER, FORWARD) and that the address is current',
            }
          : /UNREACH/.test(e)
            ? {
                what: 'the address could not be reached: no route, a REJECT rule answering “host unreachable”, or an address nobody holds any more',
                next: 'check the initiator’s routes, the packet filter, and that the address is current',
              }
            : {
                what: `the connection failed (${e})`,
                next: 'probe the same target from the host to compare (paired)',
              };
    case 'tls':
      return /WRONG_VERSION|wrong version|packet length/i.test(e)
        ? {
            what: 'the server does not speak TLS on this port (plain HTTP?)',
            next: 'use http:// for this port, or the port where TLS terminates',
          }
        : {
            what: `the TLS handshake failed (${e})`,
            next: 'check the certificate and the TLS settings of the server or proxy',
          };
    case 'http':
      return /EMPTY_REPLY|ECONNRESET/.test(e)
        ? {
            what: 'the connection was accepted and then closed without an HTTP response: a forwarder (docker-proxy, a proxy) found nothing behind it, or the server dropped the request',
            next: 'look at the hops and the log lines on the probe’s timeline',
          }
        : /^HTTP 5/.test(e)
          ? {
              what: `the server answered ${e}: the network delivered the request, the application failed it`,
              next: 'read the application’s log lines for this request on the timeline',
            }
          : {
              what: `the HTTP exchange failed (${e})`,
              next: 'look at the response headers and the timeline',
            };
    case 'ws':
      return s.status === 101
        ? {
            what: `the upgrade succeeded (101), then the connection ended (${e})`,
            next: 'read the application’s and the proxies’ log lines on the timeline (idle timeouts, restarts)',
          }
        : {
            what: `the WebSocket handshake failed (${e})`,
            next: 'compare with the same URL over plain HTTP and look at the response headers',
          };
    case 'payload':
      return {
        what: `small requests were answered and one of ${s.smallestStalled ?? '?'} bytes was not`,
        next: 'compare the MTUs on the path (the payload step lists them) and look for a hop that drops ICMP',
      };
  }
}

/** Findings about a probe that do not explain why it failed (a side note, or a pointer to others). */
const NOT_A_REASON = new Set(['tls-untrusted', 'probe-healthy-unreachable']);

export function explainUnexplained(t: Topology, probes: ProbeResult[], findings: Finding[]): Finding[] {
  const explained = new Set(
    findings.filter((f) => f.subject.kind === 'probe' && !NOT_A_REASON.has(f.rule)).map((f) => f.subject.id),
  );
  return probes.flatMap((r) => {
    if (r.verdict === 'pass' || explained.has(probePathKey(r))) return [];
    const failed = r.steps.find((s) => !s.ok);
    if (!failed) return [];
    const m = meaning(failed);
    const c = targetContainer(t, r);
    return [
      makeFinding('probe-failed', 'warning', probeRef(r), {
        pattern: 'probe-failure',
        confidence: 'low',
        discriminator: failed.kind,
        title: `${r.initiator.name} → ${r.target.input}: ${failed.kind} failed (${failed.error ?? 'failed'})`,
        message: `No specific pattern matched this failure. At the ${failed.kind} step ${m.what}.${c ? ` The target is ${c.name} (${c.status}).` : ''}`,
        evidence: stepEvidence(r, [failed.kind]),
        fix: `Next: ${m.next}.`,
      }),
    ];
  });
}

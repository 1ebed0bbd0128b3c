import { describePayload } from '../../format/payload';
import type { PayloadStep } from '../../model/probe';
import { composeNetworkKey, containerRef, makeFinding } from '../finding';
import { type ProbeRule, probeRef, stepEvidence, targetContainer } from './context';

/**
 * Small requests answered, large ones never (ProbeSpec.large): packets above some size are
 * dropped on the way and the ICMP "fragmentation needed" that would make the sender shrink
 * them does not come back — a path-MTU black hole. Names the smallest MTU on the path when
 * Docker's configuration explains it, else says the hop is outside Docker's view.
 */

const cap = (x: string) => `${x.charAt(0).toUpperCase()}${x.slice(1)}`;

export const payloadStall: ProbeRule = (t, probes) =>
  probes.flatMap((r) =>
    r.steps
      .filter((s): s is PayloadStep => s.kind === 'payload' && s.smallestStalled !== null)
      .map((s) => {
        // The sender's own interface, as the agent read it (absent: nothing to compare with).
        const first = s.path[0]?.source === 'agent' ? s.path[0].mtu : null;
        const smallest = s.path
          .filter((p) => p.mtu !== null)
          .reduce<(typeof s.path)[number] | null>(
            (m, p) => (m && (m.mtu ?? 0) <= (p.mtu ?? 0) ? m : p),
            null,
          );
        const limit = s.mtuEstimate;
        // Docker's own setting explains it when the smallest MTU on the path is what the sizes say.
        const explained =
          smallest?.mtu != null &&
          first != null &&
          smallest.mtu < first &&
          (limit === null || smallest.mtu <= limit + 64);
        const net = explained
          ? t.networks.find((n) => smallest?.where.startsWith(`network ${n.name} `))
          : undefined;
        const what = s.carrier === 'http' ? 'requests' : 'WebSocket frames';
        const c = targetContainer(t, r);
        const mtu = explained ? smallest?.mtu : (limit ?? '<the smallest MTU on the path>');
        return makeFinding('payload-stall', 'error', probeRef(r), {
          pattern: 'mtu-mismatch',
          discriminator: s.carrier,
          related: c ? [containerRef(c)] : [],
          title: explained
            ? `Large ${what} from ${r.initiator.name} stall: ${smallest?.where.replace(/ \(.*$/, '')} has MTU ${smallest?.mtu}, the sender ${first}`
            : `Large ${what} from ${r.initiator.name} to ${r.target.input} stall above ${s.largestOk ?? '?'} bytes`,
          message: `${s.largestOk !== null ? `${what[0]?.toUpperCase()}${what.slice(1)} up to ${s.largestOk} bytes were answered; ` : ''}one of ${s.smallestStalled} bytes never was. Packets above ${limit ? `about ${limit} bytes` : 'some size'} are dropped on the way, and the ICMP "fragmentation needed" that would make the sender use smaller ones does not come back (a path-MTU black hole): health checks and small calls pass, uploads, large responses and big WebSocket messages hang. ${
            explained
              ? `${cap(smallest?.where ?? '')} carries ${smallest?.mtu} bytes while ${s.path[0]?.where} sends ${first}: the endpoints negotiate segments for ${first}, and the hop in between cannot carry them.`
              : `No MTU Docker knows of on the path is that small${s.path.length ? ` (${s.path.map((p) => `${p.where} ${p.mtu ?? '?'}`).join(', ')})` : ''}: the small hop is outside Docker's view — a VPN or overlay, a cloud network, a tunnel on the host.`
          }`,
          evidence: [
            ...stepEvidence(r, ['http']),
            { label: `payload sweep from ${r.initiator.name}`, value: describePayload(s), source: 'probe' },
            {
              label: 'sizes tried',
              value: s.attempts
                .map((a) => `${a.bytes} B ${a.ok ? (a.answer ?? 'answered') : a.error}`)
                .join(', '),
              source: 'probe',
            },
          ],
          fix: [
            `Make the MTU the same along the path, at the smallest (${mtu}):${
              net?.embeddedDns
                ? ` in ${net.name}'s compose file, networks: { ${composeNetworkKey(net)}: { driver_opts: { com.docker.network.driver.mtu: "${mtu}" } } } on every network of the path,`
                : ' driver_opts com.docker.network.driver.mtu on each user-defined network of the path, "mtu" in /etc/docker/daemon.json for the default bridge,'
            } then recreate the networks and their containers.`,
            'Or clamp TCP segments where packets are forwarded (the router, VPN gateway or host between the networks): iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu',
            'And let ICMP "fragmentation needed" (type 3 code 4; ICMPv6 "packet too big") through every filter on the path, so senders learn the size.',
          ].join('\n'),
        });
      }),
  );

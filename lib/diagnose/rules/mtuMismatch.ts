import type { Finding, Topology } from '../../model/topology';
import { composeNetworkKey, makeFinding, type Rule } from '../finding';

/**
 * Containers send frames as large as their network's MTU (1500 unless set). When the
 * host's uplink carries less (VPNs, some clouds, overlays), small requests pass and large
 * responses stall: health checks green, real traffic hangs.
 */
export const mtuMismatch: Rule = (t: Topology): Finding[] => {
  const up = t.host.uplink;
  if (!up) return [];
  const out: Finding[] = [];
  for (const n of t.networks) {
    if (n.driver !== 'bridge' && n.driver !== 'overlay') continue;
    if (n.containerIds.length === 0) continue;
    // An internal network has no route out of the host, so the uplink never carries it.
    if (n.internal) continue;
    // Overlay (VXLAN) networks default to 1450, bridges to 1500.
    const mtu = n.mtu ?? (n.driver === 'overlay' ? 1450 : 1500);
    if (mtu <= up.mtu) continue;
    out.push(
      makeFinding(
        'mtu-mismatch',
        'warning',
        { kind: 'network', id: n.id, name: n.name },
        {
          pattern: 'mtu-mismatch',
          confidence: 'medium',
          title: `${n.name}: MTU ${mtu} is larger than the uplink’s ${up.mtu}`,
          message: `Containers on ${n.name} send frames up to ${mtu} bytes, but the host’s default route leaves through ${up.interface} with MTU ${up.mtu}. Paths that leave the host (or cross an overlay) drop or fragment large packets: small health checks pass while large responses, TLS handshakes with long chains or big WebSocket frames stall.`,
          evidence: [
            {
              label: 'network MTU',
              value: n.mtu === null ? '1500 (driver default)' : String(n.mtu),
              source: 'docker-api',
            },
            { label: 'uplink', value: `${up.interface} mtu ${up.mtu}`, source: 'proc' },
          ],
          fix: n.embeddedDns
            ? `Set the network's MTU to the uplink's in its compose file — networks: { ${composeNetworkKey(n)}: { driver_opts: { com.docker.network.driver.mtu: "${up.mtu}" } } } — then recreate the network and its containers.`
            : `The default bridge takes its MTU from the daemon: set "mtu": ${up.mtu} in /etc/docker/daemon.json and restart dockerd (or move the containers to a user-defined network with that MTU).`,
        },
      ),
    );
  }
  return out;
};

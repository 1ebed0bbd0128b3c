import { bridgedTcpVerdict, networkOf } from '../../firewall/paths';
import type { Evidence } from '../../model/topology';
import { composeNetworkKey, containerRef, makeFinding } from '../finding';
import { containerByAddress, namespaceOwner, type ProbeRule, probeRef, step, stepEvidence } from './context';

const SILENT = ['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'];

/**
 * A connection by address to a container on a network the initiator is not on. Docker
 * isolates bridge networks from one another (DOCKER-ISOLATION chains) and an internal
 * network from everything beyond its subnet: the packet is dropped, the probe times out.
 * The name-based variant (DNS fails first) is the no-shared-network finding.
 */
export const networkIsolation: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    if (r.initiator.kind !== 'container') return [];
    const tcp = step(r, 'tcp');
    const attempt = tcp?.attempts.find((a) => a.error && SILENT.includes(a.error));
    if (!tcp || tcp.ok || !attempt) return [];
    const owner = namespaceOwner(t, r);
    if (!owner || owner.networkModeKind === 'host' || owner.attachments.length === 0) return [];
    const dstNet = networkOf(t, attempt.address);
    if (!dstNet || owner.attachments.some((a) => a.networkId === dstNet.id)) return [];
    const target = containerByAddress(t, attempt.address);
    const nets = owner.attachments.map((a) => t.networks.find((n) => n.id === a.networkId));
    // No route at all from internal-only networks: the isolated-initiator finding says so.
    if (attempt.error !== 'ETIMEDOUT' && nets.every((n) => n?.internal)) return [];
    const srcAtt = owner.attachments.find((a) => a.ipv4) ?? owner.attachments[0];
    const internal = nets.filter((n) => n?.internal).map((n) => n?.name);

    // The rule that drops it, when the packet filter could be read.
    const filter: Evidence[] = [];
    const v = srcAtt ? bridgedTcpVerdict(t, srcAtt, attempt.address, tcp.port) : null;
    // The filter lets this path through: the timeout has another cause than isolation.
    if (v && v.action === 'ACCEPT') return [];
    if (v?.rule && (v.action === 'DROP' || v.action === 'REJECT'))
      filter.push(
        { label: 'rule', value: v.rule.raw, source: 'proc' },
        { label: 'chains walked', value: v.path.join(' → '), source: 'proc' },
      );
    const myNets = owner.attachments.map((a) => a.networkName).join(', ');
    const who = target?.name ?? attempt.address;
    // They may share another network: then the address, not the topology, is wrong.
    const sharedNet = target?.attachments.find((a) =>
      owner.attachments.some((m) => m.networkId === a.networkId),
    );
    const byName = target?.compose?.service ?? target?.name;
    return [
      makeFinding('network-isolation', 'error', probeRef(r), {
        pattern: 'isolated-namespace',
        discriminator: `${attempt.address}-${tcp.port}`,
        related: target ? [containerRef(target)] : [],
        title: sharedNet
          ? `${r.initiator.name} dials ${who}'s address on ${dstNet.name}, a network it is not on`
          : `${r.initiator.name} and ${who} share no network`,
        message: `${attempt.address} is ${who} on ${dstNet.name}; ${r.initiator.name} is on ${myNets}.${
          sharedNet
            ? ` They do share ${sharedNet.networkName}, where ${who} is ${sharedNet.ipv4 ?? sharedNet.ipv6}: use its name (${byName}), which resolves to the address on the shared network.`
            : ''
        } ${
          internal.length
            ? `${internal.join(', ')} ${internal.length > 1 ? 'are' : 'is'} internal: Docker drops every packet that leaves it for another network.`
            : 'Docker isolates bridge networks from one another: a packet routed from one bridge to another is dropped.'
        } That is why the connection ${attempt.error === 'ETIMEDOUT' ? 'timed out' : `failed with ${attempt.error}`} rather than being refused.${
          filter.length
            ? ''
            : t.firewall.available
              ? ''
              : ` (Packet filter not read: ${t.firewall.reason ?? 'unavailable'}.)`
        }`,
        evidence: [
          ...stepEvidence(r, ['tcp']),
          { label: `networks of ${r.initiator.name}`, value: myNets, source: 'docker-api' },
          {
            label: `network of ${who}`,
            value: `${dstNet.name}${dstNet.internal ? ' (internal)' : ''}`,
            source: 'docker-api',
          },
          ...filter,
        ],
        fix: sharedNet
          ? `Use ${byName}'s name (${r.target.scheme === 'tcp' ? '' : `${r.target.scheme}://`}${byName}:${tcp.port}${r.target.path || ''}) instead of the address ${attempt.address}.`
          : `Attach ${owner.compose?.service ?? owner.name} to ${dstNet.name} (networks: [${composeNetworkKey(dstNet)}]), or put both on a shared network, and use ${byName ?? 'the service'}'s name rather than an address.`,
      }),
    ];
  });

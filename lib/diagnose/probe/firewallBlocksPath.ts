import { bridgedTcpVerdict, networkOf } from '../../firewall/paths';
import { bracketHost, hostPort } from '../../util/address';
import { containerRef, makeFinding } from '../finding';
import { namespaceOwner, type ProbeRule, probeRef, step, stepEvidence, targetContainer } from './context';

/**
 * A container → container path that the packet filter refuses while the host's path to the
 * same service (its published port, through docker-proxy) works: a DOCKER-USER or FORWARD
 * rule, shown as evidence, with the asymmetry explained.
 */
const REFUSED = ['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'];

export const firewallBlocksPath: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    if (!t.firewall.available || r.initiator.kind !== 'container') return [];
    const tcp = step(r, 'tcp');
    const attempt = tcp?.attempts.find((a) => a.error && REFUSED.includes(a.error));
    if (!tcp || tcp.ok || !attempt) return [];
    const owner = namespaceOwner(t, r);
    const dstNet = networkOf(t, attempt.address);
    const srcAtt = owner?.attachments.find((a) => a.networkId === dstNet?.id) ?? owner?.attachments[0];
    const srcNet = t.networks.find((n) => n.id === srcAtt?.networkId);
    if (!srcAtt?.ipv4 || !srcNet?.bridge || !dstNet?.bridge) return [];
    const v = bridgedTcpVerdict(t, srcAtt, attempt.address, tcp.port);
    if (!v?.rule || (v.action !== 'DROP' && v.action !== 'REJECT')) return [];
    // Docker's own isolation between networks is by design; the network-isolation rule says so.
    if (v.rule.chain.startsWith('DOCKER-ISOLATION')) return [];
    const c = targetContainer(t, r);
    const pub = c?.ports.find((p) => p.containerPort === tcp.port);
    // Docker's own drop for a network created with enable_icc=false (FORWARD, or DOCKER-FORWARD
    // from Docker 28): the icc-disabled rule says so.
    if (
      /^-A (?:DOCKER-)?FORWARD -i (\S+) -o \1 -j DROP$/.test(v.rule.raw) &&
      srcNet.id === dstNet.id &&
      !dstNet.icc
    )
      return [];
    return [
      makeFinding('firewall-blocks-path', 'error', probeRef(r), {
        pattern: 'firewall',
        discriminator: `${attempt.address}-${tcp.port}`,
        related: c ? [containerRef(c)] : [],
        title: `A ${v.rule.chain} rule ${v.action === 'DROP' ? 'drops' : 'rejects'} ${r.initiator.name} → ${c?.name ?? bracketHost(attempt.address)}:${tcp.port}`,
        message: `${r.initiator.name} (${srcAtt.ipv4} on ${srcNet.bridge}) → ${attempt.address}:${tcp.port} got ${attempt.error}: bridged traffic between containers crosses filter FORWARD (bridge netfilter is on), and ${v.rule.chain} ${v.action === 'DROP' ? 'drops' : 'rejects'} it. ${pub ? `The host's path to the same service (${hostPort(pub.hostIp, pub.hostPort)}) goes through docker-proxy — a local process connecting from the host, which never crosses FORWARD — so it keeps working: green from the host, red between containers.` : 'Paths from the host itself do not cross FORWARD and are not affected.'}`,
        evidence: [
          ...stepEvidence(r, ['tcp']),
          { label: 'rule', value: v.rule.raw, source: 'proc' },
          { label: 'chains walked', value: v.path.join(' → '), source: 'proc' },
          ...(v.uncertain.length
            ? [
                {
                  label: 'not modelled',
                  value: `${v.uncertain.length} rule(s) with matches Reachmap does not evaluate`,
                  source: 'proc' as const,
                },
              ]
            : []),
        ],
        fix: `Remove or narrow the rule (iptables -D ${v.rule.raw.slice(3)}), or add an ACCEPT for this path before it in ${v.rule.chain} (e.g. iptables -I ${v.rule.chain} -s ${srcAtt.ipv4} -d ${attempt.address} -p tcp --dport ${tcp.port} -j ACCEPT).`,
      }),
    ];
  });

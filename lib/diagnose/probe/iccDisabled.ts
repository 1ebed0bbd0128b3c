import { bridgedTcpVerdict, networkOf } from '../../firewall/paths';
import type { Evidence } from '../../model/topology';
import { hostPort } from '../../util/address';
import { composeNetworkKey, containerRef, makeFinding } from '../finding';
import { namespaceOwner, type ProbeRule, probeRef, step, stepEvidence, targetContainer } from './context';

const SILENT = ['ETIMEDOUT', 'EHOSTUNREACH'];

/**
 * Two containers on one bridge network created with enable_icc=false: Docker drops the
 * packets between them (a FORWARD rule it owns and recreates), while DNS still answers —
 * so it looks like the service hangs. The fix is the network option, not iptables.
 */
export const iccDisabled: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    if (r.initiator.kind !== 'container') return [];
    const tcp = step(r, 'tcp');
    const attempt = tcp?.attempts.find((a) => a.error && SILENT.includes(a.error));
    if (!tcp || tcp.ok || !attempt) return [];
    const net = networkOf(t, attempt.address);
    if (!net || net.icc) return [];
    const owner = namespaceOwner(t, r);
    const src = owner?.attachments.find((a) => a.networkId === net.id);
    if (!src) return [];
    const evidence: Evidence[] = [
      ...stepEvidence(r, ['dns', 'tcp']),
      {
        label: 'network option',
        value: `${net.name}: com.docker.network.bridge.enable_icc=false`,
        source: 'docker-api',
      },
    ];
    const v = bridgedTcpVerdict(t, src, attempt.address, tcp.port);
    // The filter lets this path through (a DOCKER-USER ACCEPT, say): the timeout has another cause.
    if (v && v.action === 'ACCEPT') return [];
    if (v?.rule && v.action === 'DROP') evidence.push({ label: 'rule', value: v.rule.raw, source: 'proc' });
    const c = targetContainer(t, r);
    const pub = c?.ports.find((p) => p.containerPort === tcp.port);
    return [
      makeFinding('icc-disabled', 'error', probeRef(r), {
        pattern: 'firewall',
        discriminator: `${attempt.address}-${tcp.port}`,
        // Read from the network's options; the drop rule confirms it when the filter is readable.
        confidence: v?.rule ? 'high' : 'medium',
        related: c ? [containerRef(c)] : [],
        title: `${net.name} forbids traffic between its containers (enable_icc=false)`,
        message: `${r.initiator.name} and ${c?.name ?? attempt.address} are both on ${net.name}, but the network was created with com.docker.network.bridge.enable_icc=false, so Docker drops packets between its containers (${attempt.error}). DNS still answers, which makes it look like a service fault.${pub ? ` The host's path through the published port (${hostPort(pub.hostIp, pub.hostPort)}) is not affected.` : ''}`,
        evidence,
        fix: `If these containers should talk, remove enable_icc: "false" from ${composeNetworkKey(net)}'s driver_opts (then recreate the network), or put the pair on a second network that allows it; if the isolation is intended, this path is working as designed.`,
      }),
    ];
  });

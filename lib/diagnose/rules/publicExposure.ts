import { restrictedFromOutside } from '../../firewall/paths';
import type { Finding, Topology } from '../../model/topology';
import { hostPort } from '../../util/address';
import { bindingText, containerRef, makeFinding, type Rule } from '../finding';

/**
 * A port published on every interface reaches whatever reaches the host — and Docker's
 * DNAT rules sit before the INPUT chain, so a host firewall usually does not restrict it.
 */

const SENSITIVE: Record<number, string> = {
  2375: 'the Docker API (root on the host)',
  2376: 'the Docker API (root on the host)',
  5432: 'PostgreSQL',
  3306: 'MySQL/MariaDB',
  6379: 'Redis',
  27017: 'MongoDB',
  9200: 'Elasticsearch',
  11211: 'memcached',
  5672: 'RabbitMQ',
  15672: 'the RabbitMQ console',
  8500: 'Consul',
};

const isAll = (ip: string) => ip === '0.0.0.0' || ip === '::';

export const publicExposure: Rule = (t: Topology): Finding[] => {
  const out: Finding[] = [];
  for (const c of t.containers) {
    if (c.state !== 'running') continue;
    const seen = new Set<number>();
    for (const p of c.ports) {
      if (!isAll(p.hostIp) || seen.has(p.containerPort)) continue;
      seen.add(p.containerPort);
      const what = SENSITIVE[p.containerPort];
      const gateway = c.openclaw !== null;
      const severity = what ? 'warning' : gateway ? 'warning' : 'info';
      const service = c.compose?.service ?? c.name;
      // What the packet filter would do with a connection from outside, when it could be read.
      const fw = restrictedFromOutside(t, c, p.containerPort);
      // The packet filter read is IPv4 only: a binding on :: stays exposed whatever it says.
      const v6 = c.ports.some((b) => b.containerPort === p.containerPort && b.hostIp === '::');
      if (fw?.restricted && !v6) continue;
      const fwEvidence = fw
        ? [
            {
              label: 'packet filter',
              value: 'no DOCKER-USER/FORWARD rule restricts it from outside',
              source: 'proc' as const,
            },
          ]
        : [
            {
              label: 'packet filter',
              value: t.firewall.reason ?? 'not evaluated',
              source: 'unavailable' as const,
            },
          ];
      out.push(
        makeFinding('public-exposure', severity, containerRef(c), {
          pattern: 'public-exposure',
          discriminator: `${p.protocol}-${p.hostPort}`,
          confidence: what || gateway ? 'high' : 'medium',
          title: `${c.name}: ${p.containerPort}/${p.protocol} published on every interface`,
          message: `${c.name} publishes ${p.containerPort}/${p.protocol} on ${hostPort(p.hostIp, p.hostPort)}: ${what ? `${what} is` : gateway ? 'an OpenClaw Gateway (its Control UI and WebSocket) is' : 'it is'} reachable from anything that reaches this host. Docker's DNAT rules are evaluated before the host's INPUT chain, so a host firewall usually does not stop it.${gateway ? ' OpenClaw’s guidance: publish on loopback and terminate TLS at a reverse proxy.' : ''}`,
          evidence: [
            ...c.ports
              .filter((b) => b.containerPort === p.containerPort && b.protocol === p.protocol)
              .map((b) => ({
                label: 'published port',
                value: bindingText(b),
                source: 'docker-api' as const,
              })),
            ...fwEvidence,
          ],
          fix: `If it should stay local, publish it on loopback: ports: ["127.0.0.1:${p.hostPort}:${p.containerPort}"] (service ${service}); put a reverse proxy with TLS in front for remote clients, or restrict it in the DOCKER-USER chain.`,
        }),
      );
    }
  }
  return out;
};

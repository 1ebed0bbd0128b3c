import { createHash } from 'node:crypto';
import type { DockerContainer, DockerNetwork } from '@/lib/docker/schemas';
import type { Topology } from '@/lib/model/topology';
import type { NetnsFacts } from '@/lib/netns/reader';
import { loadFixture, topologyOf } from './helpers';

/**
 * A large host made from a real one: the lab's recorded engine answers and listener tables,
 * with the `multi` container (busybox httpd on 8080, two networks) cloned N times into compose
 * projects of uneven sizes, 10 % of them sharing another's namespace, a few stopped, some
 * publishing ports, one in twenty bound to loopback only. It goes through the same
 * buildTopology as a real scan, so findings and namespaces are the real pipeline's.
 */

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

export interface SyntheticOptions {
  /** Containers to add to the lab. */
  containers: number;
  /** Compose projects to spread them over (sizes vary from 2 to about 3× the mean). */
  projects?: number;
}

export function syntheticFacts(opts: SyntheticOptions) {
  const f = loadFixture('lab');
  const template = f.engine.containers.find(
    (c) => c.Config.Labels['com.docker.compose.service'] === 'multi',
  ) as DockerContainer;
  const templateNs = f.netns.containers[template.Id]?.inode as number;
  const templateTable = f.netns.tables[`inode:${templateNs}`];
  const projects = opts.projects ?? Math.max(1, Math.round(opts.containers / 12));
  const containers: DockerContainer[] = [...f.engine.containers];
  const networks: DockerNetwork[] = [...f.engine.networks];
  const netns: NetnsFacts = structuredClone(f.netns);

  // Uneven project sizes, as on a real host: a few big stacks, many small ones.
  const weights = Array.from({ length: projects }, (_, i) => 1 + ((i * 7919) % 5));
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(1, Math.floor((w / total) * opts.containers)));
  let left = opts.containers - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % projects, left--) sizes[i] = (sizes[i] as number) + 1;

  let n = 0;
  sizes.forEach((size, p) => {
    const project = `stack${String(p + 1).padStart(2, '0')}`;
    const netId = hex(`net-${project}`);
    const netName = `${project}_default`;
    const subnet = `10.${100 + Math.floor(p / 200)}.${p % 200}.0/24`;
    networks.push({
      Id: netId,
      Name: netName,
      Driver: 'bridge',
      Scope: 'local',
      Internal: false,
      EnableIPv6: false,
      IPAM: { Config: [{ Subnet: subnet, Gateway: subnet.replace('.0/24', '.1') }] },
      Options: {},
      Labels: { 'com.docker.compose.project': project, 'com.docker.compose.network': 'default' },
    } as DockerNetwork);
    let previous: string | null = null;
    for (let i = 0; i < size; i++, n++) {
      const id = hex(`ctr-${project}-${i}`);
      const service = i % 10 === 9 && previous ? `sidecar${i}` : `svc${i}`;
      const shares = i % 10 === 9 && previous ? previous : null;
      const stopped = n % 25 === 24;
      const pid = 100_000 + n;
      const ip = subnet.replace('.0/24', `.${(i % 250) + 2}`);
      const publish = i === 0 ? String(30_000 + p) : null;
      const c = structuredClone(template);
      c.Id = id;
      c.Name = `${project}-${service}-1`;
      c.Config.Hostname = id.slice(0, 12);
      c.Config.Labels = {
        ...c.Config.Labels,
        'com.docker.compose.project': project,
        'com.docker.compose.service': service,
        'com.docker.compose.project.working_dir': `/srv/${project}`,
      };
      c.State = {
        ...c.State,
        Status: stopped ? 'exited' : 'running',
        Running: !stopped,
        Pid: stopped ? 0 : pid,
      };
      c.HostConfig = {
        ...c.HostConfig,
        NetworkMode: shares ? `container:${shares}` : netName,
        PortBindings: publish ? { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: publish }] } : {},
      };
      c.NetworkSettings = {
        ...c.NetworkSettings,
        Ports: publish ? { '8080/tcp': [{ HostIp: '127.0.0.1', HostPort: publish }] } : { '8080/tcp': [] },
        Networks:
          shares || stopped
            ? {}
            : {
                [netName]: {
                  NetworkID: netId,
                  IPAddress: ip,
                  GlobalIPv6Address: '',
                  Gateway: subnet.replace('.0/24', '.1'),
                  MacAddress: '02:42:0a:00:00:02',
                  Aliases: [service, id.slice(0, 12)],
                  DNSNames: [],
                },
              },
      };
      containers.push(c);
      if (!stopped) {
        const inode = shares ? (netns.containers[shares]?.inode as number) : 5_000_000 + n;
        netns.containers[id] = { inode, source: 'proc' };
        if (!shares && templateTable) {
          const table = structuredClone(templateTable);
          // One in twenty binds loopback only: the pattern the dashboard must make visible.
          if (n % 20 === 7) for (const s of table.sockets) if (s.port === 8080) s.address = '127.0.0.1';
          netns.tables[`inode:${inode}`] = table;
        }
      }
      if (!shares) previous = stopped ? null : id;
    }
  });
  return { ...f, engine: { ...f.engine, containers, networks }, netns };
}

export function syntheticTopology(opts: SyntheticOptions): Topology {
  return topologyOf(syntheticFacts(opts));
}

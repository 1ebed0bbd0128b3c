// npx tsx bench/scanParts.ts — where a warm scan of this host spends its time, part by part
// (the readers run in parallel in a scan; here each is timed alone). Medians of 5.
import { DockerClient } from '../lib/docker/client';
import { parseDockerHost } from '../lib/docker/endpoint';
import { hostReaders, netnsTargets } from '../lib/scanner';
import { buildTopology } from '../lib/topology/build';
import { median } from './stats';

const client = new DockerClient(parseDockerHost(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'));
const read = hostReaders(client);

async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  let out = await fn(); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    out = await fn();
    xs.push(performance.now() - t0);
  }
  console.log(`  ${label.padEnd(40)} ${median(xs).toFixed(1).padStart(8)} ms`);
  return out;
}

const engine = await timed('engine (list, inspects, networks, info)', () => client.scan());
console.log(`  (${engine.containers.length} containers)`);
const targets = netnsTargets(engine.containers);
const netns = await timed('namespaces, listeners, holders', () => read.netns(targets));
const openclaw = await timed('OpenClaw configuration', () => read.openclaw(engine.containers));
const uplink = await timed('uplink', () => read.uplink());
const firewall = await timed('packet filter (iptables-save)', () => read.firewall());
await timed('model and diagnosis (buildTopology)', () =>
  buildTopology({
    engine,
    netns,
    openclaw,
    uplink,
    firewall,
    scannedAt: new Date().toISOString(),
    scanMs: 0,
  }),
);

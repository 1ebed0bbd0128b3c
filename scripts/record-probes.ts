// Records real probe results on the lab together with the scan they ran against, so the
// probe rules can be unit-tested on fixtures (test/unit/probeRules.test.ts).
// Usage: tsx scripts/record-probes.ts NAME
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DockerClient } from '../lib/docker/client';
import { parseDockerHost } from '../lib/docker/endpoint';
import { readUplink } from '../lib/netns/hostLinks';
import { readNetnsFacts } from '../lib/netns/reader';
import { readOpenclawFacts } from '../lib/openclaw/reader';
import { ProbeService } from '../lib/probe/service';
import { netnsTargets } from '../lib/scanner';
import { buildTopology } from '../lib/topology/build';

const name = process.argv[2] ?? 'probes-lab';
const client = new DockerClient(parseDockerHost(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'));
const engine = await client.scan();
engine.containers = engine.containers.filter(
  (c) => c.Config.Labels['com.docker.compose.project'] === 'reachmap-lab',
);
const netns = await readNetnsFacts(netnsTargets(engine.containers));
const openclaw = await readOpenclawFacts(engine.containers);
const uplink = await readUplink();
const topology = buildTopology({
  engine,
  netns,
  openclaw,
  uplink,
  scannedAt: new Date().toISOString(),
  scanMs: 0,
});
const probes = new ProbeService({ topology: async () => topology });
const specs = [
  { from: 'client', to: 'http://gateway-loopback:18789/healthz' },
  { from: 'host', to: 'http://127.0.0.1:28789/healthz' },
  { from: 'host', to: 'http://gateway-loopback:18789/healthz' },
  { from: 'client', to: 'http://127.0.0.1:18789/' },
  // 127.0.0.1 meant as the host: a published port, a host-network service.
  { from: 'client', to: 'http://127.0.0.1:28790/healthz' },
  { from: 'client', to: 'http://127.0.0.1:28791/' },
  { from: 'client', to: 'http://proxy-plain/', ws: true },
  { from: 'client', to: 'http://proxy-upgrade/', ws: true },
  { from: 'client', to: 'ws://gateway:18789/', origin: 'https://evil.example' },
  { from: 'client', to: 'ws://gateway:18789/', origin: 'https://gateway.example.test' },
  { from: 'legacy', to: 'http://multi:8080/' },
  { from: 'cli-sidecar', to: 'http://127.0.0.1:18789/healthz' },
  { from: 'host', to: 'http://127.0.0.1:28790/healthz' },
];
const results = [];
for (const s of specs) results.push({ spec: s, result: (await probes.run(s)).initiator });
probes.close();
const file = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', `${name}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ recordedAt: new Date().toISOString(), engine, netns, openclaw, uplink, results }, null, 1)}\n`,
);
console.log(`recorded ${results.length} probes → ${path.relative(process.cwd(), file)}`);

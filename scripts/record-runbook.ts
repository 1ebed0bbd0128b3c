// Records a real runbook run on the lab as a fixture for the Markdown golden test.
// Usage: tsx scripts/record-runbook.ts NAME FROM TO [ORIGIN]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DockerClient } from '../lib/docker/client';
import { parseDockerHost } from '../lib/docker/endpoint';
import { ProbeService } from '../lib/probe/service';
import { readNginxLocations } from '../lib/proxy/configReader';
import { runRunbook } from '../lib/runbook/run';
import { scanOnce } from '../lib/scanner';

const [name, from, to, origin] = process.argv.slice(2);
if (!name || !from || !to) {
  console.error('usage: record-runbook.ts NAME FROM TO [ORIGIN]');
  process.exit(2);
}
const client = new DockerClient(parseDockerHost(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'));
const topology = await scanOnce(client);
const probes = new ProbeService({ topology: async () => topology });
const report = await runRunbook(
  { from, to, origin },
  { probes, topology: async () => topology, readNginx: readNginxLocations },
);
probes.close();
const file = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', `${name}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 1)}\n`);
console.log(`recorded runbook ${from} → ${to} → ${path.relative(process.cwd(), file)}`);

// Records what one scan read from a real engine and /proc (engine answers already
// validated and stripped of Config.Env by lib/docker/schemas) as a unit-test fixture.
// Usage: tsx scripts/record-fixture.ts NAME [--project reachmap-lab]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DockerClient } from '../lib/docker/client';
import { parseDockerHost } from '../lib/docker/endpoint';
import { readNetnsFacts, readTables } from '../lib/netns/reader';
import { readOpenclawFacts } from '../lib/openclaw/reader';
import { netnsTargets } from '../lib/scanner';

const [name, flag, project] = process.argv.slice(2);
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: record-fixture.ts NAME [--project P]');
  process.exit(2);
}
const client = new DockerClient(parseDockerHost(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock'));
const engine = await client.scan();
if (flag === '--project' && project) {
  engine.containers = engine.containers.filter(
    (c) =>
      c.Config.Labels['com.docker.compose.project'] === project ||
      c.Config.Labels['reachmap.fixture'] === 'true',
  );
}
const netns = await readNetnsFacts(netnsTargets(engine.containers), {
  execTables: (id) => client.execReadTables(id),
});
const openclaw = await readOpenclawFacts(engine.containers);
const file = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', `${name}.json`);
if (name === 'lab') {
  // The raw /proc text of every lab namespace, for the parser's tests (cross-checked there
  // against what the netlink helper reported for the same namespaces).
  const raw: Record<string, unknown> = {};
  for (const c of engine.containers) {
    const service = c.Config.Labels['com.docker.compose.service'];
    if (service && c.State.Running && c.HostConfig.NetworkMode !== 'host')
      raw[service] = await readTables(`/proc/${c.State.Pid}`);
  }
  const rawFile = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'lab-proc-tables.json');
  writeFileSync(rawFile, `${JSON.stringify(raw, null, 1)}\n`);
}
writeFileSync(
  file,
  `${JSON.stringify({ recordedAt: new Date().toISOString(), engine, netns, openclaw }, null, 1)}\n`,
);
console.log(
  `recorded ${engine.containers.length} containers, ${Object.keys(netns.tables).length} socket tables → ${path.relative(process.cwd(), file)}`,
);

/**
 * Writes a large host as `reachmap scan --json` would print it, for `--replay`, tests and
 * benchmarks: the recorded lab with N containers cloned in through the real pipeline
 * (test/synthetic.ts). Usage: npx tsx scripts/synthetic-topology.ts 500 > /tmp/host500.json
 */
import { Topology } from '../lib/model/topology';
import { syntheticTopology } from '../test/synthetic';

const USAGE = 'usage: npx tsx scripts/synthetic-topology.ts CONTAINERS [PROJECTS] > host.json';

function count(arg: string | undefined, what: string): number | undefined {
  if (arg === undefined) return undefined;
  const n = Number(arg);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    console.error(`${what} must be an integer from 1 to 100000 (got "${arg}")\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const [containersArg, projectsArg, extra] = process.argv.slice(2);
if (!containersArg || extra !== undefined) {
  console.error(USAGE);
  process.exit(2);
}
const containers = count(containersArg, 'CONTAINERS') as number;
const projects = count(projectsArg, 'PROJECTS');
// Parsed as the CLI does before printing, so the output is exactly what --replay accepts.
const topology = Topology.parse(syntheticTopology({ containers, ...(projects ? { projects } : {}) }));
process.stdout.write(`${JSON.stringify(topology, null, 2)}\n`);

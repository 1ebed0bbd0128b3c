// Probe timings, measured in the same run as their baselines:
//   one HTTP probe through Reachmap (pooled in-namespace agent) vs `docker exec <ctr> wget -qO- <url>`;
//   the first probe into a namespace (agent start-up included); a probe-all from one initiator.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DockerClient } from '../lib/docker/client';
import { resolveInitiator } from '../lib/probe/initiator';
import { probeAllTargets } from '../lib/probe/probeAll';
import { ProbeService } from '../lib/probe/service';
import { scanOnce } from '../lib/scanner';
import { mapLimit } from '../lib/util/concurrency';

const execFileP = promisify(execFile);

export async function probeBench(
  client: DockerClient,
  runs: number,
  measure: (label: string, fn: () => unknown) => Promise<number>,
) {
  const topology = await scanOnce(client);
  const byService = (s: string) =>
    topology.containers.find((c) => c.compose?.service === s && c.state === 'running');
  const from = byService('client');
  if (!from) throw new Error('the lab is not up (no client container)');
  const url = 'http://gateway:18789/healthz';
  console.log(`\nprobes: ${from.name} → ${url}`);

  const baseline = await measure(`baseline: docker exec ${from.name} wget -qO- ${url}`, () =>
    execFileP('docker', ['exec', from.id, 'wget', '-qO-', url]),
  );

  // First probe into a namespace: starts the pooled agent (nsenter + node).
  const firsts: number[] = [];
  for (let i = 0; i < Math.min(runs, 5); i++) {
    const cold = new ProbeService({ topology: async () => topology });
    const t0 = performance.now();
    await cold.run({ from: from.name, to: url });
    firsts.push(performance.now() - t0);
    cold.close();
  }
  firsts.sort((a, b) => a - b);
  const first = firsts[Math.floor(firsts.length / 2)] as number;
  console.log(
    `  ${'reachmap: first probe into the namespace (agent start-up)'.padEnd(58)} ${first.toFixed(1).padStart(8)} ms`,
  );

  const svc = new ProbeService({ topology: async () => topology });
  const withLogs = new ProbeService({
    topology: async () => topology,
    logs: { readWindow: (id, d, w) => client.logWindow(id, d, w) },
  });
  const warm = await measure('reachmap: one probe, agent already running (dns+tcp+http)', () =>
    svc.run({ from: from.name, to: url }),
  );
  const viaProxy = 'http://proxy-upgrade/';
  const plainProxy = await measure(`reachmap: ${viaProxy} through the proxy, no log capture`, () =>
    svc.run({ from: from.name, to: viaProxy, logs: false }),
  );
  const logged = await measure(`reachmap: the same with log capture (proxy + upstream)`, () =>
    withLogs.run({ from: from.name, to: viaProxy }),
  );
  withLogs.close();
  const init = resolveInitiator(topology, from.name);
  const targets = probeAllTargets(topology, init, 'tcp');
  const all = await measure(
    `reachmap: probe-all from ${from.name} (${targets.length} listeners, 6 in flight)`,
    () => mapLimit(targets, 6, (t) => svc.run({ from: from.name, to: t.to, timeoutMs: 3000 })),
  );
  svc.close();
  console.log(
    `  ratios — warm probe / docker exec wget: ${(warm / baseline).toFixed(3)} (${(baseline / warm).toFixed(0)}× faster); first probe / docker exec: ${(first / baseline).toFixed(2)}; with logs / without: ${(logged / plainProxy).toFixed(1)}`,
  );
  return {
    from: from.name,
    url,
    baselineExecWgetMs: baseline,
    firstProbeMs: first,
    warmProbeMs: warm,
    probeAllMs: all,
    probeAllTargets: targets.length,
  };
}

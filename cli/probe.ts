import { diagnoseProbes } from '../lib/diagnose/probe';
import { DockerClient } from '../lib/docker/client';
import { formatFindings } from '../lib/format/findings';
import { formatProbe } from '../lib/format/probe';
import type { ProbeResult } from '../lib/model/probe';
import type { Topology } from '../lib/model/topology';
import { probeServiceFromSettings } from '../lib/probe/fromSettings';
import type { ProbeService } from '../lib/probe/service';
import { readNginxLocations } from '../lib/proxy/configReader';
import { runbookMarkdown } from '../lib/runbook/markdown';
import { runRunbook } from '../lib/runbook/run';
import { scanOnce } from '../lib/scanner';
import { engineOf, type Settings } from '../lib/settings';
import { CLI_SCHEMA_VERSION } from './errors';

/** probe and runbook: a scan of this engine, then probes from the initiator's namespace. */

async function withProbes<T>(
  settings: Settings,
  work: (topology: Topology, probes: ProbeService) => Promise<T>,
): Promise<T> {
  const client = new DockerClient(engineOf(settings));
  const topology = await scanOnce(client);
  const probes = probeServiceFromSettings(settings, client, async () => topology);
  try {
    return await work(topology, probes);
  } finally {
    probes.close();
  }
}

export interface ProbeFlags {
  from: string;
  to: string;
  ws: boolean;
  origin?: string;
  headers: Record<string, string>;
  timeoutMs?: number;
  /** Hold the WebSocket open this long (and ping every wsPingMs): a proxy's idle timeout shows. */
  wsHoldMs?: number;
  wsPingMs?: number;
  /** Requests and frames of growing size: where a path-MTU black hole starts. */
  large?: boolean;
  paired: boolean;
  json: boolean;
  logs: boolean;
  fail: boolean;
}

export function probeCommand(settings: Settings, f: ProbeFlags): Promise<number> {
  return withProbes(settings, async (topology, probes) => {
    const r = await probes.run(
      {
        from: f.from,
        to: f.to,
        ws: f.ws,
        origin: f.origin,
        headers: f.headers,
        timeoutMs: f.timeoutMs,
        wsHoldMs: f.wsHoldMs,
        wsPingMs: f.wsPingMs,
        large: f.large,
      },
      { paired: f.paired },
    );
    // The same probe rules the dashboard applies: a failure comes with its reason.
    const findings = diagnoseProbes(topology, r.host ? [r.initiator, r.host] : [r.initiator]);
    if (f.json)
      process.stdout.write(
        `${JSON.stringify({ schemaVersion: CLI_SCHEMA_VERSION, ...r.initiator, ...(r.host ? { paired: r.host } : {}), findings }, null, 2)}\n`,
      );
    else {
      const shown = (x: ProbeResult) => (f.logs ? x : { ...x, logs: null });
      process.stdout.write(`${formatProbe(shown(r.initiator), 'Probe', topology)}\n`);
      if (r.host) process.stdout.write(`\n${formatProbe(shown(r.host), 'Paired', topology)}\n`);
      process.stdout.write(`\n${formatFindings(findings, 'DIAGNOSIS').join('\n')}\n`);
    }
    return f.fail && r.initiator.verdict !== 'pass' ? 1 : 0;
  });
}

export interface RunbookFlags {
  from: string;
  to: string;
  origin?: string;
  json: boolean;
  fail: boolean;
}

export function runbookCommand(settings: Settings, f: RunbookFlags): Promise<number> {
  return withProbes(settings, async (topology, probes) => {
    const report = await runRunbook(
      { from: f.from, to: f.to, origin: f.origin },
      { probes, topology: async () => topology, readNginx: readNginxLocations },
    );
    process.stdout.write(
      f.json
        ? `${JSON.stringify({ schemaVersion: CLI_SCHEMA_VERSION, ...report }, null, 2)}\n`
        : runbookMarkdown(report),
    );
    return f.fail && report.stoppedAt !== null ? 1 : 0;
  });
}

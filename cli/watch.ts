import { DockerClient } from '../lib/docker/client';
import { safe } from '../lib/format/terminal';
import { probeServiceFromSettings } from '../lib/probe/fromSettings';
import { readProxyRoutes } from '../lib/proxy/configReader';
import { scanOnce } from '../lib/scanner';
import { engineOf, type Settings } from '../lib/settings';
import { WatchHistory } from '../lib/watch/history';
import type { PinnedPath } from '../lib/watch/paths';
import { verdictChanged, Watcher, type WatchResult } from '../lib/watch/watcher';
import { CLI_SCHEMA_VERSION } from './errors';

/**
 * `reachmap watch`: the dashboard's watch from a terminal or a CI job. Each sweep scans the
 * engine afresh, probes the inferred and pinned paths, and prints what changed — a verdict, or
 * the container that answers (a rolling update; an address nobody holds any more) — the first
 * sweep: every path; --once prints one sweep and ends.
 */

export interface WatchFlags {
  once: boolean;
  json: boolean;
  intervalMs: number;
  pinned: PinnedPath[];
  /** Stop after this long (streaming); null: until interrupted. */
  forMs: number | null;
}

const line = (r: WatchResult) => ({
  from: r.path.from,
  to: r.path.to,
  ok: r.point.ok,
  verdict: r.point.verdict,
  decisive: r.point.decisive,
  why: r.path.why,
  label: r.path.label,
  address: r.point.address ?? null,
  reached: r.point.reached ?? null,
});

/** A line for a terminal: what a hostile nginx config or container name carries is cleaned. */
function text(r: WatchResult, withTime: boolean): string {
  const mark = r.point.ok ? '✔' : '✖';
  const was = r.previous && withTime ? `${r.previous.verdict} → ` : '';
  const why = r.point.decisive ? ` (${r.point.decisive})` : '';
  const at = withTime ? `${r.point.at}  ` : '';
  const who = r.replica ? `  — ${r.replica}` : '';
  return safe(
    `${at}${mark} ${r.path.from} → ${r.path.to}  ${was}${r.point.verdict}${why}  [${r.path.label}]${who}`,
  );
}

export async function watchCommand(settings: Settings, f: WatchFlags): Promise<number> {
  const client = new DockerClient(engineOf(settings));
  let current = await scanOnce(client);
  const probes = probeServiceFromSettings(settings, client, async () => current);
  const watcher = new Watcher({
    topology: async () => {
      current = await scanOnce(client);
      return current;
    },
    probe: async (spec) => (await probes.run(spec, { paired: false })).initiator,
    readProxies: readProxyRoutes,
    pinned: f.pinned,
    history: new WatchHistory(null),
    intervalMs: f.intervalMs,
    onError: (path, error) =>
      process.stderr.write(`reachmap: ${path.from} → ${path.to} not probed: ${error}\n`),
  });
  try {
    if (f.once) {
      const results = (await watcher.sweep()).sort((a, b) => a.path.key.localeCompare(b.path.key));
      if (f.json)
        process.stdout.write(
          `${JSON.stringify({ schemaVersion: CLI_SCHEMA_VERSION, paths: results.map(line) }, null, 2)}\n`,
        );
      else if (results.length === 0)
        process.stdout.write('no paths to watch (no published ports, proxies or pinned paths)\n');
      else for (const r of results) process.stdout.write(`${text(r, false)}\n`);
      return 0;
    }
    const end = f.forMs === null ? Number.POSITIVE_INFINITY : Date.now() + f.forMs;
    let stop = false;
    const interrupt = () => {
      stop = true;
    };
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    while (!stop && Date.now() < end) {
      for (const r of await watcher.sweep())
        if (verdictChanged(r) || r.replica)
          process.stdout.write(
            f.json
              ? `${JSON.stringify({
                  at: r.point.at,
                  ...line(r),
                  previous: r.previous?.verdict ?? null,
                  previousReached: r.previous?.reached ?? null,
                  replica: r.replica,
                })}\n`
              : `${text(r, true)}\n`,
          );
      const wait = Math.min(f.intervalMs * (0.9 + Math.random() * 0.2), end - Date.now());
      const until = Date.now() + Math.max(0, wait);
      while (!stop && Date.now() < until)
        await new Promise((r) => setTimeout(r, Math.min(250, until - Date.now())));
    }
    return 0;
  } finally {
    probes.close();
  }
}

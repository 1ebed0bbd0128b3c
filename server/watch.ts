import type { ProbeHub } from '../lib/live/probeHub';
import type { TopologySource } from '../lib/live/source';
import { log } from '../lib/log';
import type { Prober } from '../lib/probe/prober';
import { readProxyRoutes } from '../lib/proxy/configReader';
import { redactText } from '../lib/redact';
import type { Settings } from '../lib/settings';
import { WATCH_BATCH } from '../lib/watch/batch';
import { WatchHistory } from '../lib/watch/history';
import { verdictChanged, Watcher } from '../lib/watch/watcher';

/**
 * The dashboard's watch: its results become edges and findings like any probe (every
 * viewer sees red edges without a click), each change of verdict is logged, the history
 * lives in the data directory, and an event that touches a path's end re-probes it soon.
 * Starts with the first topology.
 */
export function startWatch(
  settings: Settings,
  live: TopologySource,
  hub: ProbeHub,
  probes: Prober,
): { watcher: Watcher; history: WatchHistory } {
  const history = new WatchHistory(settings.dataDir);
  const watcher = new Watcher({
    topology: async () => live.current,
    probe: async (spec) => (await probes.run(spec, { paired: false })).initiator,
    readProxies: readProxyRoutes,
    pinned: settings.watchPaths,
    history,
    intervalMs: settings.watchIntervalMs,
    onResult: (r) => {
      hub.adopt({
        initiator: r.result,
        host: null,
        pairId: r.result.id,
        batchId: WATCH_BATCH,
        at: r.point.at,
      });
      if (verdictChanged(r))
        log.info(
          {
            from: r.path.from,
            to: redactText(r.path.to),
            why: r.path.why,
            verdict: r.point.verdict,
            decisive: r.point.decisive,
            previous: r.previous?.verdict ?? null,
          },
          'watch: verdict changed',
        );
    },
    onError: (path, error) =>
      log.debug({ from: path.from, to: redactText(path.to), error }, 'watch: path not probed'),
  });
  let states: Map<string, string> | null = null;
  live.on('topology', (t) => {
    const now = new Map(t.containers.map((c) => [c.name, c.state]));
    if (states === null) watcher.start();
    else {
      const touched = [...now].filter(([name, state]) => states?.get(name) !== state).map(([name]) => name);
      for (const name of states.keys()) if (!now.has(name)) touched.push(name);
      if (touched.length) watcher.poke(touched);
    }
    states = now;
  });
  return { watcher, history };
}

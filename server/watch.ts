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
  const history = new WatchHistory(settings.dataDir, undefined, undefined, settings.watchIntervalMs);
  // A pinned path that cannot run says so once per reason (a typo in REACHMAP_WATCH_PATHS).
  const said = new Map<string, string>();
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
      if (r.replica)
        log.info(
          {
            from: r.path.from,
            to: redactText(r.path.to),
            address: r.point.address,
            reached: r.point.reached,
            change: r.replica,
          },
          'watch: another container answers',
        );
    },
    onError: (path, error) => {
      const fields = { from: path.from, to: redactText(path.to), error };
      if (path.why !== 'pinned') return log.debug(fields, 'watch: path not probed');
      if (said.get(path.key) === error) return;
      said.set(path.key, error);
      log.warn(fields, 'watch: a pinned path cannot be probed');
    },
    onSweepError: (e) =>
      log.error({ error: e instanceof Error ? e.message : String(e) }, 'watch: sweep failed'),
  });
  let states: Map<string, string> | null = null;
  // Pinned paths may name a compose service: an event on its container pokes both names.
  const names = new Map<string, string[]>();
  live.on('topology', (t) => {
    const now = new Map(t.containers.map((c) => [c.name, c.state]));
    for (const c of t.containers) names.set(c.name, c.compose ? [c.name, c.compose.service] : [c.name]);
    if (states === null) watcher.start();
    else {
      const touched = [...now].filter(([name, state]) => states?.get(name) !== state).map(([name]) => name);
      for (const name of states.keys()) if (!now.has(name)) touched.push(name);
      if (touched.length) watcher.poke(touched.flatMap((n) => names.get(n) ?? [n]));
    }
    states = now;
  });
  return { watcher, history };
}

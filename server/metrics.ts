import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { ProbeHub } from '../lib/live/probeHub';
import type { TopologySource } from '../lib/live/source';
import type { Topology } from '../lib/model/topology';
import type { SnapshotStore } from '../lib/snapshot/store';
import { VERSION } from '../lib/version';

/**
 * GET /metrics in Prometheus text (prom-client): the engine's state, the last scan, the
 * topology's size and findings, probe verdicts, open sockets, snapshots, and the process's own
 * figures (RSS, event-loop lag…). Values are read when scraped; nothing here holds data.
 */
export interface MetricsSources {
  live: TopologySource;
  hub: ProbeHub;
  store: SnapshotStore | null;
  /** Open socket.io connections (the socket server exists after the HTTP handler). */
  sockets: () => number;
  /** The watch, when on: its paths and the probes it ran. */
  watch?: { paths(): unknown[]; probes: number } | null;
}

export function createMetrics(src: MetricsSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'reachmap_' });
  new Gauge({
    name: 'reachmap_build_info',
    help: 'Reachmap version',
    labelNames: ['version'],
    registers: [registry],
  })
    .labels(VERSION)
    .set(1);
  const current = (): Topology | null => src.live.current;
  const watch = src.watch;
  if (watch) {
    new Gauge({
      name: 'reachmap_watch_paths',
      help: 'Paths the watch keeps probing',
      registers: [registry],
      collect() {
        this.set(watch.paths().length);
      },
    });
    new Gauge({
      name: 'reachmap_watch_probes',
      help: 'Probes the watch has run since start',
      registers: [registry],
      collect() {
        this.set(watch.probes);
      },
    });
  }
  new Gauge({
    name: 'reachmap_engine_up',
    help: '1 while the Docker engine answers (or a replay is served), else 0',
    registers: [registry],
    collect() {
      this.set(['connected', 'replay'].includes(src.live.engine.status) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'reachmap_scan_seconds',
    help: 'How long the last topology rebuild took',
    registers: [registry],
    collect() {
      const t = current();
      if (t) this.set(t.scanMs / 1000);
    },
  });
  new Gauge({
    name: 'reachmap_topology_objects',
    help: 'Containers, namespaces, networks and listeners in the current topology',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const t = current();
      if (!t) return;
      this.labels('containers').set(t.containers.length);
      this.labels('namespaces').set(t.namespaces.length);
      this.labels('networks').set(t.networks.length);
      this.labels('listeners').set(t.namespaces.reduce((n, ns) => n + ns.listeners.length, 0));
    },
  });
  new Gauge({
    name: 'reachmap_findings',
    help: 'Findings of the current topology and kept probes, by severity',
    labelNames: ['severity'],
    registers: [registry],
    collect() {
      const t = current();
      const all = [...(t?.findings ?? []), ...src.hub.findings(t)];
      for (const s of ['error', 'warning', 'info'])
        this.labels(s).set(all.filter((f) => f.severity === s).length);
    },
  });
  const probes = new Counter({
    name: 'reachmap_probes_total',
    help: 'Probes finished since start, by verdict',
    labelNames: ['verdict'],
    registers: [registry],
  });
  for (const v of ['pass', 'fail', 'partial']) probes.labels(v).inc(0);
  src.hub.on('done', (r) => probes.labels(r.initiator.verdict).inc());
  new Gauge({
    name: 'reachmap_sockets',
    help: 'Open dashboard connections',
    registers: [registry],
    collect() {
      this.set(src.sockets());
    },
  });
  new Gauge({
    name: 'reachmap_snapshots',
    help: 'Stored snapshots',
    registers: [registry],
    collect() {
      if (src.store) this.set(src.store.list().length);
    },
  });
  return registry;
}

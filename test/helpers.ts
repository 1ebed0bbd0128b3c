import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EngineFacts } from '@/lib/docker/schemas';
import type { ProbeResult } from '@/lib/model/probe';
import type { Container, Namespace, Topology } from '@/lib/model/topology';
import type { NetnsFacts } from '@/lib/netns/reader';
import type { OpenclawFacts } from '@/lib/openclaw/config';
import { buildTopology } from '@/lib/topology/build';

/** Fixtures are real scans of the lab (scripts/record-fixtures.sh), not hand-written data. */
export interface Fixture {
  recordedAt: string;
  engine: EngineFacts;
  netns: NetnsFacts;
  openclaw?: Record<string, OpenclawFacts>;
}

export function loadFixture(name: string): Fixture {
  return JSON.parse(
    readFileSync(path.join(import.meta.dirname, 'fixtures', `${name}.json`), 'utf8'),
  ) as Fixture;
}

export function fixtureTopology(name: string): Topology {
  return topologyOf(loadFixture(name));
}

/** Recorded (or derived) facts through the real pipeline, as a scan would build them. */
export function topologyOf(f: Fixture): Topology {
  return buildTopology({
    engine: f.engine,
    netns: f.netns,
    openclaw: f.openclaw,
    scannedAt: f.recordedAt,
    scanMs: 1,
  });
}

/**
 * The lab with probe results recorded from it (scripts/record-probes.ts): its topology as a
 * scan builds it (uplink included), and the raw entries (each a spec and its result).
 */
export function probesLab(): {
  topology: Topology;
  entries: Array<{ spec: Record<string, unknown>; result: ProbeResult }>;
} {
  const f = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'probes-lab.json'), 'utf8'));
  const topology = buildTopology({
    engine: f.engine,
    netns: f.netns,
    openclaw: f.openclaw,
    uplink: f.uplink,
    scannedAt: f.recordedAt,
    scanMs: 0,
  });
  return { topology, entries: f.results };
}

export function byService(t: Topology, service: string): Container {
  const c =
    t.containers.find((x) => x.compose?.service === service && x.state === 'running') ??
    t.containers.find((x) => x.compose?.service === service);
  if (!c) throw new Error(`no container of service ${service}`);
  return c;
}

export function nsOf(t: Topology, c: Container): Namespace {
  const ns = t.namespaces.find((n) => n.id === c.netns);
  if (!ns) throw new Error(`${c.name} has no namespace`);
  return ns;
}

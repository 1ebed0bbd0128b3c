import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerClient } from '@/lib/docker/client';
import { parseDockerHost } from '@/lib/docker/endpoint';
import { applyTopologyChange } from '@/lib/live/changes';
import { TopologyService } from '@/lib/live/topologyService';
import { type EngineState, TopologyChange } from '@/lib/model/live';
import type { Topology } from '@/lib/model/topology';
import { docker, labContainer } from '../../e2e/lab/labInfo';

const DOCKER_SOCK = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace('unix://', '');

function waitFor<T>(
  svc: TopologyService,
  event: 'topology' | 'engine',
  pred: (x: Topology | EngineState) => T | false,
  ms = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), ms);
    const on = (x: Topology | EngineState) => {
      const r = pred(x);
      if (r !== false) {
        clearTimeout(timer);
        svc.off(event, on);
        resolve(r);
      }
    };
    svc.on(event, on);
  });
}

/** A unix socket that forwards to dockerd and can be cut, to play an engine outage. */
function cuttableProxy(sockPath: string) {
  const conns = new Set<net.Socket>();
  const server = net.createServer((c) => {
    const up = net.connect(DOCKER_SOCK);
    conns.add(c);
    conns.add(up);
    c.pipe(up).pipe(c);
    const drop = () => {
      c.destroy();
      up.destroy();
      conns.delete(c);
      conns.delete(up);
    };
    c.on('error', drop).on('close', drop);
    up.on('error', drop).on('close', drop);
  });
  return {
    listen: () => new Promise<void>((r) => server.listen(sockPath, r)),
    cut: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        for (const c of conns) c.destroy();
      }),
  };
}

describe('live topology service on the real engine', () => {
  const multi = labContainer('multi');
  const services: TopologyService[] = [];
  afterAll(() => {
    for (const s of services) s.stop();
    docker('start', multi.id);
  });

  it('a stopped container reaches the topology within a second of the stop', async () => {
    const svc = new TopologyService(new DockerClient(parseDockerHost(`unix://${DOCKER_SOCK}`)));
    services.push(svc);
    // What a browser does: the first full topology, then every change applied to it.
    const browser: { held: { topology: Topology; version: number } | null; gaps: number } = {
      held: null,
      gaps: 0,
    };
    const changes: TopologyChange[] = [];
    svc.on('topology', (topology, version, c) => {
      const { held } = browser;
      if (!held || !c) {
        browser.held = { topology, version };
        return;
      }
      changes.push(c);
      if (c.fromVersion !== held.version) browser.gaps++;
      browser.held = {
        topology: applyTopologyChange(held.topology, TopologyChange.parse(c)),
        version: c.version,
      };
    });
    svc.start();
    await waitFor(svc, 'topology', (t) =>
      (t as Topology).containers.some((c) => c.id === multi.id && c.state === 'running'),
    );
    const seen = waitFor(svc, 'topology', (t) =>
      (t as Topology).containers.find((c) => c.id === multi.id)?.state === 'exited' ? Date.now() : false,
    );
    // Not execFileSync: a blocked event loop would delay the very events we time.
    await promisify(execFile)('docker', ['kill', multi.id]);
    const t0 = Date.now();
    const latency = (await seen) - t0;
    expect(latency).toBeLessThan(1000);
    docker('start', multi.id);
    await waitFor(
      svc,
      'topology',
      (t) => (t as Topology).containers.find((c) => c.id === multi.id)?.state === 'running',
    );
    // The stop and the start came as changes, each naming the container, not the whole lab.
    const named = changes.filter((c) => c.upsert.containers.some((x) => x.id === multi.id));
    expect(named.length).toBeGreaterThanOrEqual(2);
    for (const c of named)
      expect(c.upsert.containers.length).toBeLessThan(svc.current?.containers.length ?? 0);
    // Applying the changes one after another gives what the service holds.
    const strip = (t: Topology | undefined | null) => t && { ...t, scannedAt: '', scanMs: 0 };
    expect(browser.gaps).toBe(0);
    expect(browser.held?.version).toBe(svc.version);
    expect(strip(browser.held?.topology)).toEqual(strip(svc.current));
  });

  it('publishes nothing about containers while none of them changes', async () => {
    const svc = new TopologyService(new DockerClient(parseDockerHost(`unix://${DOCKER_SOCK}`)));
    services.push(svc);
    svc.start();
    await waitFor(svc, 'topology', (t) =>
      (t as Topology).containers.some((c) => c.id === multi.id && c.state === 'running'),
    );
    const changes: TopologyChange[] = [];
    svc.on('topology', (_t, _v, c) => {
      if (c) changes.push(c);
    });
    // A full resync and a few listener ticks (every 2 s) on a quiet lab.
    await svc.refresh(10_000, true);
    await new Promise((r) => setTimeout(r, 5_000));
    // Healthchecks may update the gateways' last check on a full resync; no other container is sent.
    const sent = changes.flatMap((c) => c.upsert.containers.map((x) => x.compose?.service));
    expect(sent.filter((s) => s !== 'gateway' && s !== 'gateway-loopback')).toEqual([]);
    for (const c of changes) expect(c.remove.containers).toEqual([]);
  });

  it('says the engine is unreachable, reconnects by itself and resyncs what it missed', async () => {
    const sock = path.join(os.tmpdir(), `reachmap-proxy-${process.pid}.sock`);
    rmSync(sock, { force: true });
    const proxy = cuttableProxy(sock);
    await proxy.listen();
    const svc = new TopologyService(new DockerClient(parseDockerHost(`unix://${sock}`)));
    services.push(svc);
    svc.start();
    await waitFor(svc, 'topology', (t) =>
      (t as Topology).containers.some((c) => c.id === multi.id && c.state === 'running'),
    );

    const down = waitFor(svc, 'engine', (s) =>
      (s as EngineState).status === 'unreachable' ? (s as EngineState) : false,
    );
    await proxy.cut();
    const state = await down;
    expect(state.error).toBeTruthy();
    expect(svc.engine.status).toBe('unreachable');

    // While the engine is out of reach, a container stops: no event will ever say so.
    docker('stop', '-t', '1', multi.id);
    const resynced = waitFor(
      svc,
      'topology',
      (t) => (t as Topology).containers.find((c) => c.id === multi.id)?.state === 'exited',
      15_000,
    );
    await proxy.listen();
    await resynced;
    expect(svc.engine.status).toBe('connected');
    docker('start', multi.id);
  });
});

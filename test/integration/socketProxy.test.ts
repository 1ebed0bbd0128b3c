import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerClient } from '@/lib/docker/client';
import { parseDockerHost } from '@/lib/docker/endpoint';
import { TopologyService } from '@/lib/live/topologyService';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { labContainer } from '../../e2e/lab/labInfo';

/**
 * Least privilege, proven: Reachmap behind a read-only Docker socket proxy
 * (e2e/lab/socket-proxy/nginx.conf: GET and HEAD on the read endpoints only). The topology,
 * its live updates (/events through the proxy) and probes through nsenter all work; the
 * runners that write to the engine say plainly what they need.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const NAME = 'reachmap-test-socket-proxy';

let endpoint = '';
let svc: TopologyService;

function until(pred: (t: Topology) => boolean, timeoutMs = 15_000): Promise<Topology> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no such topology in time')), timeoutMs);
    const check = (t: Topology | null) => {
      if (t && pred(t)) {
        clearTimeout(timer);
        svc.off('topology', check);
        resolve(t);
      }
    };
    svc.on('topology', check);
    check(svc.current);
  });
}

beforeAll(async () => {
  spawnSync('docker', ['rm', '-f', NAME], { stdio: 'ignore' });
  docker(
    'run',
    '-d',
    '--name',
    NAME,
    '--label',
    'reachmap.test=socket-proxy',
    // The socket's directory, not the socket: an engine restart leaves no dead mount.
    '-v',
    '/var/run:/var/run/docker:ro',
    '-v',
    `${ROOT}/e2e/lab/socket-proxy/nginx.conf:/etc/nginx/nginx.conf:ro`,
    '-p',
    '127.0.0.1::2375',
    'reachmap-lab/nginx:local',
  );
  endpoint = `tcp://${docker('port', NAME, '2375').split('\n')[0]}`;
  for (let i = 0; i < 50; i++) {
    const ok = await fetch(`${endpoint.replace('tcp:', 'http:')}/_ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  svc = new TopologyService(new DockerClient(parseDockerHost(endpoint)));
  svc.start();
}, 60_000);

afterAll(() => {
  svc?.stop();
  docker('rm', '-f', NAME);
});

describe('behind a read-only socket proxy', () => {
  it('the proxy really refuses writes (so what follows proves something)', async () => {
    const r = await fetch(`${endpoint.replace('tcp:', 'http:')}/v1.41/containers/create`, { method: 'POST' });
    expect(r.status).toBe(403);
    const exec = await fetch(`${endpoint.replace('tcp:', 'http:')}/v1.41/containers/x/exec`, {
      method: 'POST',
    });
    expect(exec.status).toBe(403);
  });

  it('the topology and its live updates work (events stream through the proxy)', async () => {
    const multi = labContainer('multi');
    const gw = labContainer('gateway-loopback');
    const t = await until((x) => x.containers.some((c) => c.id === gw.id));
    // Listeners come from the namespaces, not the engine: they are there too.
    const ns = t.namespaces.find((n) => n.containers.includes(gw.name));
    expect(ns?.listeners.some((l) => l.port === 18789)).toBe(true);
    expect(svc.engine.status).toBe('connected');

    docker('stop', '-t', '1', multi.id);
    try {
      await until((x) => x.containers.find((c) => c.id === multi.id)?.state === 'exited');
    } finally {
      docker('start', multi.id);
    }
    await until((x) => x.containers.find((c) => c.id === multi.id)?.state === 'running');
  });

  it('probes through nsenter need no Docker write; the exec and helper runners say what they need', async () => {
    const client = new DockerClient(parseDockerHost(endpoint));
    const topology = await until((x) => x.containers.some((c) => c.name === labContainer('client').name));
    const nsenter = new ProbeService({ topology: async () => topology, docker: client, runner: 'nsenter' });
    try {
      const r = await nsenter.run({ from: 'client', to: 'http://gateway:18789/healthz' });
      expect(r.initiator).toMatchObject({ verdict: 'pass' });
    } finally {
      nsenter.close();
    }
    for (const runner of ['exec', 'helper-container'] as const) {
      const probes = new ProbeService({
        topology: async () => topology,
        docker: client,
        runner,
        helperImage: 'reachmap-lab/node:local',
      });
      try {
        // From the gateway: its image has the `node` the exec runner would use.
        await expect(probes.run({ from: 'gateway', to: 'http://gateway:18789/healthz' })).rejects.toThrow(
          /needs Docker write access, and tcp:\/\/127\.0\.0\.1:\d+ refused it \(HTTP 4\d\d.*REACHMAP_PROBE_RUNNER=nsenter/,
        );
      } finally {
        probes.close();
      }
    }
  });
});

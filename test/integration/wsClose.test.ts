import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseProbes } from '@/lib/diagnose/probe';
import type { Topology } from '@/lib/model/topology';
import { ProbeService } from '@/lib/probe/service';
import { scanOnce } from '@/lib/scanner';
import { docker, LAB_PROJECT } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/**
 * A gateway in its restart window, made for real with the lab gateway: /healthz is 200,
 * /readyz 503, and a well-formed connect closes 1013 "gateway starting". The edge is red
 * for a reason the operator must be told: not the network, not credentials — wait.
 */

const NAME = 'reachmap-test-starting-gateway';
const client = realClient();
let topology: Topology;
const probes = new ProbeService({ topology: async () => topology });
const rm = () => {
  try {
    docker('rm', '-f', NAME);
  } catch {
    // not there
  }
};

beforeAll(async () => {
  rm();
  docker(
    'run',
    '-d',
    '--name',
    NAME,
    '--network',
    `${LAB_PROJECT}_backend`,
    '-v',
    `${path.resolve(import.meta.dirname, '../../e2e/lab/gateway')}:/lab:ro`,
    '-e',
    'GATEWAY_STARTING_MS=600000',
    'reachmap-lab/node:local',
    'node',
    '/lab/gateway.mjs',
    'gateway',
    '--bind',
    'lan',
    '--port',
    '18789',
  );
  // Wait for the listener (the scan reads it from the kernel).
  for (let i = 0; i < 40; i++) {
    topology = await scanOnce(client);
    const c = topology.containers.find((x) => x.name === NAME);
    const ns = topology.namespaces.find((n) => n.id === c?.netns);
    if (ns?.listeners.some((l) => l.port === 18789)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
}, 30_000);
afterAll(() => {
  probes.close();
  rm();
});

describe('a WebSocket the application closes after the upgrade', () => {
  it('close 1013 "gateway starting": healthz is green, the finding says not ready yet', async () => {
    const health = (await probes.run({ from: 'client', to: `http://${NAME}:18789/healthz` })).initiator;
    expect(health.verdict).toBe('pass');
    const r = (await probes.run({ from: 'client', to: `ws://${NAME}:18789/` })).initiator;
    const ws = r.steps.find((s) => s.kind === 'ws');
    expect(ws?.kind === 'ws' && ws.closeCode).toBe(1013);
    const f = diagnoseProbes(topology, [r]);
    expect(f.map((x) => [x.rule, x.severity])).toEqual([['app-not-ready', 'warning']]);
    expect(f[0]?.fix).toContain('/readyz');
  });
});

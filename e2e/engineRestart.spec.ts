import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { Topology } from '../lib/model/topology';
import { ThrowawayEngine } from '../test/throwawayEngine';
import { containerNode, signInLive } from './dashboardPage';
import { E2E } from './env';

/**
 * The engine goes away under an open dashboard (dockerd stopped, as an upgrade or a crash
 * does) and comes back: the page says so within seconds, recovers by itself with the graph
 * refreshed, and the server is the same process throughout. A real dockerd of our own, so
 * the lab's engine keeps running for the other tests.
 */

const PORT = 7404;
const BASE = `http://127.0.0.1:${PORT}`;
const TOKEN = `${E2E.token}-engine-restart`;
const IMAGE = 'reachmap-lab/busybox:local';

let engine: ThrowawayEngine;
let server: ChildProcess;
let serverErr = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  engine = new ThrowawayEngine(path.join(os.tmpdir(), `reachmap-e2e-engine-${process.pid}`));
  await engine.start();
  engine.loadImage(IMAGE);
  // Restarted with the engine, as a service is; stopped in a second (httpd ignores SIGTERM).
  engine.docker(
    'run',
    '-d',
    '--name',
    'restart-web',
    '--restart',
    'always',
    '--stop-timeout',
    '1',
    '--network',
    'none',
    IMAGE,
    'httpd',
    '-f',
    '-p',
    '127.0.0.1:8080',
    '-h',
    '/tmp',
  );
  server = spawn(
    process.execPath,
    ['dist/server.js', '--port', String(PORT), '--data-dir', path.join(engine.dir, 'reachmap')],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        REACHMAP_TOKEN: TOKEN,
        DOCKER_HOST: engine.host,
        NEXT_TELEMETRY_DISABLED: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  server.stderr?.on('data', (b: Buffer) => {
    serverErr = (serverErr + b.toString()).slice(-4000);
  });
  await expect
    .poll(async () => (await fetch(`${BASE}/healthz`).catch(() => null))?.status ?? 0, { timeout: 60_000 })
    .toBe(200);
});

test.afterAll(async () => {
  server?.kill('SIGTERM');
  await engine?.destroy();
});

async function topology(): Promise<Topology> {
  const r = await fetch(`${BASE}/api/topology`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return Topology.parse(((await r.json()) as { topology: unknown }).topology);
}

const webListens = (t: Topology) => {
  const c = t.containers.find((x) => x.name === 'restart-web');
  const ns = t.namespaces.find((n) => n.id === c?.netns);
  return c?.state === 'running' && (ns?.listeners ?? []).some((l) => l.port === 8080);
};

test('dockerd stopped and started under an open page: said within seconds, recovered by itself', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signInLive(page, BASE, TOKEN);
  await expect(containerNode(page, 'restart-web')).toHaveAttribute('data-state', 'running');
  await expect.poll(async () => webListens(await topology()), { timeout: 15_000 }).toBe(true);
  const before = (await topology()).containers.find((c) => c.name === 'restart-web');

  // The engine goes away: the page says so within seconds, the server stays up.
  const t0 = Date.now();
  await engine.stop();
  const stoppedIn = Date.now() - t0;
  const banner = page.getByTestId('banner-engine-unreachable');
  await expect(banner).toBeVisible({ timeout: 5_000 });
  const saidAfter = Date.now() - t0 - stoppedIn;
  await expect(banner).toContainText(engine.host);
  await expect(page.getByTestId('live-status')).not.toHaveAttribute('data-live', 'true');
  const health = await (await fetch(`${BASE}/healthz`)).json();
  expect(health).toMatchObject({ status: 'degraded', engine: 'unreachable' });
  await page.screenshot({ path: path.join(E2E.screenshots, 'engine-stopped.png') });

  // It comes back: no reload, no server restart.
  await engine.start();
  const t1 = Date.now();
  await expect(banner).toBeHidden({ timeout: 15_000 });
  const recoveredIn = Date.now() - t1;
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'true');
  expect(server.exitCode, serverErr).toBeNull();
  expect(await (await fetch(`${BASE}/healthz`)).json()).toMatchObject({ status: 'ok', engine: 'connected' });

  // The graph is what the restarted engine says: the service came back as a new process
  // (its namespace is new too, though the kernel may reuse the inode number), listening
  // again, and a container created afterwards appears (events flow again).
  await expect.poll(async () => webListens(await topology()), { timeout: 20_000 }).toBe(true);
  const after = (await topology()).containers.find((c) => c.name === 'restart-web');
  expect(after?.pid).not.toBe(before?.pid);
  expect(after?.startedAt).not.toBe(before?.startedAt);
  await expect(containerNode(page, 'restart-web')).toHaveAttribute('data-state', 'running');
  engine.docker('run', '-d', '--name', 'after-restart', '--network', 'none', IMAGE, 'sleep', '600');
  await expect(containerNode(page, 'after-restart')).toHaveAttribute('data-state', 'running', {
    timeout: 10_000,
  });
  test.info().annotations.push({
    type: 'timings',
    description: `dockerd stop ${stoppedIn} ms; page said it ${saidAfter} ms after dockerd exited; recovered ${recoveredIn} ms after dockerd answered`,
  });
  console.log(
    `engine restart: dockerd stop ${stoppedIn} ms, page said it ${saidAfter} ms after exit, recovered ${recoveredIn} ms after the engine answered`,
  );
});

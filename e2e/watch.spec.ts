import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signInLive } from './dashboardPage';
import { E2E } from './env';
import { docker, labContainer, restoreGateway, runReplica } from './lab/labInfo';

/**
 * The dashboard's own watch: red edges with nobody clicking anything, and an edge's history
 * that shows when it broke and when it came back (here: the lab's gateway stopped and
 * started under a 5 s interval).
 */

const PORT = 7407;
const BASE = `http://127.0.0.1:${PORT}`;
const TOKEN = `${E2E.token}-watch`;
const ROLL_ALIAS = 'reachmap-e2e-roll';
const ROLL = ['reachmap-e2e-roll-1', 'reachmap-e2e-roll-2'];
let tmp = '';
let server: ChildProcess | null = null;

test.beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'reachmap-e2e-watch-'));
  server = spawn(process.execPath, ['dist/server.js', '--port', String(PORT), '--data-dir', tmp], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      REACHMAP_TOKEN: TOKEN,
      REACHMAP_WATCH: 'on',
      REACHMAP_WATCH_INTERVAL: '5',
      // A name that replicas share (the rolling-update test below).
      REACHMAP_WATCH_PATHS: `client>http://${ROLL_ALIAS}:8080/`,
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: 'ignore',
  });
});

test.afterAll(async () => {
  test.setTimeout(120_000);
  server?.kill();
  docker('rm', '-f', ...ROLL);
  await restoreGateway();
  rmSync(tmp, { recursive: true, force: true });
});

test('the watch paints a broken path red without a click, and an edge keeps its history', async ({
  page,
}) => {
  test.setTimeout(150_000);
  await expect
    .poll(
      () =>
        fetch(`${BASE}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      { timeout: 30_000 },
    )
    .toBe(true);
  await signInLive(page, BASE, TOKEN);
  // The published port whose server binds 127.0.0.1 inside: docker-proxy accepts, then closes.
  await expect(page.locator('.react-flow__edge-text', { hasText: '✖ CLOSED_AFTER_ACCEPT' })).toBeVisible({
    timeout: 30_000,
  });

  // The gateway's published port: green, then red while it is stopped, then green again.
  const edge = page.getByTestId('rf__edge-probe:host→127.0.0.1:28790');
  await expect(edge).toBeVisible({ timeout: 30_000 });
  const gateway = labContainer('gateway');
  docker('stop', '-t', '1', gateway.id);
  await expect(edge.locator('.react-flow__edge-text')).toContainText('✖', { timeout: 20_000 });
  docker('start', gateway.id);
  await expect(edge.locator('.react-flow__edge-text')).toContainText('✔', { timeout: 30_000 });

  await edge.locator('.react-flow__edge-text').dispatchEvent('click');
  const strip = page.getByTestId('watch-strip');
  await expect(strip).toBeVisible();
  await expect(strip.locator('li[data-verdict="fail"]').first()).toBeVisible();
  await expect(strip.locator('li[data-verdict="pass"]').first()).toBeVisible();
  await expect(page.getByTestId('watch-since')).toContainText(/passing since .* · 2 changes of verdict/);
  await page.screenshot({ path: path.join(E2E.screenshots, 'watch-edge-history.png') });

  // The history is an export too, behind the token.
  const res = await fetch(`${BASE}/api/watch`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const { points } = (await res.json()) as { points: Array<{ to: string; verdict: string }> };
  const verdicts = points.filter((p) => p.to === '127.0.0.1:28790').map((p) => p.verdict);
  expect(verdicts).toContain('fail');
  expect(verdicts.at(-1)).toBe('pass');
});

test('an edge tells which replica answered it through a rolling update', async ({ page }) => {
  test.setTimeout(120_000);
  docker('rm', '-f', ...ROLL);
  runReplica(ROLL[0] as string, ROLL_ALIAS);
  await signInLive(page, BASE, TOKEN);
  const edge = page.getByTestId(`rf__edge-probe:${labContainer('client').id}→http://${ROLL_ALIAS}:8080/`);
  await expect(edge.locator('.react-flow__edge-text')).toContainText('✔', { timeout: 30_000 });
  runReplica(ROLL[1] as string, ROLL_ALIAS);
  docker('rm', '-f', ROLL[0] as string);
  await edge.locator('.react-flow__edge-text').dispatchEvent('click');
  const replicas = page.getByTestId('watch-replicas');
  await expect(replicas).toContainText(
    new RegExp(`${ROLL[0]} \\(\\d+\\.\\d+\\.\\d+\\.\\d+\\).* → ${ROLL[1]} \\(`),
    {
      timeout: 30_000,
    },
  );
  await page.screenshot({ path: path.join(E2E.screenshots, 'watch-replicas.png') });
});

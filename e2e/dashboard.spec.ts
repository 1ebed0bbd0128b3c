import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { containerNode, signIn } from './dashboardPage';
import { E2E } from './env';
import { docker, LAB_CANARY, labContainer } from './lab/labInfo';

test.beforeAll(() => mkdirSync(E2E.screenshots, { recursive: true }));

test('without the token every route and the socket are refused; the sign-in page is the only way in', async ({
  request,
}) => {
  for (const p of [
    '/',
    '/api/topology',
    '/api/engine',
    '/_next/static/chunks/main.js',
    '/favicon.ico',
    '/anything.png',
    '/socket.io/?EIO=4&transport=polling',
  ]) {
    const r = await request.get(p, { maxRedirects: 0, headers: { accept: 'application/json' } });
    // Build assets hold no data and are public (a snapshot link loads them without the
    // token): a missing one is a plain 404, not a sign-in prompt.
    const expected = p.startsWith('/socket.io/') ? 403 : p.startsWith('/_next/static/') ? 404 : 401;
    expect(r.status(), p).toBe(expected);
  }
  const page = await request.get('/', { maxRedirects: 0, headers: { accept: 'text/html' } });
  expect(page.status()).toBe(302);
  expect(page.headers().location).toBe('/login');
  expect((await request.get('/login')).status()).toBe(200);
  const wrong = await request.post('/api/session', { data: { token: 'wrong' } });
  expect(wrong.status()).toBe(401);
  const rebinding = await request.get('/login', { headers: { host: 'attacker.example:7399' } });
  expect(rebinding.status()).toBe(421);
});

test('an operator signs in with the token and sees the lab as the kernel groups it', async ({ page }) => {
  const gw = labContainer('gateway-loopback');
  const sidecar = labContainer('cli-sidecar');
  await signIn(page);
  await expect(containerNode(page, gw.name)).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'true');
  // Jump to the gateway: the view moves to it at a zoom where listeners are drawn.
  await page.getByTestId('search').fill(gw.name);
  await page.getByTestId('search').press('Enter');
  await expect(page.getByTestId('details-container')).toContainText(gw.id);

  // The sidecar is drawn inside the gateway's namespace box.
  const ns = page.locator(`[data-testid="namespace-node"][data-key="ctr:${gw.id}"]`);
  const box = await ns.boundingBox();
  const sc = await containerNode(page, sidecar.name).boundingBox();
  expect(box && sc).toBeTruthy();
  if (box && sc) {
    expect(sc.x).toBeGreaterThanOrEqual(box.x);
    expect(sc.y + sc.height).toBeLessThanOrEqual(box.y + box.height);
  }

  // The loopback-only listener is marked as such, the 0.0.0.0 one is not.
  await expect(
    ns.locator('[data-testid="listener"][data-scope="loopback"]', { hasText: '127.0.0.1:18789' }),
  ).toBeVisible();
  await expect(ns.getByText('loopback only')).toBeVisible();
  const gw0 = page.locator(`[data-testid="namespace-node"][data-key="ctr:${labContainer('gateway').id}"]`);
  await expect(
    gw0.locator('[data-testid="listener"][data-scope="any"]', { hasText: '0.0.0.0:18789' }),
  ).toBeVisible();

  // The published path into it is drawn red and labelled with the reason.
  await expect(page.getByText('✖ 127.0.0.1:28789 → 18789/tcp (loopback-only listener)')).toBeVisible();
  await expect(page.locator('[data-testid="finding"][data-rule="loopback-only-listener"]')).toBeVisible();
  await page.screenshot({ path: path.join(E2E.screenshots, 'dashboard.png') });
});

test('stopping a container changes its node live, without a reload', async ({ page }) => {
  const multi = labContainer('multi');
  await signIn(page);
  const node = containerNode(page, multi.name);
  await expect(node).toHaveAttribute('data-state', 'running');
  await page.evaluate(() => {
    (window as unknown as { __noReload: boolean }).__noReload = true;
  });
  try {
    docker('stop', '-t', '1', multi.id);
    await expect(node).toHaveAttribute('data-state', 'exited', { timeout: 5000 });
    await page.screenshot({ path: path.join(E2E.screenshots, 'container-stopped.png') });
  } finally {
    docker('start', multi.id);
  }
  await expect(node).toHaveAttribute('data-state', 'running', { timeout: 5000 });
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
});

test('clicking a container opens its facts and listeners, never its environment', async ({ page }) => {
  const gw = labContainer('gateway-loopback');
  await signIn(page);
  await containerNode(page, gw.name).click();
  const details = page.getByTestId('details-container');
  await expect(details).toBeVisible();
  await expect(details).toContainText(gw.id);
  await expect(details).toContainText(/netns:\d+ \(proc\)/);
  await expect(details.getByTestId('listener-table')).toContainText('127.0.0.1 (loopback only)');
  await expect(details).toContainText('127.0.0.1:28789→18789/tcp');
  expect(await page.content()).not.toContain(LAB_CANARY);
  await page.screenshot({ path: path.join(E2E.screenshots, 'details.png') });
});

test('the compose-project filter hides other stacks', async ({ page }) => {
  const other = docker(
    'run',
    '-d',
    '--label',
    'com.docker.compose.project=e2e-other',
    '--label',
    'com.docker.compose.service=solo',
    '--name',
    `reachmap-e2e-other-${Date.now()}`,
    'reachmap-lab/busybox:local',
    'sleep',
    '300',
  );
  try {
    const name = docker('inspect', '-f', '{{.Name}}', other).slice(1);
    await signIn(page);
    // Right after `docker run` the engine may still be busy (create, start, network connect).
    await expect(containerNode(page, name)).toBeVisible({ timeout: 20_000 });
    await page.getByTestId('project-filter').selectOption('reachmap-lab');
    await expect(containerNode(page, name)).toHaveCount(0);
    await expect(containerNode(page, labContainer('gateway').name)).toBeVisible();
    await page.getByTestId('project-filter').selectOption('e2e-other');
    await expect(containerNode(page, name)).toBeVisible();
    await expect(containerNode(page, labContainer('gateway').name)).toHaveCount(0);
  } finally {
    docker('rm', '-f', other);
  }
});

test('an unreachable engine is said plainly, and the page keeps trying', async ({ page }) => {
  const port = E2E.port + 1;
  const token = `${E2E.token}-unreachable`;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      'dist/server.js',
      '--port',
      String(port),
      '--data-dir',
      path.join(os.tmpdir(), 'reachmap-e2e-unreachable'),
    ],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        REACHMAP_TOKEN: token,
        DOCKER_HOST: 'unix:///tmp/reachmap-e2e-no-engine.sock',
      },
      stdio: 'ignore',
    },
  );
  try {
    const base = `http://127.0.0.1:${port}`;
    await expect
      .poll(async () => (await fetch(`${base}/login`).catch(() => null))?.status ?? 0, { timeout: 30_000 })
      .toBe(200);
    await signIn(page, base, token);
    const banner = page.getByTestId('banner-engine-unreachable');
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('unix:///tmp/reachmap-e2e-no-engine.sock');
    await expect(banner).toContainText('ENOENT');
    await expect(banner).toContainText('Reconnecting by itself');
    await page.screenshot({ path: path.join(E2E.screenshots, 'engine-unreachable.png') });
  } finally {
    child.kill('SIGTERM');
  }
});

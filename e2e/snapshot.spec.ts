import { writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { signIn } from './dashboardPage';
import { E2E } from './env';
import { docker, labContainer } from './lab/labInfo';

/** Sharing: a snapshot taken in the dashboard opens from its link without the token, read-only. */

async function redEdgeThenSnapshot(page: Page, note: string): Promise<string> {
  const client = labContainer('client');
  await signIn(page);
  await page.getByTestId('tab-probe').click();
  await page.getByTestId('probe-from').selectOption(client.name);
  await page.getByTestId('probe-to').fill('http://gateway-loopback:18789/healthz');
  await page.getByTestId('probe-run').click();
  const edge = page.getByTestId(`rf__edge-probe:${client.id}→http://gateway-loopback:18789/healthz`);
  const label = edge.locator('.react-flow__edge-text', { hasText: '✖ ECONNREFUSED' });
  await expect(label).toBeVisible();
  // The runbook of this path, kept in the snapshot too.
  await label.dispatchEvent('click');
  await page.getByTestId('run-runbook').click();
  await expect(page.getByTestId('runbook-report')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('details-close').click();

  await page.getByTestId('snapshot-open').click();
  await page.getByTestId('snapshot-note').fill(note);
  await page.getByTestId('snapshot-take').click();
  const link = await page.getByTestId('snapshot-link').inputValue();
  expect(link).toMatch(new RegExp(`^${E2E.baseURL}/s/[A-Za-z0-9_-]{22}$`));
  return link;
}

test('a snapshot link opens without the token: same red edge and evidence, no socket, no API', async ({
  page,
  browser,
}) => {
  const client = labContainer('client');
  const link = await redEdgeThenSnapshot(page, 'client cannot reach the gateway');

  // A colleague: a fresh browser context, no cookie, no token.
  const colleague = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const urls: string[] = [];
  colleague.on('request', (r) => urls.push(r.url()));
  const other = await colleague.newPage();
  const sockets: string[] = [];
  other.on('websocket', (ws) => sockets.push(ws.url()));
  await other.goto(link);

  await expect(other.getByTestId('banner-snapshot')).toContainText('client cannot reach the gateway');
  await expect(other.getByTestId('snapshot-badge')).toBeVisible();
  const edge = other.getByTestId(`rf__edge-probe:${client.id}→http://gateway-loopback:18789/healthz`);
  const label = edge.locator('.react-flow__edge-text', { hasText: '✖ ECONNREFUSED' });
  await expect(label).toBeVisible();
  await other.screenshot({ path: path.join(E2E.screenshots, 'snapshot-page.png') });

  // Dispatched on the label itself: edge labels of earlier probes can overlap it on screen.
  await label.dispatchEvent('click');
  const evidence = other.getByTestId('evidence-panel');
  await expect(evidence).toBeVisible();
  await expect(
    other.getByTestId('evidence-initiator').locator('[data-testid="probe-step"][data-kind="tcp"]'),
  ).toHaveAttribute('data-ok', 'false');
  await expect(
    other.getByTestId('evidence-findings').locator('[data-rule="probe-loopback-bind"]'),
  ).toBeVisible();
  // Read-only: nothing here can start a probe or a runbook…
  await expect(other.getByTestId('run-runbook')).toHaveCount(0);
  // …but the runbook run before the snapshot opens from the evidence.
  await other.getByTestId('open-runbook').first().click();
  await expect(
    other.getByTestId('runbook-report').locator('[data-testid="runbook-step"][data-n="2"]'),
  ).toHaveAttribute('data-status', 'fail');
  await other.getByTestId('details-close').click();
  await label.dispatchEvent('click');
  await other.screenshot({ path: path.join(E2E.screenshots, 'snapshot-evidence.png') });
  await other.getByTestId('details-close').click();
  await expect(other.getByTestId('tab-probe')).toHaveCount(0);

  // Nothing live was touched: no socket.io request, no WebSocket, and the API refuses this context.
  expect(sockets).toEqual([]);
  expect(urls.filter((u) => u.includes('/socket.io'))).toEqual([]);
  expect(urls.filter((u) => new URL(u).pathname.startsWith('/api/'))).toEqual([]);
  const api = await colleague.request.get(`${E2E.baseURL}/api/topology`);
  expect(api.status()).toBe(401);
  const live = await colleague.request.get(`${E2E.baseURL}/`, {
    headers: { accept: 'text/html' },
    maxRedirects: 0,
  });
  expect(live.status()).toBe(302);
  await colleague.close();

  // The offline HTML of the same snapshot, opened from file:// with the network blocked.
  const id = link.split('/').pop() as string;
  const html = await page.request.get(`${E2E.baseURL}/api/snapshots/${id}/export?format=html`, {
    headers: { authorization: `Bearer ${E2E.token}` },
  });
  expect(html.status()).toBe(200);
  const file = path.join(E2E.screenshots, 'snapshot-offline.html');
  writeFileSync(file, await html.body());
  const offline = await browser.newContext({ offline: true, viewport: { width: 1600, height: 1000 } });
  const requested: string[] = [];
  offline.on('request', (r) => requested.push(r.url()));
  const doc = await offline.newPage();
  await doc.goto(`file://${file}`);
  const red = doc.locator('[data-probe="http://gateway-loopback:18789/healthz"][data-verdict="fail"]');
  await expect(red).toContainText('✖ ECONNREFUSED');
  await expect(doc.locator('.card[data-rule="probe-loopback-bind"]').first()).toContainText('gateway.bind');
  await expect(doc.getByText('client cannot reach the gateway').first()).toBeVisible();
  expect(requested).toEqual([`file://${file}`]);
  await doc.screenshot({ path: path.join(E2E.screenshots, 'snapshot-offline.png') });
  await offline.close();
});

/** GET with the path exactly as given (browsers and fetch would normalise "/s/../"). */
function rawGet(p: string): Promise<{ status: number; type: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: E2E.port, path: p }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? '') });
    });
    req.on('error', reject);
  });
}

test('malformed and unknown snapshot links are plain 404s', async () => {
  for (const p of [
    '/s/:id',
    '/s/../',
    '/s/..%2f',
    '/s/%2e%2e/api/topology',
    '/s/',
    '/s',
    '/s/AAAAAAAAAAAAAAAAAAAAAA',
    '/s/AAAAAAAAAAAAAAAAAAAAAAA',
    '/s/AAAAAAAAAAAAAAAAAAAAA',
    '/s/AAAAAAAAAAAAAAAAAAAAAA/snapshot.json',
  ]) {
    const r = await rawGet(p);
    expect(r.status, p).toBe(404);
    expect(r.type, p).toContain('text/plain');
  }
});

test('a deep link restores the filter and the selection, also through sign-in', async ({ page, browser }) => {
  const client = labContainer('client');
  await signIn(page);
  await page.getByTestId('project-filter').selectOption(E2E.labProject);
  await page.locator(`[data-testid="container-node"][data-name="${client.name}"]`).click();
  await expect(page.getByTestId('details-container')).toBeVisible();
  await expect(page).toHaveURL(/project=reachmap-lab/);
  await expect(page).toHaveURL(new RegExp(`sel=container%3A${client.id}`));
  const deep = page.url();

  // A colleague with the token, not signed in yet: the link survives the sign-in.
  const colleague = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const other = await colleague.newPage();
  await other.goto(deep);
  await expect(other).toHaveURL(/\/login\?next=/);
  await other.getByLabel('access token').fill(E2E.token);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await other.waitForURL(deep);
  await expect(other.getByTestId('project-filter')).toHaveValue(E2E.labProject);
  await expect(other.getByTestId('details-container')).toContainText(client.name);
  await expect(other.locator(`[data-testid="container-node"][data-name="${client.name}"]`)).toBeVisible();
  await colleague.close();
});

test('a diff of two lab states shows the changed bind address and flags a two-cell change', async ({
  page,
  request,
  browser,
}) => {
  const name = `reachmap-e2e-diff-${process.pid}`;
  const labNet = docker(
    'inspect',
    '-f',
    '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}',
    labContainer('client').id,
  )
    .trim()
    .split(' ')[0] as string;
  const auth = { authorization: `Bearer ${E2E.token}` };
  const run = (net: string, bind: string) =>
    docker(
      'run',
      '-d',
      '--name',
      name,
      '--network',
      net,
      'reachmap-lab/busybox:local',
      'httpd',
      '-f',
      '-p',
      `${bind}:8080`,
      '-h',
      '/tmp',
    ).trim();
  /** Waits until the live topology shows this container id listening on the bind, then snapshots. */
  const snapshotWhen = async (id: string, bind: string, note: string) => {
    await expect
      .poll(
        async () => {
          const t = (await (await request.get('/api/topology', { headers: auth })).json()).topology;
          const c = t.containers.find((x: { id: string }) => x.id === id);
          const ns = c && t.namespaces.find((n: { id: string }) => n.id === c.netns);
          return (
            ns?.listeners.some(
              (l: { address: string; port: number }) => l.address === bind && l.port === 8080,
            ) ?? false
          );
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    const r = await request.post('/api/snapshots', { headers: auth, data: { note } });
    expect(r.status()).toBe(201);
    return (await r.json()).summary.id as string;
  };
  try {
    const a = await snapshotWhen(
      run(labNet, '127.0.0.1'),
      '127.0.0.1',
      'before: loopback bind on the lab network',
    );
    docker('rm', '-f', name);
    const b = await snapshotWhen(
      run('bridge', '0.0.0.0'),
      '0.0.0.0',
      'after: all interfaces, default bridge',
    );

    await signIn(page);
    await page.goto(`${E2E.baseURL}/diff/${a}/${b}`);
    const panel = page.getByTestId('diff-panel');
    await expect(panel).toBeVisible();
    const listeners = panel
      .locator(`[data-testid="diff-row"][data-field="listeners"]`)
      .filter({ hasText: name });
    await expect(listeners).toContainText('tcp 127.0.0.1:8080');
    await expect(listeners).toContainText('tcp 0.0.0.0:8080');
    await expect(
      panel.locator(`[data-testid="diff-row"][data-field="networks"]`).filter({ hasText: name }),
    ).toContainText('bridge');
    await expect(page.getByTestId('diff-multicell')).toContainText('bind, network-mode');
    await expect(page.locator(`[data-testid="container-node"][data-name="${name}"]`)).toHaveAttribute(
      'data-diff',
      'recreated',
    );
    await page.screenshot({ path: path.join(E2E.screenshots, 'snapshot-diff.png') });

    // Two snapshot ids are two capabilities: the diff opens without the token too; "now" does not.
    const anon = await browser.newContext();
    const anonPage = await anon.newPage();
    await anonPage.goto(`${E2E.baseURL}/diff/${a}/${b}`);
    await expect(anonPage.getByTestId('diff-multicell')).toBeVisible();
    const now = await anon.request.get(`${E2E.baseURL}/diff/${a}/now/diff.json`);
    expect(now.status()).toBe(401);
    await anon.close();
  } finally {
    try {
      docker('rm', '-f', name);
    } catch {
      // already gone
    }
  }
});

test('the Snapshots tab lists, imports a JSON export under a new id, and deletes', async ({ page }) => {
  await signIn(page);
  const auth = { authorization: `Bearer ${E2E.token}` };
  const note = `to be imported ${Date.now()}`;
  const taken = await page.request.post(`${E2E.baseURL}/api/snapshots`, {
    headers: auth,
    data: { note, ttlSeconds: 86400 },
  });
  expect(taken.status()).toBe(201);
  const { summary } = await taken.json();
  expect(summary.expiresAt).not.toBeNull();
  const exported = await page.request.get(`${E2E.baseURL}/api/snapshots/${summary.id}/export?format=json`, {
    headers: auth,
  });
  expect(exported.status()).toBe(200);
  const file = path.join(E2E.screenshots, 'snapshot-export.json');
  writeFileSync(file, await exported.body());

  await page.getByTestId('tab-snapshots').click();
  const items = page.getByTestId('snapshot-item');
  await expect(items.filter({ hasText: note })).toHaveCount(1);
  const before = await items.count();
  await page.getByTestId('snapshot-import').setInputFiles(file);
  await expect(items).toHaveCount(before + 1);
  const imported = items.filter({ hasText: 'import ·' }).filter({ hasText: note });
  await expect(imported).toHaveCount(1);
  page.once('dialog', (d) => void d.accept());
  await imported.first().getByTestId('snapshot-delete').click();
  await expect(items).toHaveCount(before);
  // A file that is not an export is refused with the reason.
  const bad = path.join(E2E.screenshots, 'not-a-snapshot.json');
  writeFileSync(bad, '{"hello": 1}');
  await page.getByTestId('snapshot-import').setInputFiles(bad);
  await expect(page.getByRole('alert').filter({ hasText: 'not a Reachmap' })).toContainText(
    'not a Reachmap snapshot export',
  );
});

import http from 'node:http';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { E2E } from './env';
import { labContainer } from './lab/labInfo';

/** Sharing: a snapshot taken in the dashboard opens from its link without the token, read-only. */

async function signIn(page: Page) {
  await page.goto(`${E2E.baseURL}/login#token=${E2E.token}`);
  await page.waitForURL(`${E2E.baseURL}/`);
}

async function redEdgeThenSnapshot(page: Page, note: string): Promise<string> {
  const client = labContainer('client');
  await signIn(page);
  await page.getByTestId('tab-probe').click();
  await page.getByTestId('probe-from').selectOption(client.name);
  await page.getByTestId('probe-to').fill('http://gateway-loopback:18789/healthz');
  await page.getByTestId('probe-run').click();
  const edge = page.getByTestId(`rf__edge-probe:${client.id}→http://gateway-loopback:18789/healthz`);
  await expect(edge.locator('.react-flow__edge-text', { hasText: '✖ ECONNREFUSED' })).toBeVisible();

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

  await label.click({ force: true });
  const evidence = other.getByTestId('evidence-panel');
  await expect(evidence).toBeVisible();
  await expect(
    other.getByTestId('evidence-initiator').locator('[data-testid="probe-step"][data-kind="tcp"]'),
  ).toHaveAttribute('data-ok', 'false');
  await expect(
    other.getByTestId('evidence-findings').locator('[data-rule="probe-loopback-bind"]'),
  ).toBeVisible();
  // Read-only: nothing here can start a probe or a runbook.
  await expect(other.getByTestId('run-runbook')).toHaveCount(0);
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

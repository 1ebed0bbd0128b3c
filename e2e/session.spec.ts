import { expect, request as playwrightRequest, test } from '@playwright/test';
import { E2E } from './env';

/**
 * Browser sessions end: sign-out revokes the session on the server and closes its sockets,
 * and the cookie alone (which every other service on 127.0.0.1 receives) reaches no data.
 */

test('a stolen cookie alone reads nothing; sign-out ends the session and closes its open sockets', async ({
  page,
  context,
}) => {
  await page.goto(`${E2E.baseURL}/login#token=${E2E.token}`);
  await page.waitForURL(`${E2E.baseURL}/`);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'true');
  // A second tab of the same browser: its socket must close when the session ends.
  const second = await context.newPage();
  await second.goto(`${E2E.baseURL}/`);
  await expect(second.getByTestId('live-status')).toHaveAttribute('data-live', 'true');

  const cookies = await context.cookies(E2E.baseURL);
  const session = cookies.find((c) => c.name === `reachmap_session_${E2E.port}`);
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Strict');
  expect(session?.expires).toBeGreaterThan(Date.now() / 1000);
  const binding = await page.evaluate(() => localStorage.getItem('reachmap.binding'));
  expect(binding).toMatch(/^[\w-]{43}$/);
  const cookie = `${session?.name}=${session?.value}`;

  // What another service on the same host receives: the cookie, not the binding.
  const thief = await playwrightRequest.newContext({ baseURL: E2E.baseURL, extraHTTPHeaders: { cookie } });
  expect((await thief.get('/api/topology')).status()).toBe(401);
  expect((await thief.get('/api/snapshots')).status()).toBe(401);
  const withBinding = { 'x-reachmap-binding': binding as string };
  expect((await thief.get('/api/topology', { headers: withBinding })).status()).toBe(200);

  await page.getByTestId('sign-out').click();
  await page.waitForURL(`${E2E.baseURL}/login`);
  // The open socket of the other tab is closed, and it says so.
  await expect(second.getByTestId('banner-unauthorized')).toBeVisible();
  // Cookie and binding together no longer open anything: not the API, not the page.
  expect((await thief.get('/api/topology', { headers: withBinding })).status()).toBe(401);
  const pageAfter = await thief.get('/', { headers: { accept: 'text/html' }, maxRedirects: 0 });
  expect(pageAfter.status()).toBe(302);
  expect(await page.evaluate(() => localStorage.getItem('reachmap.binding'))).toBeNull();
  await thief.dispose();
});

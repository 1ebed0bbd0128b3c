import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signInLive } from './dashboardPage';
import { E2E } from './env';
import { startIdleProxy } from './lab/idleProxy';
import { labContainer } from './lab/labInfo';

/** The probe form's hold: a quiet WebSocket through an nginx that cuts it after 3 s. */

let idle: Awaited<ReturnType<typeof startIdleProxy>>;
test.beforeAll(async () => {
  idle = await startIdleProxy('3s');
});
test.afterAll(() => idle?.stop());

test('holding a WebSocket open shows who cut it and when, naming the proxy’s timeout', async ({ page }) => {
  await signInLive(page);
  await page.getByTestId('tab-probe').click();
  await page.getByTestId('probe-from').selectOption(labContainer('client').name);
  await page.getByTestId('probe-to').fill(`ws://${idle.proxy}/`);
  await page.getByTestId('probe-hold').fill('8');
  await page.getByTestId('probe-paired').uncheck();
  await page.getByTestId('probe-run').click();
  const label = page.locator('.react-flow__edge-text', { hasText: '✖ close 1006' });
  await expect(label).toBeVisible({ timeout: 20_000 });
  await label.dispatchEvent('click');
  await expect(page.getByTestId('ws-hold').first()).toContainText(
    /held [34]\.\d s of 8 s \(idle\) — cut without a close frame/,
  );
  await expect(page.getByTestId('ws-hold').first()).toContainText('proxy_read_timeout (location /) 3s');
  await expect(page.getByTestId('evidence-findings')).toContainText(
    'cuts WebSocket sessions after 3s (proxy_read_timeout)',
  );
  await page.screenshot({ path: path.join(E2E.screenshots, 'ws-hold.png') });
});

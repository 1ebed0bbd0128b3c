import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signInLive } from './dashboardPage';
import { E2E } from './env';
import { MTU_LAB, startMtuLab, stopMtuLab } from './lab/mtuLab';

/** The probe form's "large payloads": a router between a 1500 and a 1280 network drops ICMP. */

let serverIp = '';
test.beforeAll(async () => {
  ({ serverIp } = await startMtuLab());
});
test.afterAll(() => stopMtuLab());

test('large payloads show where they stall, the MTUs on the path and the network to fix', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signInLive(page);
  await page.getByTestId('tab-probe').click();
  await page.getByTestId('probe-from').selectOption(MTU_LAB.client);
  await page.getByTestId('probe-to').fill(`http://${serverIp}:8080/`);
  await page.getByTestId('probe-large').check();
  await page.getByTestId('probe-paired').uncheck();
  await page.getByTestId('probe-run').click();
  const label = page.locator('.react-flow__edge-text', { hasText: /STALLED at \d+ B/ });
  await expect(label).toBeVisible({ timeout: 60_000 });
  await label.dispatchEvent('click');
  const step = page.getByTestId('payload-step').first();
  await expect(step).toContainText(
    /HTTP requests: 122\d B answered, 12[23]\d B stalled \(≈ path MTU 12[78]\d\)/,
  );
  await expect(step).toContainText(`network ${MTU_LAB.core} (${MTU_LAB.router} → ${MTU_LAB.server}) 1280`);
  await expect(page.getByTestId('evidence-findings')).toContainText(
    `Large requests from ${MTU_LAB.client} stall: network ${MTU_LAB.core} has MTU 1280, the sender 1500`,
  );
  await page.screenshot({ path: path.join(E2E.screenshots, 'large-payload.png') });
});

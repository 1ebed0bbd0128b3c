import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signIn } from './dashboardPage';
import { E2E } from './env';
import { LAB_LOGGED_SECRETS, labContainer } from './lab/labInfo';

test('an operator picks an initiator, probes, sees the red edge and opens its evidence', async ({ page }) => {
  const client = labContainer('client');
  await signIn(page);
  // Choose the initiator from its node.
  await page.locator(`[data-testid="container-node"][data-name="${client.name}"]`).click();
  await page.getByTestId('probe-from-here').click();
  await expect(page.getByTestId('probe-from')).toHaveValue(client.name);
  await page.getByTestId('probe-to').fill('http://gateway-loopback:18789/healthz');
  await page.getByTestId('probe-run').click();

  const result = page.getByTestId('probe-result').filter({ hasText: 'gateway-loopback:18789' });
  await expect(result).toContainText('ECONNREFUSED');
  await expect(result.getByTestId('verdict')).toHaveAttribute('data-verdict', 'fail');

  // The edge on the graph: red, labelled with the decisive error, with a glyph.
  const label = page.locator('.react-flow__edge-text', { hasText: '✖ ECONNREFUSED' });
  await expect(label).toBeVisible();
  await page.screenshot({ path: path.join(E2E.screenshots, 'probe-red-edge.png') });

  // Its evidence: every step, paired with the host's view of the same URL.
  // Dispatched on the label itself: edge labels of earlier probes can overlap it on screen.
  await label.dispatchEvent('click');
  const evidence = page.getByTestId('evidence-panel');
  await expect(evidence).toBeVisible();
  const initiatorSide = page.getByTestId('evidence-initiator');
  await expect(initiatorSide.locator('[data-testid="probe-step"][data-kind="dns"]')).toHaveAttribute(
    'data-ok',
    'true',
  );
  await expect(initiatorSide.locator('[data-testid="probe-step"][data-kind="dns"]')).toContainText(
    '127.0.0.11',
  );
  await expect(initiatorSide.locator('[data-testid="probe-step"][data-kind="tcp"]')).toHaveAttribute(
    'data-ok',
    'false',
  );
  await expect(initiatorSide).toContainText('runner: nsenter');
  await expect(
    page.getByTestId('evidence-host').locator('[data-testid="probe-step"][data-kind="dns"]'),
  ).toHaveAttribute('data-ok', 'false');
  await page.screenshot({ path: path.join(E2E.screenshots, 'probe-evidence.png') });
});

test('a WebSocket through the proxy without Upgrade forwarding is amber with its reason', async ({
  page,
}) => {
  await signIn(page);
  await page.getByTestId('tab-probe').click();
  await page.getByTestId('probe-from').selectOption(labContainer('client').name);
  await page.getByTestId('probe-to').fill('http://proxy-plain/');
  await page.getByTestId('probe-ws').check();
  await page.getByTestId('probe-run').click();
  const result = page.getByTestId('probe-result').filter({ hasText: 'http://proxy-plain/' });
  await expect(result.getByTestId('verdict')).toHaveAttribute('data-verdict', 'partial');
  await expect(result).toContainText('WS 200');
  await expect(page.locator('.react-flow__edge-text', { hasText: '▲ WS 200' })).toBeVisible();
});

test('probe all from one initiator shows progress and colours every path', async ({ page }) => {
  await signIn(page);
  await page.getByTestId('tab-probe').click();
  await page.getByTestId('probe-from').selectOption(labContainer('client').name);
  await page.getByTestId('probe-all').click();
  const progress = page.getByTestId('probe-all-progress').last();
  await expect(progress).toHaveAttribute('data-finished', 'true', { timeout: 30_000 });
  await expect(progress).toContainText(/1 red/);
  await expect(page.locator('.react-flow__edge-text', { hasText: '✔' }).first()).toBeVisible();
  await page.screenshot({ path: path.join(E2E.screenshots, 'probe-all.png') });
});

test('a probe that cannot run says why', async ({ page }) => {
  await signIn(page);
  await page.getByTestId('tab-probe').click();
  await page.getByTestId('probe-to').fill('http://example.com/');
  await page.getByTestId('probe-run').click();
  await expect(page.getByTestId('probe-form-error')).toContainText('not a name in this Docker host');
});

test('the runbook on a red edge shows the finding with its fix', async ({ page }) => {
  await signIn(page);
  await page.getByTestId('tab-probe').click();
  await page.getByTestId('probe-from').selectOption(labContainer('client').name);
  await page.getByTestId('probe-to').fill('http://gateway-loopback:18789/');
  await page.getByTestId('probe-run').click();
  // This path's own edge (the server keeps earlier probes' edges too).
  const edge = page.getByTestId(`rf__edge-probe:${labContainer('client').id}→http://gateway-loopback:18789/`);
  const label = edge.locator('.react-flow__edge-text', { hasText: '✖ ECONNREFUSED' });
  await expect(label).toBeVisible();
  // Dispatched on the label itself: edge labels of earlier probes can overlap it on screen.
  await label.dispatchEvent('click');
  // The evidence already carries the diagnosis…
  await expect(
    page.getByTestId('evidence-findings').locator('[data-rule="probe-loopback-bind"]'),
  ).toBeVisible();
  // …and the runbook walks the six steps.
  await page.getByTestId('run-runbook').click();
  const report = page.getByTestId('runbook-report');
  await expect(report).toBeVisible({ timeout: 30_000 });
  await expect(report.locator('[data-testid="runbook-step"][data-n="2"]')).toHaveAttribute(
    'data-status',
    'fail',
  );
  await expect(report.locator('[data-testid="runbook-step"][data-n="4"]')).toHaveAttribute(
    'data-status',
    'skipped',
  );
  const finding = report.locator('[data-testid="finding"][data-rule="probe-loopback-bind"]');
  await expect(finding.getByTestId('finding-fix')).toContainText('gateway.bind: "lan"');
  await expect(report.getByTestId('connection-table')).toContainText('ECONNREFUSED');
  await page.screenshot({ path: path.join(E2E.screenshots, 'runbook.png') });
});

test('a red edge’s evidence lines up the probe’s steps with the marked log lines of every hop; secrets stay out', async ({
  page,
}) => {
  await signIn(page);
  await page.getByTestId('tab-probe').click();
  await page.getByTestId('probe-from').selectOption(labContainer('client').name);
  await page.getByTestId('probe-to').fill('ws://proxy-plain/');
  await page.getByTestId('probe-run').click();
  const edge = page.getByTestId(`rf__edge-probe:${labContainer('client').id}→ws://proxy-plain/`);
  const label = edge.locator('.react-flow__edge-text', { hasText: '✖ WS 200' });
  await expect(label).toBeVisible();
  // Dispatched on the label itself: edge labels of earlier probes can overlap it on screen.
  await label.dispatchEvent('click');
  const tl = page.getByTestId('evidence-initiator').getByTestId('timeline');
  await expect(tl).toBeVisible();
  await expect(tl.locator('[data-testid="log-source"][data-role="proxy"]')).toContainText(
    labContainer('proxy-plain').name,
  );
  await expect(tl.locator('[data-testid="log-source"][data-role="upstream"]')).toContainText(
    labContainer('gateway').name,
  );
  await expect(tl.locator('[data-testid="timeline-log"][data-match="marker"]').first()).toBeVisible();
  await expect(tl.getByTestId('hops')).toContainText('reverse-proxy');
  await page.screenshot({ path: path.join(E2E.screenshots, 'timeline.png') });

  // A service that logs secrets while answering: the page never shows them.
  await page.getByRole('button', { name: '← back' }).click();
  await page.getByTestId('probe-to').fill('http://gateway:18789/debug');
  await page.getByTestId('probe-run').click();
  await expect(page.getByTestId('probe-result').filter({ hasText: '/debug' })).toBeVisible();
  const html = await page.content();
  for (const s of LAB_LOGGED_SECRETS) expect(html).not.toContain(s);
});

import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { containerNode, signInLive as signIn } from './dashboardPage';
import { E2E } from './env';
import { nodeTextOnScreen, onScreen, viewportZoom } from './graphView';
import { docker, labContainer } from './lab/labInfo';

/** Reading the live graph as an operator does: first view, search, filter, keyboard. */

async function expectReadable(page: Page) {
  // The view settles after the first topology (fit on the next frame).
  await page.waitForTimeout(300);
  const text = await nodeTextOnScreen(page);
  expect(text.runs).toBeGreaterThan(0);
  expect(text.minPx, `smallest text on screen: ${text.smallest.join(', ')}`).toBeGreaterThanOrEqual(9);
}

test('the first view of the lab is readable, and search jumps to a container and opens it', async ({
  page,
}) => {
  const client = labContainer('client');
  await signIn(page);
  await expect(containerNode(page, client.name)).toBeVisible();
  await expectReadable(page);

  await page.getByTestId('search').fill('client');
  const hit = page.locator(`[data-testid="search-hit"][data-name="${client.name}"]`);
  await expect(hit).toBeVisible();
  await hit.click();
  await expect(page.getByTestId('details-container')).toContainText(client.id);
  // The node is on screen, drawn in detail, at a readable zoom.
  await expect.poll(() => viewportZoom(page)).toBeGreaterThanOrEqual(0.9);
  await expect
    .poll(() => onScreen(page, `[data-testid="container-node"][data-name="${client.name}"]`))
    .toBe(true);
  await expect(containerNode(page, client.name).getByTestId('container-state')).toHaveText('running');
  await expectReadable(page);

  // Search by address: the client's IP on the lab's network finds it too.
  const ip = docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', client.id)
    .split(' ')
    .filter(Boolean)[0] as string;
  await page.getByTestId('search').fill(ip);
  await expect(page.locator(`[data-testid="search-hit"][data-name="${client.name}"]`)).toBeVisible();
});

test('keyboard: Enter on a focused node opens its details, Escape closes them', async ({ page }) => {
  const gw = labContainer('gateway');
  await signIn(page);
  const node = page.locator(`.react-flow__node:has([data-testid="container-node"][data-name="${gw.name}"])`);
  await node.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('details-container')).toContainText(gw.id);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('details-container')).toHaveCount(0);
  await expect(page.getByTestId('findings-list')).toBeVisible();
});

test('three stacks, 35 containers: stacks start as readable groups; the filter opens and fits one', async ({
  page,
}) => {
  const stamp = Date.now().toString(36);
  const ids: string[] = [];
  const stacks = ['shop', 'wiki', 'metrics'].map((s) => `e2e-${s}-${stamp}`);
  const run = (project: string, i: number) =>
    docker(
      'run',
      '-d',
      '--label',
      `com.docker.compose.project=${project}`,
      '--label',
      `com.docker.compose.service=svc${i}`,
      '--name',
      `${project}-svc${i}-1`,
      'reachmap-lab/busybox:local',
      'sleep',
      '600',
    );
  try {
    // 26 containers beside the lab's 9, created a few at a time.
    const jobs = stacks.flatMap((p, s) =>
      Array.from({ length: s === 0 ? 10 : 8 }, (_, i) => [p, i] as const),
    );
    for (let i = 0; i < jobs.length; i += 6)
      ids.push(...(await Promise.all(jobs.slice(i, i + 6).map(async ([p, n]) => run(p, n)))));
    await signIn(page);
    const card = (p: string) => page.locator(`[data-testid="group-node"][data-group="p:${p}"]`);
    await expect(card(stacks[0] as string)).toBeVisible({ timeout: 20_000 });
    await expect(card(stacks[0] as string)).toHaveAttribute('data-expanded', 'false');
    await expect(card(stacks[0] as string)).toContainText('10 containers');
    await expectReadable(page);
    await page.screenshot({ path: path.join(E2E.screenshots, 'host-35-first-view.png') });

    // A click opens the group and brings it into view.
    await card(stacks[1] as string).click();
    await expect(card(stacks[1] as string)).toHaveAttribute('data-expanded', 'true');
    await expect(containerNode(page, `${stacks[1]}-svc3-1`)).toBeVisible();
    await expectReadable(page);

    // The filter shows one stack, fitted, and the findings follow it.
    await page.getByTestId('project-filter').selectOption(stacks[2] as string);
    await expect(containerNode(page, `${stacks[2]}-svc0-1`)).toBeVisible();
    await expect(containerNode(page, labContainer('gateway').name)).toHaveCount(0);
    await expect
      .poll(() => onScreen(page, `[data-testid="group-node"][data-group="p:${stacks[2]}"]`))
      .toBe(true);
    await expectReadable(page);
    await expect(page.locator('[data-testid="finding"][data-rule="loopback-only-listener"]')).toHaveCount(0);
    await page.getByTestId('project-filter').selectOption('reachmap-lab');
    await expect(
      page.locator('[data-testid="finding"][data-rule="loopback-only-listener"]').first(),
    ).toBeVisible();
    await page.screenshot({ path: path.join(E2E.screenshots, 'host-35-filtered.png') });
  } finally {
    if (ids.length) docker('rm', '-f', ...ids);
  }
});

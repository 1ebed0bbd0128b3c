import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { REPLAY_PROBES_OFF } from '../lib/live/replaySource';
import { Topology } from '../lib/model/topology';
import { syntheticTopology } from '../test/synthetic';
import { containerNode } from './dashboardPage';
import { E2E } from './env';
import { nodeTextOnScreen } from './graphView';

/**
 * A 500-container host, replayed from a file (--replay) rather than created on the engine:
 * the first view is a screenful of readable group cards, a group opens readably, search
 * reaches into a closed group, and probes say why they cannot run.
 */

const PORT = 7402;
const BASE = `http://127.0.0.1:${PORT}`;
const TOKEN = `${E2E.token}-replay`;

let tmp: string;
let file: string;
let topology: Topology;

test.beforeAll(() => {
  mkdirSync(E2E.screenshots, { recursive: true });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'reachmap-e2e-replay-'));
  file = path.join(tmp, 'host500.json');
  // What scripts/synthetic-topology.ts writes, and what `reachmap scan --json` prints.
  topology = Topology.parse(syntheticTopology({ containers: 500 }));
  writeFileSync(file, JSON.stringify(topology));
});
test.afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The server as operators start it, with its stderr kept for a failure message. */
function startServer(): { child: ChildProcess; stderr: () => string } {
  let err = '';
  const child = spawn(
    process.execPath,
    ['dist/server.js', '--replay', file, '--port', String(PORT), '--data-dir', path.join(tmp, 'data')],
    {
      env: { ...process.env, NODE_ENV: 'production', REACHMAP_TOKEN: TOKEN, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  return { child, stderr: () => err };
}

async function expectReadable(page: Page) {
  // The view settles after a fit (on the next frame, then animated).
  await page.waitForTimeout(500);
  const text = await nodeTextOnScreen(page);
  expect(text.runs).toBeGreaterThan(0);
  expect(text.minPx, `smallest text on screen: ${text.smallest.join(', ')}`).toBeGreaterThanOrEqual(9);
}

const card = (page: Page, project: string) =>
  page.locator(`[data-testid="group-node"][data-group="p:${project}"]`);

test('500 containers replayed: readable groups, one opens, search reaches into another, probes are refused', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const server = startServer();
  try {
    await expect
      .poll(async () => (await fetch(`${BASE}/login`).catch(() => null))?.status ?? 0, {
        timeout: 30_000,
        message: `the replay server did not start: ${server.stderr()}`,
      })
      .toBe(200);
    await page.goto(`${BASE}/login#token=${TOKEN}`);
    await page.waitForURL(`${BASE}/`);
    await expect(page.getByTestId('live-status')).toHaveText('replay');
    await expect(page.getByTestId('banner-replay')).toContainText('probes are off');
    await expect(page.getByTestId('host-summary')).toContainText(`${topology.containers.length} containers`);

    // First view: closed group cards, few enough nodes to read.
    await expect(page.locator('[data-testid="group-node"][data-expanded="false"]').first()).toBeVisible();
    const nodes = await page.locator('.react-flow__node').count();
    expect(nodes, 'React Flow nodes in the first view').toBeLessThanOrEqual(80);
    await expectReadable(page);
    await page.screenshot({ path: path.join(E2E.screenshots, 'host-500-first-view.png') });

    // A click opens one stack: its containers are drawn, readably.
    await card(page, 'stack03').click();
    await expect(card(page, 'stack03')).toHaveAttribute('data-expanded', 'true');
    const opened = page.locator('[data-testid="container-node"][data-name^="stack03-"]');
    await expect(opened.first()).toBeVisible();
    expect(await opened.count()).toBeGreaterThan(1);
    await expectReadable(page);
    await page.screenshot({ path: path.join(E2E.screenshots, 'host-500-group-open.png') });

    // Search for a container of a stack still closed: Enter opens its group and its details.
    const wanted = topology.containers.find((c) => c.name.startsWith('stack17-') && c.state === 'running');
    if (!wanted) throw new Error('the synthetic host has no running container in stack17');
    await expect(card(page, 'stack17')).toHaveAttribute('data-expanded', 'false');
    await page.getByTestId('search').fill(wanted.name);
    await page.getByTestId('search').press('Enter');
    await expect(card(page, 'stack17')).toHaveAttribute('data-expanded', 'true');
    await expect(containerNode(page, wanted.name)).toBeVisible();
    const details = page.getByTestId('details-container');
    await expect(details).toContainText(wanted.name);
    await expect(details).toContainText(wanted.id);

    // Probing needs a live engine: the form says so, for one probe and for probe-all.
    await page.getByTestId('probe-from-here').click();
    await expect(page.getByTestId('probe-from')).toHaveValue(wanted.name);
    await page.getByTestId('probe-to').fill('http://stack17-svc0-1:8080/');
    await page.getByTestId('probe-run').click();
    await expect(page.getByTestId('probe-form-error')).toHaveText(REPLAY_PROBES_OFF);
    // A fresh panel (its error is local state), so the next message is probe-all's own.
    await page.getByTestId('tab-findings').click();
    await page.getByTestId('tab-probe').click();
    await expect(page.getByTestId('probe-form-error')).toHaveCount(0);
    await page.getByTestId('probe-all').click();
    await expect(page.getByTestId('probe-form-error')).toHaveText(REPLAY_PROBES_OFF);
    await expect(page.getByTestId('probe-all-progress')).toHaveCount(0);
  } finally {
    server.child.kill('SIGTERM');
  }
});

test('a replay file that cannot be read stops start-up with one line naming the setting', () => {
  const bad = path.join(tmp, 'bad.json');
  writeFileSync(bad, '{"scannedAt": ');
  for (const [replay, why] of [
    [path.join(tmp, 'missing.json'), 'cannot read the file (ENOENT'],
    [bad, 'not JSON ('],
  ] as const) {
    const r = spawnSync(
      process.execPath,
      ['dist/server.js', '--replay', replay, '--port', String(PORT), '--data-dir', path.join(tmp, 'data')],
      {
        env: { ...process.env, NODE_ENV: 'production', REACHMAP_TOKEN: TOKEN },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(r.status, r.stderr).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('reachmap: invalid setting REACHMAP_REPLAY / --replay: ');
    expect(lines[0]).toContain(why);
    expect(lines[0]).toContain(JSON.stringify(replay));
  }
});

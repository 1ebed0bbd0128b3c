import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import { Topology } from '../lib/model/topology';
import { agentsOf, alive, rssMb, serverPid } from '../test/processes';
import { signInLive } from './dashboardPage';
import { E2E } from './env';
import { docker, LAB_HTTPD } from './lab/labInfo';

/**
 * 100 containers created and removed while the page is open and probes run from and to
 * them (their namespaces vanish mid-probe): no crash, every probe ends in a verdict or a
 * clear error, nothing of them is left in the graph, and no probe agent outlives its
 * namespace.
 */

const run = promisify(execFile);
const COUNT = 100;
const PARALLEL = 6;
const LIVE_AT_ONCE = 30;
const NET = 'reachmap-churn';
const LABEL = 'reachmap.test=churn';
const name = (i: number) => `churn-${String(i).padStart(3, '0')}`;

function cleanup() {
  const ids = docker('ps', '-aq', '--filter', `label=${LABEL}`).split('\n').filter(Boolean);
  if (ids.length > 0) docker('rm', '-f', ...ids);
  try {
    docker('network', 'rm', NET);
  } catch {
    // not there
  }
}
test.beforeAll(cleanup);
test.afterAll(cleanup);

async function topology(): Promise<Topology> {
  const r = await fetch(`${E2E.baseURL}/api/topology`, { headers: { authorization: `Bearer ${E2E.token}` } });
  return Topology.parse(((await r.json()) as { topology: unknown }).topology);
}

/** Runs `work` over `items`, `parallel` at a time. */
async function pool<T>(items: T[], parallel: number, work: (t: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) await work(t);
    }),
  );
}

test('100 containers come and go under the page and running probes: nothing breaks, nothing is left', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const pid = serverPid(E2E.port);
  expect(pid, 'the dashboard Playwright started').not.toBeNull();
  await signInLive(page, E2E.baseURL, E2E.token);
  const summary = page.getByTestId('host-summary');
  const before = await topology();
  const agentsBefore = agentsOf(pid as number).length;
  docker('network', 'create', '--label', LABEL, NET);

  const socket: Socket = io(E2E.baseURL, {
    path: '/socket.io',
    transports: ['websocket'],
    extraHeaders: { authorization: `Bearer ${E2E.token}` },
  });
  const settled = new Map<string, string>();
  socket.on('probe:done', (m: { pairId: string; initiator: { verdict: string } }) =>
    settled.set(m.pairId, m.initiator.verdict),
  );
  socket.on('probe:failed', (m: { pairId: string; error: string }) =>
    settled.set(m.pairId, `error: ${m.error}`),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('topology', () => resolve());
    socket.once('connect_error', reject);
  });

  const up = new Set<string>();
  const accepted: string[] = [];
  const refused: string[] = [];
  let churning = true;
  // Probes from one churning container to another, and from the host to one, while both
  // may vanish: a refusal must be a clear sentence, an accepted probe must end.
  const prober = (async () => {
    for (let n = 0; churning && n < 400; n++) {
      const live = [...up];
      if (live.length >= 2) {
        const a = live[n % live.length] as string;
        const b = live[(n * 7 + 3) % live.length] as string;
        const spec = n % 2 ? { from: a, to: `http://${b}:8080/` } : { from: 'host', to: `${b}:8080` };
        const ack = await new Promise<{ ok: boolean; id?: string; error?: string }>((resolve) =>
          socket.emit('probe:run', { spec: { ...spec, timeoutMs: 2000 }, paired: false }, resolve),
        );
        if (ack.ok && ack.id) accepted.push(ack.id);
        else refused.push(ack.error ?? '(no error text)');
      }
      await new Promise((r) => setTimeout(r, 600));
    }
  })();

  // Create them all, removing the oldest so that about LIVE_AT_ONCE exist at a time.
  const t0 = Date.now();
  const order = Array.from({ length: COUNT }, (_, i) => i);
  await pool(order, PARALLEL, async (i) => {
    await run('docker', [
      'run',
      '-d',
      '--name',
      name(i),
      '--label',
      LABEL,
      '--network',
      NET,
      '--stop-timeout',
      '1',
      ...LAB_HTTPD,
    ]);
    up.add(name(i));
    if (i >= LIVE_AT_ONCE) {
      up.delete(name(i - LIVE_AT_ONCE));
      await run('docker', ['rm', '-f', name(i - LIVE_AT_ONCE)]);
    }
  });
  const rest = [...up];
  up.clear();
  await pool(rest, PARALLEL, (n) => run('docker', ['rm', '-f', n]));
  churning = false;
  await prober;
  docker('network', 'rm', NET);
  const churnMs = Date.now() - t0;

  // Every accepted probe ended (a verdict, or a failure that says why); none hangs.
  await expect.poll(() => accepted.filter((id) => !settled.has(id)).length, { timeout: 30_000 }).toBe(0);
  for (const e of refused) expect(e).toMatch(/\w+ \w+/);
  for (const [id, v] of settled)
    if (accepted.includes(id) && v.startsWith('error: ')) expect(v.length, v).toBeGreaterThan(12);
  expect(accepted.length).toBeGreaterThan(10);

  // Nothing of them is left: not in the topology, not on the page.
  await expect
    .poll(
      async () => {
        const t = await topology();
        return (
          t.containers.filter((c) => c.name.startsWith('churn-')).length +
          t.namespaces.filter((ns) => ns.containers.some((c) => c.startsWith('churn-'))).length +
          t.networks.filter((n) => n.name === NET).length
        );
      },
      { timeout: 20_000 },
    )
    .toBe(0);
  expect((await topology()).containers.length).toBe(before.containers.length);
  await expect(summary).toContainText(`${before.containers.length} containers`);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-live', 'true');
  expect(alive(pid as number)).toBe(true);
  // Agents of removed containers are let go at once; at most the host's own is new.
  await expect
    .poll(() => agentsOf(pid as number).length, { timeout: 10_000 })
    .toBeLessThanOrEqual(agentsBefore + 1);
  expect(docker('ps', '-aq', '--filter', 'label=io.reachmap.helper')).toBe('');
  socket.disconnect();
  const verdicts = [...settled.entries()].filter(([id]) => accepted.includes(id)).map(([, v]) => v);
  const count = (p: (v: string) => boolean) => verdicts.filter(p).length;
  console.log(
    `churn: ${COUNT} containers created and removed in ${churnMs} ms; probes accepted ${accepted.length} (pass ${count((v) => v === 'pass')}, fail ${count((v) => v === 'fail')}, error ${count((v) => v.startsWith('error'))}), refused ${refused.length}; server RSS ${rssMb(pid as number)} MB`,
  );
});

// The live path, measured against whatever runs on the engine now (bench/run.ts brings a fleet):
// a Reachmap server started from dist/, a socket.io client and Chromium.
//   - one-container change: `docker stop` → the server's next topology version (seen by a client)
//   - event → browser: `docker stop`/`start` → the node's new state in the page (p50/p95)
//   - first node and settled graph in Chromium; frame gaps during wheel zooms and a pan
//   - bytes sent to a browser per minute, idle and during churn; server RSS; browser heap
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { io } from 'socket.io-client';
import { CHROMIUM_LAUNCH } from '../e2e/env';

const ROOT = path.resolve(import.meta.dirname, '..');
const TOKEN = 'bench-token-0123456789abcdefghijklmnopqrstuv';

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

export interface Server {
  url: string;
  proc: ChildProcess;
  stop: () => Promise<void>;
  rssMb: () => number;
}

export async function startServer(port: number, extraArgs: string[] = [], env: Record<string, string> = {}) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-bench-'));
  const proc = spawn(
    process.execPath,
    ['dist/server.js', '--port', String(port), '--data-dir', dataDir, ...extraArgs],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, NODE_ENV: 'production', REACHMAP_TOKEN: TOKEN },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 120; i++) {
    const ok = await fetch(`${url}/login`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    proc,
    rssMb: () => {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : Number.NaN;
    },
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  } satisfies Server;
}

/** A socket.io client that counts what the server sends it and when each topology change arrives. */
export async function listen(url: string) {
  const signIn = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ token: TOKEN }),
  });
  const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? '';
  const { binding } = (await signIn.json()) as { binding: string };
  const socket = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    extraHeaders: { cookie, origin: url },
    auth: { binding },
  });
  let bytes = 0;
  const arrivals: Array<{ at: number; kind: string; containers: string[]; states: Record<string, string> }> =
    [];
  socket.onAny((event: string, payload: unknown) => {
    bytes += Buffer.byteLength(JSON.stringify(payload ?? null));
    if (event === 'topology:change' || event === 'topology') {
      const p = payload as { upsert?: { containers?: Array<{ id: string; state: string }> } };
      const upserted = p.upsert?.containers ?? [];
      arrivals.push({
        at: Date.now(),
        kind: event,
        containers: upserted.map((c) => c.id),
        states: Object.fromEntries(upserted.map((c) => [c.id, c.state])),
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('topology', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    bytes: () => bytes,
    arrivals,
    close: () => socket.close(),
  };
}

async function openDashboard(page: Page, url: string) {
  await page.goto(`${url}/login#token=${TOKEN}`);
  await page.waitForURL(`${url}/`);
}

/** First node and settled graph (no node added, removed or resized for 500 ms), from navigation. */
export async function firstView(page: Page, url: string) {
  await page.addInitScript(() => {
    const w = window as unknown as { __firstNode?: number; __lastChange?: number };
    new MutationObserver(() => {
      const n = document.querySelectorAll('.react-flow__node').length;
      if (n > 0 && w.__firstNode === undefined) w.__firstNode = performance.now();
      if (n > 0) w.__lastChange = performance.now();
    }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['style'] });
  });
  await openDashboard(page, url);
  await page.waitForSelector('.react-flow__node', { timeout: 60_000 });
  for (let i = 0; i < 120; i++) {
    const quiet = await page.evaluate(
      () => performance.now() - ((window as unknown as { __lastChange?: number }).__lastChange ?? 0),
    );
    if (quiet > 500) break;
    await page.waitForTimeout(100);
  }
  // Times are from the navigation to /; the sign-in redirect before it is not the graph's cost.
  return page.evaluate(() => {
    const w = window as unknown as { __firstNode: number; __lastChange: number };
    const mark = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? null;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return {
      domContentLoadedMs: nav?.domContentLoadedEventEnd ?? null,
      loadMs: nav?.loadEventEnd ?? null,
      connectingMs: mark('reachmap:connecting'),
      connectedMs: mark('reachmap:connected'),
      topologyArrivedMs: mark('reachmap:topology-arrived'),
      topologyParsedMs: mark('reachmap:topology'),
      firstNodeMs: w.__firstNode,
      settledMs: w.__lastChange,
      nodes: document.querySelectorAll('.react-flow__node').length,
      domElements: document.getElementsByTagName('*').length,
    };
  });
}

/** Gaps between animation frames while 20 wheel zooms and a pan run. */
export async function frameGaps(page: Page) {
  const pane = await page.locator('.react-flow__pane').boundingBox();
  if (!pane) throw new Error('no graph pane');
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__frames = [];
    w.__stop = false;
    const tick = (t: number) => {
      w.__frames.push(t);
      if (!w.__stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const cx = pane.x + pane.width / 2;
  const cy = pane.y + pane.height / 2;
  await page.mouse.move(cx, cy);
  for (let i = 0; i < 20; i++) {
    await page.mouse.wheel(0, i < 10 ? -120 : 120);
    await page.waitForTimeout(40);
  }
  await page.mouse.down();
  for (let i = 0; i < 20; i++) await page.mouse.move(cx - i * 15, cy - i * 8);
  await page.mouse.up();
  await page.waitForTimeout(200);
  const frames = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __stop: boolean };
    w.__stop = true;
    return w.__frames;
  });
  const gaps = frames.slice(1).map((t, i) => t - (frames[i] as number));
  return { frames: frames.length, p95: pct(gaps, 95), max: Math.max(...gaps) };
}

export async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return usedSize / 1024 / 1024;
}

/** A 1600×1000 page. tsx keeps function names with a __name helper that page scripts lack. */
export async function newPage(b: Awaited<ReturnType<typeof launch>>): Promise<Page> {
  const page = await b.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.addInitScript('globalThis.__name = (f) => f;');
  return page;
}

export async function launch() {
  return chromium.launch(CHROMIUM_LAUNCH);
}

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

/**
 * Event → browser: stop or start one container and time until its node's data-state changes in
 * the page (the page's own clock, aligned to wall time), and until the server's change reaches
 * a socket client. The container is revealed first (its group opened) so its node is drawn.
 */
export async function eventToBrowser(
  page: Page,
  listener: Awaited<ReturnType<typeof listen>>,
  ids: string[],
  n = 10,
) {
  const browser: number[] = [];
  const browserAfterCli: number[] = [];
  const inPage: number[] = [];
  const server: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = ids[i % ids.length] as string;
    const name = docker('inspect', '-f', '{{.Name}}', id).slice(1);
    await page.getByTestId('search').fill(name);
    await page.getByTestId('search').press('Enter');
    const node = page.locator(`[data-testid="container-node"][data-name="${name}"]`);
    await node.waitFor({ timeout: 10_000 });
    const before = await node.getAttribute('data-state');
    const want = before === 'running' ? 'exited' : 'running';
    await page.evaluate(
      ({ sel, want }) => {
        const w = window as unknown as { __changedAt?: number };
        w.__changedAt = undefined;
        const el = document.querySelector(sel);
        const mo = new MutationObserver(() => {
          const cur = document.querySelector(sel);
          if (cur?.getAttribute('data-state') === want) {
            w.__changedAt = performance.timeOrigin + performance.now();
            mo.disconnect();
          }
        });
        mo.observe(el?.closest('.react-flow__nodes') ?? document.body, {
          subtree: true,
          attributes: true,
          childList: true,
        });
      },
      { sel: `[data-testid="container-node"][data-name="${name}"]`, want },
    );
    const seen = listener.arrivals.length;
    const t0 = Date.now();
    docker(want === 'exited' ? 'stop' : 'start', ...(want === 'exited' ? ['-t', '0'] : []), id);
    // The engine has done the work (and sent its event) by the time the CLI returns.
    const t1 = Date.now();
    await node.and(page.locator(`[data-state="${want}"]`)).waitFor({ timeout: 15_000 });
    const { at, arrived } = await page.evaluate(() => {
      const mark = performance.getEntriesByName('reachmap:change-arrived')[0];
      return {
        at: (window as unknown as { __changedAt?: number }).__changedAt,
        arrived: mark ? performance.timeOrigin + mark.startTime : undefined,
      };
    });
    if (at) {
      browser.push(at - t0);
      browserAfterCli.push(at - t1);
      // The last change to arrive before the node changed: the page's own share of the time.
      if (arrived && arrived <= at) inPage.push(at - arrived);
    }
    // The change that carries the new state (an earlier one may name the container too).
    const arrival = listener.arrivals
      .slice(seen)
      .find((a) => Object.entries(a.states).some(([c, state]) => c.startsWith(id) && state === want));
    if (arrival) server.push(arrival.at - t1);
    await page.waitForTimeout(300);
  }
  return {
    browserP50: pct(browser, 50),
    browserP95: pct(browser, 95),
    afterCliP50: pct(browserAfterCli, 50),
    afterCliP95: pct(browserAfterCli, 95),
    inPageP50: pct(inPage, 50),
    inPageP95: pct(inPage, 95),
    serverP50: pct(server, 50),
    serverP95: pct(server, 95),
    samples: browser.length,
  };
}

/** Bytes a connected browser receives per minute: idle, then while containers stop and start. */
export async function bytesPerMinute(
  listener: Awaited<ReturnType<typeof listen>>,
  ids: string[],
  seconds: number,
  idleSeconds = seconds,
) {
  const b0 = listener.bytes();
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  const idle = ((listener.bytes() - b0) * 60) / idleSeconds;
  const b1 = listener.bytes();
  const t0 = Date.now();
  for (let i = 0; Date.now() - t0 < seconds * 1000; i++) {
    const id = ids[i % ids.length] as string;
    docker(i % 2 === 0 ? 'stop' : 'start', ...(i % 2 === 0 ? ['-t', '0'] : []), id);
    await new Promise((r) => setTimeout(r, 2000));
  }
  const churn = ((listener.bytes() - b1) * 60) / ((Date.now() - t0) / 1000);
  return { idleBytesPerMin: idle, churnBytesPerMin: churn };
}

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { containerNode, signInLive } from './dashboardPage';
import { E2E } from './env';
import { labContainer } from './lab/labInfo';

/**
 * Behind a reverse proxy under a path prefix, as operators deploy it: a build made with
 * REACHMAP_BASE_PATH=/reachmap (beside the main one), nginx in front passing /reachmap/ and
 * WebSocket upgrades through, and a browser that signs in there and gets the live graph.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = '.next-basepath';
const PREFIX = '/reachmap';
const PORT = 7405;
const PROXY_PORT = 7406;
const TOKEN = `${E2E.token}-basepath`;
const PROXIED = `http://127.0.0.1:${PROXY_PORT}${PREFIX}`;

let tmp = '';
let server: ChildProcess | null = null;
let nginx: ChildProcess | null = null;

function startServer(basePath: string): { child: ChildProcess; stderr: () => string } {
  let err = '';
  const child = spawn(
    process.execPath,
    ['dist/server.js', '--port', String(PORT), '--data-dir', path.join(tmp, 'data')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        REACHMAP_TOKEN: TOKEN,
        REACHMAP_BASE_PATH: basePath,
        REACHMAP_NEXT_DIST: DIST,
        NEXT_TELEMETRY_DISABLED: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  return { child, stderr: () => err };
}

async function until(what: string, fn: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test.beforeAll(async () => {
  test.setTimeout(900_000);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'reachmap-e2e-basepath-'));
  // `next build` rewrites tsconfig.json and next-env.d.ts for its distDir: put them back.
  const kept = ['tsconfig.json', 'next-env.d.ts'].map((f) => {
    const file = path.join(ROOT, f);
    try {
      return { file, text: readFileSync(file, 'utf8') };
    } catch {
      return { file, text: null };
    }
  });
  const build = spawnSync('npx', ['next', 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 840_000,
    env: {
      ...process.env,
      REACHMAP_BASE_PATH: PREFIX,
      REACHMAP_NEXT_DIST: DIST,
      NEXT_TELEMETRY_DISABLED: '1',
    },
  });
  for (const k of kept) if (k.text !== null) writeFileSync(k.file, k.text);
  expect(build.status, `${build.stdout}\n${build.stderr}`.slice(-3000)).toBe(0);

  server = startServer(PREFIX).child;
  mkdirSync(path.join(tmp, 'nginx'), { recursive: true });
  writeFileSync(
    path.join(tmp, 'nginx', 'nginx.conf'),
    `pid ${tmp}/nginx/nginx.pid;
error_log ${tmp}/nginx/error.log;
events {}
http {
  access_log off;
  client_body_temp_path ${tmp}/nginx/body;
  proxy_temp_path ${tmp}/nginx/proxy;
  server {
    listen 127.0.0.1:${PROXY_PORT};
    location ${PREFIX}/ {
      proxy_pass http://127.0.0.1:${PORT};
      proxy_http_version 1.1;
      proxy_set_header Host $http_host; # with the port: the Origin check compares both
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`,
  );
  nginx = spawn(
    'nginx',
    ['-p', path.join(tmp, 'nginx'), '-c', path.join(tmp, 'nginx', 'nginx.conf'), '-g', 'daemon off;'],
    {
      stdio: 'ignore',
    },
  );
  await until('the dashboard through the proxy', async () => (await fetch(`${PROXIED}/healthz`)).ok);
});

test.afterAll(() => {
  server?.kill();
  nginx?.kill();
  rmSync(path.join(ROOT, DIST), { recursive: true, force: true });
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('under a path prefix behind nginx: sign-in, the live graph and its socket, links that keep the prefix', async ({
  page,
}) => {
  // Outside the prefix, the server points at it rather than serving half a page.
  const root = await fetch(`http://127.0.0.1:${PORT}/`, { redirect: 'manual' });
  expect(root.status).toBe(302);
  expect(root.headers.get('location')).toBe(`${PREFIX}/`);
  // Without a session, a page sends the browser to the prefixed sign-in.
  const anon = await fetch(`${PROXIED}/`, { redirect: 'manual', headers: { accept: 'text/html' } });
  expect(anon.status).toBe(302);
  expect(anon.headers.get('location')).toBe(`${PREFIX}/login`);

  await signInLive(page, PROXIED, TOKEN);
  await expect(containerNode(page, labContainer('gateway-loopback').name)).toBeVisible();
  // A snapshot link keeps the prefix, and opens without a session.
  const taken = await fetch(`${PROXIED}/api/snapshots`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ note: 'base path', view: { project: null, selection: null } }),
  });
  expect(taken.status, await taken.clone().text()).toBe(201);
  const { link } = (await taken.json()) as { link: string };
  expect(link.startsWith(`http://127.0.0.1:${PORT}${PREFIX}/s/`), link).toBe(true);
  expect((await fetch(link.replace(`:${PORT}`, `:${PROXY_PORT}`))).status).toBe(200);
  await page.screenshot({ path: path.join(E2E.screenshots, 'base-path.png') });
});

test('a build made for another prefix refuses to start, naming the setting', async () => {
  const other = startServer('/elsewhere');
  const code = await new Promise<number | null>((resolve) => other.child.on('exit', resolve));
  expect(code).not.toBe(0);
  expect(other.stderr()).toMatch(/REACHMAP_BASE_PATH.*this build serves under \/reachmap/);
});

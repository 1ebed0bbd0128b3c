import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProxyRoutes } from '@/lib/proxy/configReader';
import { scanOnce } from '@/lib/scanner';
import { docker, LAB_PROJECT, waitRunning } from '../../e2e/lab/labInfo';
import { realClient } from './client';

/**
 * A real Caddy (the machine's binary in a lab image) in front of the lab's gateway: its
 * Caddyfile is read from inside the container as the proxy quadruple, the watch follows it
 * to its upstream, and a WebSocket through it gets the upgrade Caddy forwards by itself.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const NAME = 'reachmap-test-caddy';
const JSON_NAME = 'reachmap-test-caddy-json';
/** The same routes in Caddy's native JSON, as `caddy run --config caddy.json` loads them. */
const CADDY_JSON = {
  apps: {
    http: {
      servers: {
        lab: {
          listen: [':80'],
          routes: [
            {
              match: [{ path: ['/ws/*'] }],
              // No stream_timeout: Debian's Caddy 2.6 refuses it (the unit tests read it).
              handle: [
                {
                  handler: 'reverse_proxy',
                  transport: { protocol: 'http', versions: ['1.1'] },
                  upstreams: [{ dial: 'gateway:18789' }],
                },
              ],
            },
          ],
        },
      },
    },
  },
};
let dir = '';

beforeAll(async () => {
  docker('rm', '-f', NAME, JSON_NAME);
  dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-caddy-'));
  chmodSync(dir, 0o755);
  writeFileSync(
    path.join(dir, 'Caddyfile'),
    ':80 {\n  reverse_proxy /ws/* gateway:18789\n  reverse_proxy gateway:18789\n}\n',
  );
  docker(
    'run',
    '-d',
    '--name',
    NAME,
    '--network',
    `${LAB_PROJECT}_backend`,
    '-e',
    'XDG_DATA_HOME=/data',
    '-e',
    'XDG_CONFIG_HOME=/config',
    '-v',
    `${path.join(dir, 'Caddyfile')}:/etc/caddy/Caddyfile:ro`,
    'reachmap-lab/caddy:local',
  );
  writeFileSync(path.join(dir, 'caddy.json'), JSON.stringify(CADDY_JSON));
  docker(
    'run',
    '-d',
    '--name',
    JSON_NAME,
    '--network',
    `${LAB_PROJECT}_backend`,
    '-e',
    'XDG_DATA_HOME=/data',
    '-e',
    'XDG_CONFIG_HOME=/config',
    '-v',
    `${path.join(dir, 'caddy.json')}:/etc/caddy/caddy.json:ro`,
    'reachmap-lab/caddy:local',
    'caddy',
    'run',
    '--config',
    '/etc/caddy/caddy.json',
  );
  await waitRunning([NAME, JSON_NAME]);
  await new Promise((r) => setTimeout(r, 1000)); // caddy listening
}, 60_000);

afterAll(() => {
  docker('rm', '-f', NAME, JSON_NAME);
  rmSync(dir, { recursive: true, force: true });
});

describe('Caddy as a reverse proxy', () => {
  it('gives its routes from the Caddyfile inside the container: upstream, upgrade forwarded, HTTP/1.1, no idle cut', async () => {
    const t = await scanOnce(realClient());
    const routes = (await readProxyRoutes(t)).find((r) => r.container === NAME);
    expect(routes?.source).toBe(`inside ${NAME}: /etc/caddy/Caddyfile`);
    expect(routes?.locations).toEqual([
      expect.objectContaining({
        server: ':80',
        path: '/ws/*',
        upstream: 'http://gateway:18789',
        httpVersion: '1.1',
        upgradeHeader: '(forwarded by Caddy)',
        readTimeout: 'none',
      }),
      expect.objectContaining({ server: ':80', path: '*', upstream: 'http://gateway:18789' }),
    ]);
  });

  it('started with a JSON config, gives the same routes from it', async () => {
    const t = await scanOnce(realClient());
    const routes = (await readProxyRoutes(t)).find((r) => r.container === JSON_NAME);
    expect(routes?.source).toBe(`inside ${JSON_NAME}: /etc/caddy/caddy.json`);
    expect(routes?.locations).toEqual([
      expect.objectContaining({
        server: ':80',
        path: '/ws/*',
        upstream: 'http://gateway:18789',
        upstreamServers: ['gateway:18789'],
        httpVersion: '1.1',
        upgradeHeader: '(forwarded by Caddy)',
        readTimeout: 'none',
      }),
    ]);
    // Caddy itself took the file: it serves the route.
    expect(docker('inspect', '-f', '{{.State.Running}}', JSON_NAME)).toBe('true');
  });

  it('is watched to its upstream, and a WebSocket through it reaches the application', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...args], {
        encoding: 'utf8',
        timeout: 90_000,
      });
    const w = cli('watch', '--once', '--json');
    expect(w.status, w.stderr).toBe(0);
    const paths = (
      JSON.parse(w.stdout) as { paths: Array<{ from: string; to: string; ok: boolean; why: string }> }
    ).paths;
    expect(paths).toContainEqual(
      expect.objectContaining({ from: NAME, to: 'gateway:18789', ok: true, why: 'proxy' }),
    );
    const p = cli('probe', '--from', 'client', '--to', `ws://${NAME}/ws/`, '--json');
    expect(p.status, p.stderr).toBe(0);
    const ws = (
      JSON.parse(p.stdout) as { steps: Array<{ kind: string; status?: number; outcome?: string }> }
    ).steps.find((s) => s.kind === 'ws');
    // Upgraded through Caddy; the lab's gateway then asks for pairing (reachable).
    expect(ws).toMatchObject({ status: 101, outcome: 'auth-required' });
  });
});

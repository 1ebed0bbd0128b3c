import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, LAB_PROJECT } from '../../e2e/lab/labInfo';

/**
 * A long-lived WebSocket through an nginx whose proxy_read_timeout is 3 s: a probe that holds
 * the session open sees it cut after about 3 s without a close frame, and the finding names
 * the directive, read from that nginx's own configuration.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const NAME = 'reachmap-test-idle-proxy';
const APP = 'reachmap-test-ws-silent';
// A WebSocket server that upgrades and then says nothing (what a quiet session looks like).
const SILENT_WS = `require('http').createServer().on('upgrade', (req, sock) => {
  const k = require('crypto').createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  sock.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + k + '\\r\\n\\r\\n');
  sock.on('data', () => {});
  sock.on('error', () => {});
}).listen(8080);`;
let dir = '';

beforeAll(async () => {
  docker('rm', '-f', NAME, APP);
  docker(
    'run',
    '-d',
    '--name',
    APP,
    '--network',
    `${LAB_PROJECT}_backend`,
    'reachmap-lab/node:local',
    'node',
    '-e',
    SILENT_WS,
  );
  dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-idle-'));
  chmodSync(dir, 0o755);
  writeFileSync(
    path.join(dir, 'default.conf'),
    `server {
  listen 80;
  location / {
    proxy_pass http://${APP}:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_read_timeout 3s;
  }
}
`,
  );
  docker(
    'run',
    '-d',
    '--name',
    NAME,
    '--network',
    `${LAB_PROJECT}_backend`,
    '-v',
    `${path.join(dir, 'default.conf')}:/etc/nginx/conf.d/default.conf:ro`,
    'reachmap-lab/nginx:local',
  );
  const end = Date.now() + 20_000;
  while (Date.now() < end && docker('inspect', '-f', '{{.State.Running}}', NAME, APP) !== 'true\ntrue')
    await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 500));
}, 60_000);

afterAll(() => {
  docker('rm', '-f', NAME, APP);
  rmSync(dir, { recursive: true, force: true });
});

describe('a WebSocket held through a proxy with a short idle timeout', () => {
  it('is cut after the proxy_read_timeout, and the finding names it', () => {
    const r = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'dist/cli.js'),
        'probe',
        '--from',
        'client',
        '--to',
        `ws://${NAME}/`,
        '--hold',
        '10',
        '--json',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as {
      ok: boolean;
      steps: Array<{
        kind: string;
        hold?: {
          askedMs: number;
          heldMs: number;
          endedBy: string;
          proxy?: { container: string; value: string };
        };
      }>;
      findings: Array<{ rule: string; title: string; fix: string }>;
    };
    const hold = result.steps.find((s) => s.kind === 'ws')?.hold;
    expect(hold).toMatchObject({ askedMs: 10_000, endedBy: 'cut', proxy: { container: NAME, value: '3s' } });
    expect(hold?.heldMs).toBeGreaterThan(2500);
    expect(hold?.heldMs).toBeLessThan(6000);
    expect(result.ok).toBe(false);
    const finding = result.findings.find((f) => f.rule === 'ws-idle-timeout');
    expect(finding?.title).toBe(`${NAME} cuts WebSocket sessions after 3s (proxy_read_timeout)`);
    expect(finding?.fix).toMatch(/proxy_read_timeout 3600s/);
  });
});

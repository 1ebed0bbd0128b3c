import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { docker, LAB_PROJECT, waitRunning } from './labInfo';

/**
 * For idle-timeout tests: a WebSocket server that upgrades and then says nothing (a quiet
 * session), behind an nginx of the lab's image whose proxy_read_timeout is `timeout`, both
 * on the lab's backend network. `proxy` is the name clients dial (ws://<proxy>/).
 */

const APP = 'reachmap-test-ws-silent';
const SILENT_WS = `require('http').createServer().on('upgrade', (req, sock) => {
  const k = require('crypto').createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  sock.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + k + '\\r\\n\\r\\n');
  sock.on('data', () => {});
  sock.on('error', () => {});
}).listen(8080);`;

export async function startIdleProxy(timeout = '3s', proxy = 'reachmap-test-idle-proxy') {
  docker('rm', '-f', proxy, APP);
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
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reachmap-idle-'));
  chmodSync(dir, 0o755);
  const conf = path.join(dir, 'default.conf');
  writeFileSync(
    conf,
    `server {
  listen 80;
  location / {
    proxy_pass http://${APP}:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    proxy_read_timeout ${timeout};
  }
}
`,
  );
  docker(
    'run',
    '-d',
    '--name',
    proxy,
    '--network',
    `${LAB_PROJECT}_backend`,
    '-v',
    `${conf}:/etc/nginx/conf.d/default.conf:ro`,
    'reachmap-lab/nginx:local',
  );
  await waitRunning([proxy, APP]);
  await new Promise((r) => setTimeout(r, 500)); // nginx and node listening
  return {
    proxy,
    /** The silent WebSocket server itself (port 8080), for a path without the proxy. */
    app: APP,
    stop() {
      docker('rm', '-f', proxy, APP);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { execFileSync } from 'node:child_process';
import { docker } from './labInfo';

/**
 * A path-MTU black hole, built from real namespaces: a client on an "edge" network (MTU
 * 1500) reaches a server on a "core" network (MTU 1280) through a router container on both.
 * The server's interface says 1500 (a peer configured for the bigger MTU), so both ends
 * agree on 1460-byte segments; the router cannot forward them onto core and its ICMP
 * "fragmentation needed" is dropped. Small requests pass, anything over 1280 bytes stalls.
 * Needs root and nsenter (routes and the filter are set from the host, in each namespace).
 */

const P = 'reachmap-test-mtu';
export const MTU_LAB = {
  client: `${P}-client`,
  router: `${P}-router`,
  server: `${P}-server`,
  edge: `${P}-edge`,
  core: `${P}-core`,
  coreMtu: 1280,
};

/** HTTP on 8080 that answers everything, and WebSocket upgrades that answer pings. */
const SERVER = `const http = require('http'), crypto = require('crypto');
const s = http.createServer({ maxHeaderSize: 128 * 1024 }, (q, r) => r.end('ok'));
s.on('upgrade', (req, sock) => {
  const k = crypto.createHash('sha1').update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  sock.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + k + '\\r\\n\\r\\n');
  let buf = Buffer.alloc(0);
  sock.on('error', () => {});
  sock.on('data', (c) => {
    buf = Buffer.concat([buf, c]);
    for (;;) {
      if (buf.length < 2) return;
      let len = buf[1] & 0x7f, p = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); p = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); p = 10; }
      if (buf.length < p + 4 + len) return;
      const op = buf[0] & 0x0f, mask = buf.subarray(p, p + 4);
      const data = Buffer.from(buf.subarray(p + 4, p + 4 + len).map((x, i) => x ^ mask[i % 4]));
      buf = buf.subarray(p + 4 + len);
      if (op === 9) sock.write(Buffer.concat([Buffer.from([0x8a, data.length]), data]));
      if (op === 8) return sock.end(Buffer.from([0x88, 0]));
    }
  });
});
s.listen(8080);`;

const pidOf = (name: string) => docker('inspect', '-f', '{{.State.Pid}}', name).trim();
const ipOn = (name: string, net: string) =>
  docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${net}").IPAddress}}`, name).trim();
const subnetOf = (net: string) =>
  docker('network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', net).trim();
const inNetns = (name: string, ...cmd: string[]) =>
  execFileSync('nsenter', ['-t', pidOf(name), '-n', ...cmd], { encoding: 'utf8' });

export function stopMtuLab() {
  const { client, router, server, edge, core } = MTU_LAB;
  try {
    docker('rm', '-f', client, router, server);
  } catch {}
  for (const n of [edge, core])
    try {
      docker('network', 'rm', n);
    } catch {}
}

export async function startMtuLab(): Promise<{ serverIp: string; routerIp: string }> {
  const { client, router, server, edge, core, coreMtu } = MTU_LAB;
  stopMtuLab();
  docker('network', 'create', edge);
  docker('network', 'create', '-o', `com.docker.network.driver.mtu=${coreMtu}`, core);
  docker('run', '-d', '--name', server, '--network', core, 'reachmap-lab/node:local', 'node', '-e', SERVER);
  docker(
    'run',
    '-d',
    '--name',
    router,
    '--network',
    edge,
    '--sysctl',
    'net.ipv4.ip_forward=1',
    'reachmap-lab/busybox:local',
    'sleep',
    '3600',
  );
  docker('network', 'connect', core, router);
  docker('run', '-d', '--name', client, '--network', edge, 'reachmap-lab/node:local', 'sleep', '3600');
  const routerEdge = ipOn(router, edge);
  const routerCore = ipOn(router, core);
  inNetns(client, 'ip', 'route', 'add', subnetOf(core), 'via', routerEdge);
  inNetns(server, 'ip', 'route', 'add', subnetOf(edge), 'via', routerCore);
  inNetns(server, 'ip', 'link', 'set', 'eth0', 'mtu', '1500');
  inNetns(
    router,
    'iptables',
    '-A',
    'OUTPUT',
    '-p',
    'icmp',
    '--icmp-type',
    'fragmentation-needed',
    '-j',
    'DROP',
  );
  const serverIp = ipOn(server, core);
  // Ready when the server answers a small request through the router.
  for (let i = 0; i < 50; i++) {
    try {
      docker(
        'exec',
        client,
        'node',
        '-e',
        `require('http').get('http://${serverIp}:8080/', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))`,
      );
      return { serverIp, routerIp: routerEdge };
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`the MTU lab's server at ${serverIp} did not answer through ${router}`);
}

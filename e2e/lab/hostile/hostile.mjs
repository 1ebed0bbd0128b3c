// A hostile HTTP/WebSocket peer for Reachmap's tests: every path misbehaves in one way a
// probed service can. Plain node:net, no dependency, so each byte on the wire is the one
// written here. Started with a 64 KiB `a.a.a…` argument (a hostile command line) and logs
// JSON secrets on every request (a hostile log); both must stay out of every output.
//
//   node hostile.mjs [--port 8080] [padding…]
import { createHash } from 'node:crypto';
import net from 'node:net';

const port = Number(process.argv[process.argv.indexOf('--port') + 1]) || 8080;
const CANARY = process.env.HOSTILE_CANARY || 'hostile-canary-6d0f3a91';
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** No test holds a connection longer; every stream below stops by itself. */
const MAX_MS = 60_000;

function frame(op, payload, fin = true) {
  const b0 = (fin ? 0x80 : 0) | op;
  const n = payload.length;
  let head;
  if (n < 126) head = Buffer.from([b0, n]);
  else if (n < 65536) head = Buffer.from([b0, 126, n >> 8, n & 0xff]);
  else {
    head = Buffer.alloc(10);
    head[0] = b0;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

function closeFrame(code, reason, fin = true) {
  const p = Buffer.alloc(2 + Buffer.byteLength(reason));
  p.writeUInt16BE(code, 0);
  p.write(reason, 2);
  return frame(8, p, fin);
}

const aaa = (n) => 'a.'.repeat(Math.ceil(n / 2)).slice(0, n);

/** Writes `chunk()` every `everyMs` until the peer goes or MAX_MS passes. */
function drip(sock, everyMs, chunk) {
  const t = setInterval(() => {
    if (sock.destroyed) return clearInterval(t);
    sock.write(chunk());
  }, everyMs);
  setTimeout(() => {
    clearInterval(t);
    sock.destroy();
  }, MAX_MS).unref();
  sock.on('close', () => clearInterval(t));
}

const http = {
  '/': (sock) => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n'),
  // A head that never ends: header lines without the blank line, forever.
  '/endless-head': (sock) => {
    sock.write('HTTP/1.1 200 OK\r\n');
    drip(sock, 5, () => `X-Pad: ${'a'.repeat(1000)}\r\n`);
  },
  // A byte a second: the head is never complete within any probe's timeout.
  '/slow-head': (sock) => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    let i = 0;
    drip(sock, 1000, () => head[i++ % head.length]);
  },
  // Not HTTP at all.
  '/garbage': (sock) => sock.end(Buffer.from([0, 1, 2, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a, 13, 10, 13, 10])),
  // A 64 KiB body of `a.a.a…` with a secret at the start.
  '/big-body': (sock) => {
    const body = `{"token":"${CANARY}","pad":"${aaa(64 * 1024)}"}`;
    sock.end(
      `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
  },
  // A declared length that never arrives.
  '/short-body': (sock) => {
    sock.write('HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nonly this');
    setTimeout(() => sock.destroy(), MAX_MS).unref();
  },
};

const ws = {
  '/ws/bad-accept': (sock) => upgrade(sock, 'not-the-accept-value'),
  '/ws/null': (sock, accept) => {
    upgrade(sock, accept);
    sock.write(frame(1, Buffer.from('null')));
  },
  '/ws/big-close': (sock, accept) => {
    upgrade(sock, accept);
    sock.write(closeFrame(1000, aaa(1 << 20)));
  },
  '/ws/frag-close': (sock, accept) => {
    upgrade(sock, accept);
    sock.write(closeFrame(1000, 'bye', false));
  },
  '/ws/big-ping': (sock, accept) => {
    upgrade(sock, accept);
    sock.write(frame(9, Buffer.alloc(100_000, 0x61)));
  },
  '/ws/aaa': (sock, accept) => {
    upgrade(sock, accept);
    sock.write(frame(1, Buffer.from(aaa(128 * 1024))));
  },
  '/ws/secret-frame': (sock, accept) => {
    upgrade(sock, accept);
    sock.write(frame(1, Buffer.from(JSON.stringify({ type: 'event', password: CANARY, apiKey: CANARY }))));
  },
  // A frame that announces 2^40 bytes and then streams them.
  '/ws/endless-frame': (sock, accept) => {
    upgrade(sock, accept);
    const head = Buffer.alloc(10);
    head[0] = 0x81;
    head[1] = 127;
    head.writeBigUInt64BE(2n ** 40n, 2);
    sock.write(head);
    drip(sock, 5, () => Buffer.alloc(16 * 1024, 0x61));
  },
};

function upgrade(sock, accept) {
  sock.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  setTimeout(() => sock.destroy(), MAX_MS).unref();
}

net
  .createServer((sock) => {
    sock.on('error', () => {});
    let buf = '';
    const onData = (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > 16 * 1024) sock.destroy();
        return;
      }
      sock.off('data', onData);
      const head = buf.slice(0, end);
      const path = /^[A-Z]+ (\S+)/.exec(head)?.[1] ?? '/';
      // What a careless service logs: the request, with secrets, as JSON.
      console.log(JSON.stringify({ level: 'info', msg: 'request', path, password: CANARY, apiKey: CANARY }));
      const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1];
      if (key && ws[path]) {
        ws[path](sock, createHash('sha1').update(`${key}${GUID}`).digest('base64'));
        return;
      }
      (http[path] ?? http['/'])(sock);
    };
    sock.on('data', onData);
  })
  .listen(port, '0.0.0.0', () =>
    console.log(JSON.stringify({ level: 'info', msg: `hostile peer on :${port}` })),
  );

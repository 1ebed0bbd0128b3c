// A gateway-like service for the lab: HTTP and WebSocket on one port, behaving like an
// OpenClaw Gateway where it matters to Reachmap (see shared/docs/openclaw.md):
//   GET /healthz → 200 {"ok":true,"status":"live"}; GET / → a small Control UI page;
//   WebSocket on any path → 101, a connect.challenge event, then the verdict only after the
//   client's `connect` request: an Origin outside allowedOrigins closes 1008
//   "origin not allowed …"; no token closes 1008 "device identity required"; else hello-ok.
//   No Origin header skips the origin check (CLIs).
// Dependency-free on purpose: it runs from a bare image with only the node binary.
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

// Configuration the way OpenClaw takes it: --bind/--port flags over the config file
// (~/.openclaw/openclaw.json: gateway.bind, gateway.port, gateway.controlUi.allowedOrigins).
function readConfig() {
  const file = process.env.OPENCLAW_CONFIG_PATH ?? '/home/node/.openclaw/openclaw.json';
  try {
    // The lab's configs are JSON5 limited to comments and trailing commas.
    const text = readFileSync(file, 'utf8')
      .replace(/^\s*\/\/.*$/gm, '')
      .replace(/,(\s*[}\]])/g, '$1');
    return JSON.parse(text).gateway ?? {};
  } catch (e) {
    process.stderr.write(`config: ${e.message}\n`);
    return {};
  }
}
const flag = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const cfg = readConfig();
const BIND_MODE = flag('bind') ?? cfg.bind ?? process.env.GATEWAY_BIND ?? 'lan';
const BIND =
  BIND_MODE === 'loopback'
    ? '127.0.0.1'
    : BIND_MODE === 'lan' || BIND_MODE === 'auto'
      ? '0.0.0.0'
      : BIND_MODE;
const PORT = Number(flag('port') ?? process.env.OPENCLAW_GATEWAY_PORT ?? cfg.port ?? 18789);
const NAME = process.env.GATEWAY_NAME ?? 'gateway';
const ALLOWED = cfg.controlUi?.allowedOrigins ?? [];
// Fixed, recognisable secret-looking values (the tests search every output for them).
const LAB_SECRET = 'sk-lab-5f1c9e7a2b4d6f8a0c1e3g5h7j9k';
const LAB_BEARER = 'eyJhbGciOiJIUzI1NiJ9.lab-secret-payload.signature';
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const log = (msg) => process.stdout.write(`${new Date().toISOString()} ${NAME} ${msg}\n`);
const peer = (req) => `${req.socket.remoteAddress}:${req.socket.remotePort}`;
const marker = (req) => (req.headers['x-reachmap-probe'] ? ` probe=${req.headers['x-reachmap-probe']}` : '');

// Like OpenClaw's restart window: for STARTING_MS after start /readyz is 503 and a
// well-formed connect closes 1013 "gateway starting", while /healthz is already 200.
const STARTING_MS = Number(process.env.GATEWAY_STARTING_MS ?? 0);
const STARTED = Date.now();
const starting = () => Date.now() - STARTED < STARTING_MS;

const UI = `<!doctype html><html><head><title>${NAME} control UI</title></head><body><h1>${NAME}</h1><p>Control UI</p></body></html>`;

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  let status = 200;
  if (path === '/healthz' || path === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, status: 'live' }));
  } else if (path === '/readyz' || path === '/ready') {
    status = starting() ? 503 : 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ready: !starting() }));
  } else if (path === '/debug') {
    // A service that logs secrets while handling a request, as real ones do: Reachmap must
    // redact these lines before they reach the API, the page, the CLI or a report.
    log(
      `debug dump OPENAI_API_KEY=${LAB_SECRET} Authorization: Bearer ${LAB_BEARER} cookie=session=${LAB_SECRET}`,
    );
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true }));
  } else if (path === '/' || path.startsWith('/ui')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(UI);
  } else {
    status = 404;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  }
  log(
    `http ${req.method} ${req.url} ${status} remote=${peer(req)} fwd=${req.headers['x-forwarded-for'] ?? '-'} ua="${req.headers['user-agent'] ?? ''}"${marker(req)}`,
  );
});

function frame(opcode, payload) {
  const len = payload.length;
  const head =
    len < 126 ? Buffer.from([0x80 | opcode, len]) : Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff]);
  return Buffer.concat([head, payload]);
}
const textFrame = (obj) => frame(0x1, Buffer.from(JSON.stringify(obj)));
function closeFrame(code, reason) {
  const r = Buffer.from(reason);
  const p = Buffer.alloc(2 + r.length);
  p.writeUInt16BE(code, 0);
  r.copy(p, 2);
  return frame(0x8, p);
}

/** Parse client frames (masked) from a buffer; returns [messages, rest]. */
function parseFrames(buf) {
  const out = [];
  let off = 0;
  while (buf.length - off >= 2) {
    const b1 = buf[off + 1];
    let len = b1 & 0x7f;
    let p = off + 2;
    if (len === 126) {
      if (buf.length - p < 2) break;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      if (buf.length - p < 8) break;
      len = Number(buf.readBigUInt64BE(p));
      p += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    const maskLen = masked ? 4 : 0;
    if (buf.length - p < maskLen + len) break;
    const mask = masked ? buf.subarray(p, p + 4) : null;
    const data = Buffer.from(buf.subarray(p + maskLen, p + maskLen + len));
    if (mask) for (let i = 0; i < data.length; i++) data[i] ^= mask[i % 4];
    out.push({ opcode: buf[off] & 0x0f, data });
    off = p + maskLen + len;
  }
  return [out, buf.subarray(off)];
}

function originAllowed(origin, remote) {
  if (!origin) return true; // CLI clients send no Origin: no check
  if (ALLOWED.includes(origin)) return true;
  // Loopback origins only from a local peer (as the real gateway does).
  const local = remote === '127.0.0.1' || remote === '::1' || remote === '::ffff:127.0.0.1';
  return local && /^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(origin);
}

server.on('upgrade', (req, socket) => {
  const key = req.headers['sec-websocket-key'];
  if (!key || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return;
  }
  const accept = createHash('sha1')
    .update(key + WS_GUID)
    .digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  const origin = req.headers.origin;
  const remote = req.socket.remoteAddress;
  log(
    `ws upgrade ${req.url} origin=${origin ?? '-'} remote=${peer(req)} fwd=${req.headers['x-forwarded-for'] ?? '-'}${marker(req)}`,
  );
  socket.write(
    textFrame({
      type: 'event',
      event: 'connect.challenge',
      payload: { nonce: randomUUID(), ts: Date.now() },
    }),
  );
  const idle = setTimeout(() => socket.end(closeFrame(1000, '')), 15_000);
  let buf = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    let msgs;
    [msgs, buf] = parseFrames(Buffer.concat([buf, chunk]));
    for (const m of msgs) {
      if (m.opcode === 0x8) {
        clearTimeout(idle);
        socket.end(closeFrame(1000, ''));
        return;
      }
      // Pings are answered, as the ws library the real gateway uses does (RFC 6455 §5.5.2).
      if (m.opcode === 0x9) {
        socket.write(frame(0xa, m.data));
        continue;
      }
      if (m.opcode !== 0x1) continue;
      let req2;
      try {
        req2 = JSON.parse(m.data.toString('utf8'));
      } catch {
        continue;
      }
      if (req2?.type !== 'req' || req2.method !== 'connect') continue;
      clearTimeout(idle);
      if (starting()) {
        log(`ws unavailable: gateway starting remote=${peer(req)}${marker(req)}`);
        socket.write(
          textFrame({
            type: 'res',
            id: req2.id,
            ok: false,
            error: { code: 'UNAVAILABLE', message: 'gateway starting', details: { code: 'UNAVAILABLE' } },
          }),
        );
        socket.end(closeFrame(1013, 'gateway starting'));
        return;
      }
      if (!originAllowed(origin, remote)) {
        log(
          `ws rejected cause=origin-mismatch origin=${origin} remote=${peer(req)} fwd=${req.headers['x-forwarded-for'] ?? '-'}${marker(req)}`,
        );
        socket.write(
          textFrame({
            type: 'res',
            id: req2.id,
            ok: false,
            error: {
              code: 'INVALID_REQUEST',
              message: 'origin not allowed',
              details: { code: 'CONTROL_UI_ORIGIN_NOT_ALLOWED' },
            },
          }),
        );
        socket.end(
          closeFrame(
            1008,
            'origin not allowed (open the Control UI from the gateway host or allow it in gateway.controlUi.allowedOrigins)',
          ),
        );
        return;
      }
      // Like OpenClaw: past the Origin check, a client with neither token nor device identity
      // is told to pair (a probe carries no credentials, so this is what a healthy path shows).
      if (!req2.params?.auth?.token) {
        log(`ws unpaired origin=${origin ?? '-'} remote=${peer(req)}${marker(req)}`);
        socket.write(
          textFrame({
            type: 'res',
            id: req2.id,
            ok: false,
            error: {
              code: 'NOT_PAIRED',
              message: 'device identity required',
              details: { code: 'NOT_PAIRED' },
            },
          }),
        );
        socket.end(closeFrame(1008, 'device identity required'));
        return;
      }
      log(`ws accepted origin=${origin ?? '-'} remote=${peer(req)}${marker(req)}`);
      socket.write(
        textFrame({ type: 'res', id: req2.id, ok: true, payload: { type: 'hello-ok', server: NAME } }),
      );
    }
  });
  socket.on('error', () => clearTimeout(idle));
  socket.on('close', () => clearTimeout(idle));
});

server.listen(PORT, BIND, () =>
  log(`listening on ${BIND}:${PORT} allowedOrigins=${ALLOWED.join(',') || '(none)'}`),
);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));

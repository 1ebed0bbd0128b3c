import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { ProbeHub } from '../lib/live/probeHub';
import type { TopologyService } from '../lib/live/topologyService';
import {
  type AckResult,
  type ClientToServerEvents,
  ProbeAllRequest,
  ProbeRunRequest,
  type ServerToClientEvents,
  SOCKET_PATH,
} from '../lib/model/live';
import { type AuthContext, hostAllowed, isAuthenticated, originAllowed } from './auth';

/**
 * socket.io on the same HTTP server. Auth runs in the handshake (`allowRequest`) for every
 * transport, so a websocket-only client cannot skip it; a topology is pushed on connect
 * and on every change.
 */
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** zod issues as one line an operator can act on. */
function invalid(issues: { path: PropertyKey[]; message: string }[]): AckResult {
  return {
    ok: false,
    error: `invalid request: ${issues.map((i) => `${i.path.map(String).join('.') || 'payload'}: ${i.message}`).join('; ')}`,
  };
}

export function attachSocket(http: HttpServer, auth: AuthContext, live: TopologyService, hub: ProbeHub) {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    path: SOCKET_PATH,
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    // Other upgrade requests (Next's dev HMR) are handled by the caller.
    destroyUpgrade: false,
    allowRequest: (req, cb) => {
      if (!hostAllowed(auth, req.headers.host)) return cb('host not allowed', false);
      if (!originAllowed(req)) return cb('cross-origin socket refused', false);
      if (!isAuthenticated(auth, req)) return cb('authentication required', false);
      cb(null, true);
    },
  });

  io.on('connection', (socket) => {
    socket.emit('engine', live.engine);
    if (live.current) socket.emit('topology', { version: live.version, topology: live.current });
    socket.emit('probe:history', { records: hub.history() });

    socket.on('probe:run', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const req = ProbeRunRequest.safeParse(payload);
      if (!req.success) return ack(invalid(req.error.issues));
      try {
        ack({ ok: true, id: await hub.run(req.data) });
      } catch (e) {
        ack({ ok: false, error: errorText(e) });
      }
    });

    socket.on('probe:all', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      const req = ProbeAllRequest.safeParse(payload);
      if (!req.success) return ack(invalid(req.error.issues));
      try {
        const topology = live.current ?? (await live.refresh());
        if (!topology) return ack({ ok: false, error: 'no topology yet: is the Docker engine reachable?' });
        ack({ ok: true, id: await hub.runAll(req.data, topology) });
      } catch (e) {
        ack({ ok: false, error: errorText(e) });
      }
    });

    socket.on('topology:get', (_payload, ack) => {
      if (typeof ack !== 'function') return;
      if (live.current) ack({ version: live.version, topology: live.current });
      else ack({ ok: false, error: 'no topology yet' });
    });
  });

  live.on('topology', (topology, version) => io.emit('topology', { version, topology }));
  live.on('engine', (s) => io.emit('engine', s));
  hub.on('step', (m) => io.emit('probe:step', m));
  hub.on('done', (m) => io.emit('probe:done', m));
  hub.on('failed', (m) => io.emit('probe:failed', m));
  hub.on('progress', (m) => io.emit('probe:progress', m));
  return io;
}

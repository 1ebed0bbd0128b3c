import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { TopologyService } from '../lib/live/topologyService';
import { type ClientToServerEvents, type ServerToClientEvents, SOCKET_PATH } from '../lib/model/live';
import { type AuthContext, hostAllowed, isAuthenticated, originAllowed } from './auth';

/**
 * socket.io on the same HTTP server. Auth runs in the handshake (`allowRequest`) for every
 * transport, so a websocket-only client cannot skip it; a topology is pushed on connect
 * and on every change.
 */
export function attachSocket(http: HttpServer, auth: AuthContext, live: TopologyService) {
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
    socket.on('topology:get', (_payload, ack) => {
      if (typeof ack !== 'function') return;
      if (live.current) ack({ version: live.version, topology: live.current });
      else ack({ ok: false, error: 'no topology yet' });
    });
  });

  live.on('topology', (topology, version) => io.emit('topology', { version, topology }));
  live.on('engine', (s) => io.emit('engine', s));
  return io;
}

import { io, type Socket } from 'socket.io-client';
import {
  type ClientToServerEvents,
  EngineState,
  type ServerToClientEvents,
  SOCKET_PATH,
  TopologyMessage,
} from '../model/live';
import { dashboardStore } from './store';

/**
 * The dashboard's only socket. The session cookie authenticates the handshake; every
 * message is validated before it reaches the store. Reconnects by itself; the server
 * pushes a full topology on every (re)connect, so nothing needs replaying.
 */
export function connectLive(): () => void {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    path: SOCKET_PATH,
    withCredentials: true,
    reconnectionDelayMax: 3000,
  });
  const set = dashboardStore.setState;

  socket.on('connect', () => set({ link: 'live', linkError: null }));
  socket.on('disconnect', (reason) => set({ link: 'disconnected', linkError: reason }));
  socket.on('connect_error', (err) => {
    const unauthorized = /authentication required/.test(err.message);
    set({ link: unauthorized ? 'unauthorized' : 'disconnected', linkError: err.message });
    if (unauthorized) socket.disconnect();
  });
  socket.on('topology', (raw) => {
    const parsed = TopologyMessage.safeParse(raw);
    if (!parsed.success) {
      console.error('reachmap: invalid topology message', parsed.error.issues.slice(0, 3));
      return;
    }
    set({ topology: parsed.data.topology, version: parsed.data.version, receivedAt: Date.now() });
  });
  socket.on('engine', (raw) => {
    const parsed = EngineState.safeParse(raw);
    if (parsed.success) set({ engine: parsed.data });
  });
  return () => {
    socket.disconnect();
  };
}

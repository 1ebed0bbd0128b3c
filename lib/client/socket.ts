import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import {
  type AckResult,
  type ClientToServerEvents,
  EngineState,
  type ProbeAllRequest,
  ProbeFailedMessage,
  ProbeProgress,
  ProbeRecord,
  type ProbeRunRequest,
  ProbeStepMessage,
  RunbookFailed,
  type RunbookRequest,
  type ServerToClientEvents,
  SOCKET_PATH,
  TopologyChange,
  TopologyMessage,
} from '../model/live';
import { RunbookReport } from '../model/runbook';
import { Finding } from '../model/topology';
import { at } from './basePath';
import { binding } from './session';
import { dashboardStore, probeReducers } from './store';
import { adoptSnapshot, reduceTopologyChange } from './topologySync';

const FindingsMessage = z.object({ findings: z.array(Finding) });

/**
 * The dashboard's only socket. The session cookie authenticates the handshake; every
 * message is validated before it reaches the store. Reconnects by itself; the server
 * pushes a full topology and the probe history on every (re)connect, then only topology
 * changes (topology:change), each applying to one version; on a gap we ask for a full one.
 */

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
let current: ClientSocket | null = null;

function on<T>(
  schema: { safeParse: (x: unknown) => { success: true; data: T } | { success: false } },
  apply: (data: T) => void,
) {
  return (raw: unknown) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) apply(parsed.data);
    else console.error('reachmap: ignored an invalid message from the server');
  };
}

/**
 * Opens the socket once, as early as the page's code runs (before React has hydrated), so
 * the first topology downloads while the page is still starting. Idempotent.
 */
export function startLive(): void {
  if (current || typeof window === 'undefined') return;
  connectLive();
}

export function connectLive(): () => void {
  performance.mark('reachmap:connecting');
  const socket: ClientSocket = io({
    path: at(SOCKET_PATH),
    withCredentials: true,
    reconnectionDelayMax: 3000,
    // One WebSocket from the start: the first topology of a large host (≈ 1.5 MB at 500
    // containers) then needs no long-polling round trips and no upgrade; polling stays as the
    // fallback for networks that block WebSockets.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    // Read at each (re)connect: a sign-in in another tab replaces it.
    auth: (cb) => cb({ binding: binding() }),
  });
  current = socket;
  const set = dashboardStore.setState;
  const get = dashboardStore.getState;

  // Marks on the page's timeline for the benchmark (bench/live.ts) and the browser's profiler.
  socket.on('connect', () => {
    performance.clearMarks('reachmap:connected');
    performance.mark('reachmap:connected');
    set({ link: 'live', linkError: null });
  });
  // Nothing is sent while nothing changes, so what we hold was current until this moment.
  socket.on('disconnect', (reason) =>
    set({
      // The server ends a socket only when its session ended (sign-out elsewhere, expiry).
      link: reason === 'io server disconnect' ? 'unauthorized' : 'disconnected',
      linkError: reason,
      ...(get().topology ? { receivedAt: Date.now() } : {}),
    }),
  );
  socket.on('connect_error', (err) => {
    const unauthorized = /authentication required/.test(err.message);
    set({ link: unauthorized ? 'unauthorized' : 'disconnected', linkError: err.message });
    if (unauthorized) socket.disconnect();
  });
  const acceptSnapshot = (m: TopologyMessage) => {
    performance.clearMarks('reachmap:topology');
    performance.mark('reachmap:topology');
    const topology = adoptSnapshot(get().topology, m.topology);
    set({ topology, version: m.version, receivedAt: Date.now(), ...probeReducers.retain(get(), topology) });
  };
  let resyncing = false;
  const resync = () => {
    if (resyncing) return;
    resyncing = true;
    socket.timeout(15_000).emit('topology:get', {}, (err: Error | null, raw: unknown) => {
      resyncing = false;
      const parsed = TopologyMessage.safeParse(raw);
      if (!err && parsed.success) acceptSnapshot(parsed.data);
      // Otherwise the next change finds the gap again and asks again.
    });
  };
  const onSnapshot = on(TopologyMessage, acceptSnapshot);
  socket.on('topology', (raw) => {
    performance.clearMarks('reachmap:topology-arrived');
    performance.mark('reachmap:topology-arrived');
    onSnapshot(raw);
  });
  socket.on('topology:change', (raw) => {
    // One mark, replaced each time: marks are kept until cleared, and the page runs for days.
    performance.clearMarks('reachmap:change-arrived');
    performance.mark('reachmap:change-arrived');
    // Changes that arrive while a full topology is on its way are older than it.
    if (resyncing) return;
    const parsed = TopologyChange.safeParse(raw);
    if (!parsed.success) {
      console.error('reachmap: ignored an invalid topology change; asking for the full topology');
      return resync();
    }
    const r = reduceTopologyChange(get(), parsed.data);
    if (r.kind === 'apply')
      set({
        topology: r.topology,
        version: r.version,
        receivedAt: Date.now(),
        // Only a removal (or a replaced list) can make a result's initiator go.
        ...(parsed.data.remove.containers.length > 0 || parsed.data.replace?.containers
          ? probeReducers.retain(get(), r.topology)
          : {}),
      });
    else if (r.kind === 'resync') resync();
  });
  socket.on(
    'engine',
    on(EngineState, (engine) => {
      // The topology stops being live when the engine goes out of reach: remember when.
      const lost = engine.status === 'unreachable' && get().engine?.status !== 'unreachable';
      set({ engine, ...(lost && get().topology ? { receivedAt: Date.now() } : {}) });
    }),
  );
  socket.on(
    'probe:step',
    on(ProbeStepMessage, (m) => set(probeReducers.step(get(), m))),
  );
  socket.on(
    'probe:done',
    on(ProbeRecord, (r) => set(probeReducers.done(get(), r))),
  );
  socket.on(
    'probe:failed',
    on(ProbeFailedMessage, (f) => set(probeReducers.failed(get(), f))),
  );
  socket.on(
    'probe:progress',
    on(ProbeProgress, (p) => set(probeReducers.progress(get(), p))),
  );
  socket.on(
    'findings:probes',
    on(FindingsMessage, (m) => set({ probeFindings: m.findings })),
  );
  socket.on(
    'runbook:done',
    on(RunbookReport, (r) => {
      const { [r.id]: _done, ...running } = get().runbooksRunning;
      set({ runbooks: { ...get().runbooks, [r.id]: r }, runbooksRunning: running });
    }),
  );
  socket.on(
    'runbook:failed',
    on(RunbookFailed, (f) =>
      set({
        runbooksRunning: { ...get().runbooksRunning, [f.id]: { from: f.from, to: f.to, error: f.error } },
      }),
    ),
  );
  socket.on('probe:history', (raw) => {
    const records = Array.isArray((raw as { records?: unknown })?.records)
      ? (raw as { records: unknown[] }).records
      : [];
    const valid = records.map((r) => ProbeRecord.safeParse(r)).flatMap((p) => (p.success ? [p.data] : []));
    set(probeReducers.history(get(), valid));
  });
  return () => {
    socket.disconnect();
    if (current === socket) current = null;
  };
}

function emitWithAck(event: 'probe:run' | 'probe:all' | 'runbook:run', payload: unknown): Promise<AckResult> {
  const s = current;
  if (!s?.connected) return Promise.resolve({ ok: false, error: 'not connected to the Reachmap server' });
  return new Promise((resolve) => {
    s.timeout(15_000).emit(event, payload, (err: Error | null, r: AckResult) =>
      resolve(err ? { ok: false, error: 'the server did not answer' } : r),
    );
  });
}

export const runProbe = (req: ProbeRunRequest) => emitWithAck('probe:run', req);
export const runProbeAll = (req: ProbeAllRequest) => emitWithAck('probe:all', req);

/** Starts a runbook; the report arrives as runbook:done and is selected when it does. */
export async function startRunbook(req: RunbookRequest): Promise<AckResult> {
  const r = await emitWithAck('runbook:run', req);
  if (r.ok) {
    dashboardStore.setState((s) => ({
      runbooksRunning: { ...s.runbooksRunning, [r.id]: { from: req.from, to: req.to } },
      selection: { kind: 'runbook', id: r.id },
    }));
  }
  return r;
}

import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { ProbeHub } from '../lib/live/probeHub';
import type { TopologySource } from '../lib/live/source';
import {
  type AckResult,
  type ClientToServerEvents,
  ProbeAllRequest,
  ProbeRunRequest,
  RunbookRequest,
  type ServerToClientEvents,
  SOCKET_PATH,
} from '../lib/model/live';
import type { RunbookReport } from '../lib/model/runbook';
import { type AuthContext, canOpenPages, dataAccess, hostAllowed, originAllowed } from './auth';
import { RateLimiter } from './rateLimit';

/**
 * socket.io on the same HTTP server. Auth runs in the handshake (`allowRequest`) for every
 * transport, so a websocket-only client cannot skip it. The full topology is pushed on
 * connect (and on topology:get, when a client missed a version); afterwards only changes,
 * and nothing while nothing changes.
 */
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** zod issues as one line an operator can act on. */
function invalid(issues: { path: PropertyKey[]; message: string }[]): AckResult {
  return {
    ok: false,
    error: `invalid request: ${issues.map((i) => `${i.path.map(String).join('.') || 'payload'}: ${i.message}`).join('; ')}`,
  };
}

export function attachSocket(
  http: HttpServer,
  auth: AuthContext,
  live: TopologySource,
  hub: ProbeHub,
  runbook: (req: { from: string; to: string; origin?: string }) => Promise<RunbookReport>,
  /** SOCKET_PATH under REACHMAP_BASE_PATH. */
  path: string = SOCKET_PATH,
) {
  let runbooks = 0;
  const probeActions = new RateLimiter(30, 120);
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    path,
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    // Other upgrade requests (Next's dev HMR) are handled by the caller.
    destroyUpgrade: false,
    allowRequest: (req, cb) => {
      if (!hostAllowed(auth, req.headers.host)) return cb('host not allowed', false);
      if (!originAllowed(req)) return cb('cross-origin socket refused', false);
      if (!canOpenPages(auth, req)) return cb('authentication required', false);
      cb(null, true);
    },
  });
  // The session's binding comes in the handshake's auth payload (a header cannot be set on a
  // browser WebSocket); each socket joins its session's room, so ending the session ends it.
  io.use((socket, next) => {
    const binding = (socket.handshake.auth as { binding?: unknown } | undefined)?.binding;
    const access = dataAccess(auth, socket.request, typeof binding === 'string' ? binding : null);
    if (!access) return next(new Error('authentication required'));
    if (access !== 'token') void socket.join(`session:${access}`);
    // Rate limits follow the session across its sockets (tabs, reconnects).
    (socket.data as { who?: string }).who = access === 'token' ? `token:${socket.id}` : access;
    next();
  });
  auth.sessions.on('ended', (id) => io.in(`session:${id}`).disconnectSockets(true));

  io.on('connection', (socket) => {
    socket.emit('engine', live.engine);
    if (live.current) socket.emit('topology', { version: live.version, topology: live.current });
    socket.emit('probe:history', { records: hub.history() });
    for (const r of hub.runbooks()) socket.emit('runbook:done', r);
    socket.emit('findings:probes', { findings: hub.findings(live.current) });

    // Per session (or per token socket): a burst of 30 probe actions, then 120 a minute.
    const who = (socket.data as { who?: string }).who ?? socket.id;
    const limited = (ack: (r: AckResult) => void): boolean => {
      const wait = probeActions.take(who);
      if (wait > 0)
        ack({
          ok: false,
          error: `too many probes from this session; try again in ${Math.ceil(wait / 1000)} s`,
        });
      return wait > 0;
    };

    socket.on('probe:run', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      if (limited(ack)) return;
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
      if (limited(ack)) return;
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

    socket.on('runbook:run', async (payload, ack) => {
      if (typeof ack !== 'function') return;
      if (limited(ack)) return;
      const req = RunbookRequest.safeParse(payload);
      if (!req.success) return ack(invalid(req.error.issues));
      if (runbooks >= 2)
        return ack({ ok: false, error: 'two runbooks are already running; wait for one to finish' });
      const id = randomBytes(6).toString('hex');
      ack({ ok: true, id });
      runbooks++;
      try {
        const report = { ...(await runbook(req.data)), id };
        // Steps 2 and 3 are ordinary paired probes: they become edges with their findings.
        const byId = new Map(report.probes.map((p) => [p.id, p]));
        for (const step of report.steps.filter((x) => x.n === 2 || x.n === 3)) {
          const [mine, hosts] = step.probeIds.map((id) => byId.get(id));
          if (mine)
            hub.adopt({
              initiator: mine,
              host: hosts ?? null,
              pairId: mine.id,
              batchId: null,
              at: report.createdAt,
            });
        }
        hub.keepRunbook(report);
        io.emit('runbook:done', report);
      } catch (e) {
        io.emit('runbook:failed', { id, from: req.data.from, to: req.data.to, error: errorText(e) });
      } finally {
        runbooks--;
      }
    });

    socket.on('topology:get', (_payload, ack) => {
      if (typeof ack !== 'function') return;
      if (live.current) ack({ version: live.version, topology: live.current });
      else ack({ ok: false, error: 'no topology yet' });
    });
  });

  // Browsers hold the previous version: send the change. Only the very first topology
  // (the engine was out of reach when they connected) goes out whole.
  live.on('topology', (topology, version, change) =>
    change ? io.emit('topology:change', change) : io.emit('topology', { version, topology }),
  );
  live.on('engine', (s) => io.emit('engine', s));
  hub.on('step', (m) => io.emit('probe:step', m));
  // Probe findings depend on both the results and the topology: recompute on either, batched.
  let findingsTimer: NodeJS.Timeout | null = null;
  const publishFindings = () => {
    if (findingsTimer) return;
    findingsTimer = setTimeout(() => {
      findingsTimer = null;
      io.emit('findings:probes', { findings: hub.findings(live.current) });
    }, 100);
  };
  live.on('topology', publishFindings);
  hub.on('done', (m) => {
    io.emit('probe:done', m);
    publishFindings();
  });
  hub.on('failed', (m) => io.emit('probe:failed', m));
  hub.on('progress', (m) => io.emit('probe:progress', m));
  return io;
}

import { readFileSync, watchFile } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import next from 'next';
import { withBasePath } from '../lib/basePath';
import { DockerClient } from '../lib/docker/client';
import { ProbeHub } from '../lib/live/probeHub';
import { REPLAY_PROBES_OFF, ReplayError, ReplaySource } from '../lib/live/replaySource';
import type { TopologySource } from '../lib/live/source';
import { TopologyService } from '../lib/live/topologyService';
import { log } from '../lib/log';
import { SOCKET_PATH } from '../lib/model/live';
import type { Topology } from '../lib/model/topology';
import { probeServiceFromSettings } from '../lib/probe/fromSettings';
import { type Prober, refusingProber } from '../lib/probe/prober';
import { readNginxLocations, readProxyRoutes } from '../lib/proxy/configReader';
import { redactText } from '../lib/redact';
import { runRunbook } from '../lib/runbook/run';
import { engineOf, invalidSetting, loadSettings, type Settings, SettingsError } from '../lib/settings';
import { SnapshotStore } from '../lib/snapshot/store';
import { hostPort } from '../lib/util/address';
import { VERSION } from '../lib/version';
import { WATCH_BATCH } from '../lib/watch/batch';
import { type AuthContext, canOpenPages, hostAllowed, makeAuthContext, originAllowed } from './auth';
import { createRequestHandler } from './http';
import { createMetrics } from './metrics';
import { attachSocket } from './socket';
import { dashboardUrl, ensureToken, readToken } from './token';
import { startWatch } from './watch';

const HELP = `Usage: reachmap-server [--host H] [--port P] [--docker-host URL | --context NAME] [--data-dir DIR] [--replay FILE]
  --replay FILE   serve a topology recorded with "reachmap scan --json" instead of a live engine (probes off)
Environment: REACHMAP_HOST, REACHMAP_PORT, DOCKER_HOST, DOCKER_CONTEXT, REACHMAP_DATA_DIR, REACHMAP_TOKEN, REACHMAP_ALLOWED_HOSTS, REACHMAP_REPLAY, REACHMAP_PUBLIC_URL, REACHMAP_LOG_LEVEL`;

/**
 * Next bakes the base path into its build: a server started with another one would serve
 * pages whose assets and links all miss. Say so and how to rebuild, rather than a blank page.
 */
function assertBuildBasePath(dir: string, basePath: string): void {
  const manifest = path.join(dir, process.env.REACHMAP_NEXT_DIST || '.next', 'routes-manifest.json');
  let built: string;
  try {
    built = (JSON.parse(readFileSync(manifest, 'utf8')) as { basePath?: string }).basePath ?? '';
  } catch {
    return; // no build at all: Next says so itself
  }
  if (built !== basePath)
    throw invalidSetting(
      'basePath',
      `this build serves ${built ? `under ${built}` : 'at the root'}; rebuild for the new base path (npm start does, or REACHMAP_BASE_PATH=${basePath} npm run build; in the image: --build-arg REACHMAP_BASE_PATH=${basePath})`,
      basePath,
    );
}

/** What start-up builds differently for a live engine and for a replayed recording. */
interface Backend {
  live: TopologySource;
  probes: Prober;
  /** Where the topology comes from, for the start-up line. */
  origin: string;
}

async function currentTopology(live: TopologySource): Promise<Topology> {
  const t = live.current ?? (await live.refresh());
  if (!t) throw new Error('no topology yet: is the Docker engine reachable?');
  return t;
}

function liveBackend(settings: Settings): Backend {
  const client = new DockerClient(engineOf(settings));
  const live = new TopologyService(client);
  const probes = probeServiceFromSettings(settings, client, () => currentTopology(live));
  live.on('topology', (t) => probes.retain(t));
  return { live, probes, origin: `Docker: ${client.endpoint.display}` };
}

/** No DockerClient at all: the recording is the whole truth, and every probe is refused. */
async function replayBackend(file: string): Promise<Backend> {
  let live: ReplaySource;
  try {
    live = await ReplaySource.load(file);
  } catch (e) {
    if (e instanceof ReplayError) throw invalidSetting('replay', e.message, file);
    throw e;
  }
  return {
    live,
    probes: refusingProber(REPLAY_PROBES_OFF),
    origin: `replay of ${file}, recorded at ${live.current.scannedAt}; probes are off`,
  };
}

/** Snapshots are a feature, not a precondition: without their store the dashboard still runs. */
async function openSnapshotStore(dataDir: string): Promise<SnapshotStore | null> {
  try {
    return await SnapshotStore.open(dataDir);
  } catch (e) {
    log.error({ error: e instanceof Error ? e.message : String(e) }, 'snapshots are off');
    return null;
  }
}

/**
 * Rotating the token (`npx reachmap rotate-token`, or replacing the file) takes effect at
 * once: the old token stops working and every session ends, with its open sockets.
 */
function watchToken(file: string, auth: AuthContext): void {
  watchFile(file, { interval: 2000 }, () => {
    void readToken(path.dirname(file)).then((t) => {
      if (!t || t === auth.token) return;
      auth.token = t;
      const ended = auth.sessions.endAll();
      log.warn({ sessionsEnded: ended }, 'the token was rotated: every session ended');
    });
  }).unref();
}

/** Engine loss and recovery, and every probe's initiator, target and verdict (never a header or body). */
function logActivity(live: TopologySource, hub: ProbeHub): void {
  let last = live.engine.status;
  live.on('engine', (e) => {
    if (e.status === last) return;
    last = e.status;
    if (e.status === 'unreachable')
      log.warn({ engine: e.status, error: e.error }, 'Docker engine unreachable');
    else log.info({ engine: e.status }, `Docker engine ${e.status}`);
  });
  hub.on('done', (r) => {
    const p = r.initiator;
    // The watch's own probes run every interval: their changes of verdict are logged (info).
    (r.batchId === WATCH_BATCH ? log.debug.bind(log) : log.info.bind(log))(
      {
        initiator: p.initiator.name,
        target: redactText(p.target.input),
        origin: p.origin,
        verdict: p.verdict,
        decisive: p.decisive,
        runner: p.runner.kind,
        ms: Math.round(p.ms),
      },
      'probe',
    );
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'docker-host': { type: 'string' },
      context: { type: 'string' },
      'data-dir': { type: 'string' },
      replay: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const settings = loadSettings(process.env, {
    host: values.host,
    port: values.port,
    dockerHost: values['docker-host'],
    context: values.context,
    dataDir: values['data-dir'],
    replay: values.replay,
  });
  log.level = settings.logLevel;
  const dev = process.env.NODE_ENV === 'development';
  // Before the token: a replay file that does not parse stops start-up without side effects.
  const { live, probes, origin } = settings.replay
    ? await replayBackend(settings.replay)
    : liveBackend(settings);
  const hub = new ProbeHub(probes);
  live.on('topology', (t) => hub.retain(t));
  const watch = !settings.replay && settings.watch === 'on' ? startWatch(settings, live, hub, probes) : null;
  const { token, created, file } = await ensureToken(settings);
  // Served over HTTPS (through a proxy that terminates TLS): Secure, __Host- cookies.
  const auth = makeAuthContext(
    token,
    settings.allowedHosts,
    settings.host,
    settings.port,
    undefined,
    settings.publicUrl?.startsWith('https:') ?? false,
  );
  // Expired sessions end (and their sockets close) without waiting for their next request.
  setInterval(() => auth.sessions.sweep(), 60_000).unref();

  // The server bundle lives in dist/; Next's project root is one level up.
  const dir = path.resolve(import.meta.dirname, '..');
  if (!dev) assertBuildBasePath(dir, settings.basePath);
  const app = next({ dev, dir, hostname: settings.host, port: settings.port });
  await app.prepare();
  const nextHandler = app.getRequestHandler();
  const nextUpgrade = dev ? app.getUpgradeHandler() : null;

  const store = await openSnapshotStore(settings.dataDir);
  let sockets = () => 0;
  const metrics = createMetrics({
    live,
    hub,
    store,
    sockets: () => sockets(),
    watch: watch?.watcher ?? null,
  });
  const handler = createRequestHandler({
    auth,
    live,
    // Routed without the base path; Next, built with it, gets it back.
    next: (req, res) => {
      req.url = withBasePath(req.url ?? '/', settings.basePath);
      return nextHandler(req, res);
    },
    basePath: settings.basePath,
    watch: watch?.history ?? null,
    metrics,
    trustedProxies: settings.trustedProxies,
    snapshots: store
      ? { store, live, hub, settings, readProxies: settings.replay ? null : readProxyRoutes }
      : null,
  });
  const http = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      log.error(
        { path: (req.url ?? '').split('?')[0], error: e instanceof Error ? e.message : String(e) },
        'request failed',
      );
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal error' }));
    });
  });
  const socketPath = `${settings.basePath}${SOCKET_PATH}`;
  const io = attachSocket(
    http,
    auth,
    live,
    hub,
    (req) =>
      runRunbook(req, { probes, topology: () => currentTopology(live), readNginx: readNginxLocations }),
    socketPath,
  );
  sockets = () => io.engine.clientsCount;
  http.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').startsWith(`${socketPath}/`)) return; // socket.io handles and authenticates its own
    if (nextUpgrade && hostAllowed(auth, req.headers.host) && originAllowed(req) && canOpenPages(auth, req)) {
      void nextUpgrade(req, socket, head);
      return;
    }
    socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
  });

  live.start();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(settings.port, settings.host, resolve);
  });

  log.info(
    {
      version: VERSION,
      url: `http://${hostPort(settings.host, settings.port)}${settings.basePath}`,
      source: origin,
    },
    `Reachmap ${VERSION} listening on http://${hostPort(settings.host, settings.port)}${settings.basePath} (${origin})`,
  );
  if (!['127.0.0.1', '::1', 'localhost'].includes(settings.host)) {
    log.warn(
      { host: settings.host },
      'bound beyond loopback: whoever reaches this port and holds the token controls what the Docker socket can do',
    );
  }
  // The token goes to a terminal only, never into a log file or a collector.
  if (created && process.stdout.isTTY)
    console.log(
      `\nOpen this URL to sign in (shown once; the token is kept in ${file}):\n  ${dashboardUrl(settings, token)}\n`,
    );
  else
    log.info(
      { tokenFile: file ?? 'REACHMAP_TOKEN' },
      `${created ? 'a new token was created; ' : ''}sign-in URL: run "npx reachmap url"`,
    );
  logActivity(live, hub);
  if (file) watchToken(file, auth);

  const shutdown = () => {
    watch?.watcher.stop();
    live.stop();
    probes.close();
    store?.close();
    http.close();
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  if (e instanceof SettingsError) console.error(`reachmap: ${e.message}`);
  else if (e && typeof e === 'object' && (e as { code?: string }).code === 'EADDRINUSE') {
    console.error(
      `reachmap: the port is already in use (${(e as Error).message}); choose another with REACHMAP_PORT or --port`,
    );
  } else console.error('reachmap: failed to start:', e);
  process.exit(1);
});

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { Topology } from '../lib/model/topology';
import { baseUrl, engineOf, type Settings } from '../lib/settings';
import { proofValid } from '../server/proof';
import { readToken } from '../server/token';
import { CLI_SCHEMA_VERSION } from './errors';

export interface ScanFlags {
  json: boolean;
  fresh: boolean;
  failOn?: string;
}

/** How long a running dashboard may take to answer before the CLI scans by itself. */
const ASK_TIMEOUT_MS = 1500;

/** What a dashboard may send back at most, and how long it may take, before the CLI scans itself. */
const MAX_BODY = 256 << 20;

/** GET with node:http (fetch would load undici, a tenth of this command's start-up); bounded. */
function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, timeout: ASK_TIMEOUT_MS }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${res.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY) req.destroy(new Error('answer too large'));
        else chunks.push(c);
      });
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (e) {
          reject(e);
        }
      });
      res.on('error', reject);
    });
    const total = setTimeout(() => req.destroy(new Error('timeout')), 4 * ASK_TIMEOUT_MS);
    req.on('close', () => clearTimeout(total));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * The topology a dashboard on this machine keeps current from the engine's events, when one
 * runs for the same engine with this data directory's token: no second scan of the engine.
 * The token is sent only to a server that first proves it holds it (server/proof.ts): a
 * stranger listening on the port gets nothing. Null when there is none (or it answers slowly,
 * or for another engine). The server built the topology from the same model, so it is
 * printed as it came, not parsed again.
 */
async function fromRunningDashboard(settings: Settings, endpoint: string): Promise<Topology | null> {
  if (settings.replay) return null;
  const token = settings.token ?? (await readToken(settings.dataDir));
  if (!token) return null;
  // The bind address, not REACHMAP_PUBLIC_URL: this machine's own dashboard.
  const base = baseUrl({ host: settings.host, port: settings.port, basePath: settings.basePath });
  try {
    const nonce = randomBytes(16).toString('hex');
    const health = (await getJson(`${base}/healthz?nonce=${nonce}`)) as { proof?: unknown };
    if (!proofValid(token, nonce, health.proof)) return null;
    const body = (await getJson(`${base}/api/topology`, { authorization: `Bearer ${token}` })) as {
      engine?: { status?: string };
      topology?: Topology;
    };
    const t = body.engine?.status === 'connected' ? body.topology : undefined;
    if (t?.host?.dockerEndpoint !== endpoint || !Array.isArray(t.containers)) return null;
    process.stderr.write(
      `reachmap: topology of the dashboard at ${base} (kept current by the engine's events, as of ${t.scannedAt}); --fresh scans here instead\n`,
    );
    return t;
  } catch {
    return null;
  }
}

/** The engine and this machine's namespaces, read by this process (the scanner loads only here). */
async function scanHere(endpoint: ReturnType<typeof engineOf>): Promise<Topology> {
  const [{ DockerClient }, { scanOnce }, { Topology }] = await Promise.all([
    import('../lib/docker/client'),
    import('../lib/scanner'),
    import('../lib/model/topology'),
  ]);
  return Topology.parse(await scanOnce(new DockerClient(endpoint)));
}

export async function scanCommand(settings: Settings, flags: ScanFlags): Promise<number> {
  const endpoint = engineOf(settings);
  const topology =
    (!flags.fresh && (await fromRunningDashboard(settings, endpoint.display))) || (await scanHere(endpoint));
  const text = flags.json
    ? JSON.stringify({ schemaVersion: CLI_SCHEMA_VERSION, ...topology }, null, 2)
    : (await import('../lib/format/summary')).formatSummary(topology);
  process.stdout.write(`${text}\n`);
  if (flags.failOn) {
    const gate = flags.failOn === 'error' ? ['error'] : ['error', 'warning'];
    const hits = topology.findings.filter((f) => gate.includes(f.severity));
    if (hits.length) {
      process.stderr.write(`reachmap: ${hits.length} finding(s) at ${flags.failOn} or worse\n`);
      return 1;
    }
  }
  return 0;
}

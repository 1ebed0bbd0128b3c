import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { OperatorError } from '../errors';
import type { ProcNetTables } from '../netns/procNet';
import { splitConcatenatedTables } from '../netns/procNet';
import { mapLimit } from '../util/concurrency';
import type { DockerEndpoint as Endpoint } from './endpoint';
import { type JsonGetter, keepAliveGetter } from './keepAliveGet';
import { type LogWindow, type LogWindowRead, readLogWindow } from './logs';
import {
  DockerContainer,
  DockerContainerSummary,
  DockerInfo,
  DockerNetwork,
  DockerVersion,
  type EngineFacts,
} from './schemas';
import { openSshBridge, type SshBridge } from './sshBridge';
import {
  commandWorks,
  execSession,
  type HelperOptions,
  helperSession,
  isWriteRefusal,
  type StdioSession,
} from './stdio';

/**
 * Inspects in flight. performance-facts.md saw no gain past ~8 on two cores with a raw
 * client; with dockerode and validation in between, 16 kept dockerd busier: 509 inspects
 * plus list, networks and info took 344–352 ms at 16 and 32, 361–461 ms at 8 (one fleet).
 */
const INSPECT_CONCURRENCY = 16;
/** Kept-alive inspect connections to an ssh:// engine, each one ssh session. */
const SSH_SESSIONS = 4;
/** /proc/net/{tcp,tcp6,udp,udp6} of a busy namespace is a few hundred KB; more is not a table. */
const EXEC_OUTPUT_CAP = 8 << 20;
/** Bound on one API call; the events stream is exempt (a quiet stream is not a dead one). */
const CALL_TIMEOUT_MS = 10_000;

export class DockerUnreachableError extends OperatorError {
  constructor(
    readonly endpoint: string,
    override readonly cause: unknown,
  ) {
    super(`Docker engine unreachable at ${endpoint}: ${describeError(cause)}`);
    this.name = 'DockerUnreachableError';
  }
}

/**
 * The engine (or a read-only socket proxy in front of it) refused a write. Reachmap's reads
 * need none; the exec and helper-container probe runners and the `docker exec cat` listener
 * fallback do.
 */
export class DockerWriteRefusedError extends OperatorError {
  constructor(endpoint: string, what: string, why: string) {
    super(
      `${what} needs Docker write access, and ${endpoint} refused it (${why.replace(/\s+/g, ' ').slice(0, 200)}): behind a read-only socket proxy, probe with REACHMAP_PROBE_RUNNER=nsenter (root on the host, no Docker write)`,
    );
    this.name = 'DockerWriteRefusedError';
  }
}

export function describeError(e: unknown): string {
  if (e && typeof e === 'object') {
    const o = e as { code?: string; message?: string; statusCode?: number; reason?: string };
    if (o.code === 'ENOENT') return `${o.code} (no socket there: is dockerd running? is DOCKER_HOST right?)`;
    if (o.code === 'EACCES')
      return `${o.code} (no permission on the socket: run as root or join the docker group)`;
    if (o.code === 'ECONNREFUSED') return `${o.code} (nothing listens there: is dockerd running?)`;
    if (o.statusCode) return `HTTP ${o.statusCode} ${o.reason ?? ''} ${o.message ?? ''}`.trim();
    if (o.code) return `${o.code}${o.message ? ` ${o.message}` : ''}`;
    if (o.message) return o.message;
  }
  return String(e);
}

function isNotFound(e: unknown): boolean {
  return !!e && typeof e === 'object' && (e as { statusCode?: number }).statusCode === 404;
}

function isConnectionError(e: unknown): boolean {
  const code = e && typeof e === 'object' ? (e as { code?: string }).code : undefined;
  return (
    !!code &&
    ['ENOENT', 'EACCES', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)
  );
}

function makeDocker(endpoint: LocalEndpoint, timeout?: number): Docker {
  if (endpoint.kind === 'unix')
    return new Docker({ socketPath: endpoint.socketPath, ...(timeout ? { timeout } : {}) });
  const certDir = endpoint.certPath ?? process.env.DOCKER_CERT_PATH;
  // Whichever of the three files are there (a context may hold only ca.pem).
  const file = (name: string) => {
    const p = certDir ? path.join(certDir, name) : null;
    return p && existsSync(p) ? { [name.replace('.pem', '')]: readFileSync(p) } : {};
  };
  const tls = endpoint.tls ? { ...file('ca.pem'), ...file('cert.pem'), ...file('key.pem') } : {};
  return new Docker({
    host: endpoint.host,
    port: endpoint.port,
    protocol: endpoint.tls ? 'https' : 'http',
    ...tls,
    ...(timeout ? { timeout } : {}),
  });
}

/**
 * The only door to the Docker engine. Every answer is validated with the schemas in
 * ./schemas before it leaves this module.
 */
/** What the clients below dial: an ssh:// engine is reached through a local socket (sshBridge). */
type LocalEndpoint = Exclude<Endpoint, { kind: 'ssh' }>;

export class DockerClient {
  /** For bounded request/response calls. */
  private readonly api: Docker;
  /** For the long-lived events stream, which must not time out while quiet. */
  private readonly stream: Docker;

  /** Inspects over kept-alive connections, where the endpoint allows (see keepAliveGet). */
  private readonly raw: JsonGetter | null;

  private readonly ssh: SshBridge | null;

  constructor(readonly endpoint: Endpoint) {
    this.ssh = endpoint.kind === 'ssh' ? openSshBridge(endpoint) : null;
    const local: LocalEndpoint =
      endpoint.kind === 'ssh'
        ? { kind: 'unix', socketPath: (this.ssh as SshBridge).socketPath, display: endpoint.display }
        : endpoint;
    this.api = makeDocker(local, CALL_TIMEOUT_MS);
    this.stream = makeDocker(local);
    // sshd allows 10 sessions per connection (MaxSessions) and every ssh session starts a
    // login shell on the far side: a few kept-alive ones, not a scan-sized burst.
    this.raw = keepAliveGetter(local, CALL_TIMEOUT_MS, this.ssh ? SSH_SESSIONS : INSPECT_CONCURRENCY);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isConnectionError(e)) {
        // Through ssh, the socket only says "hang up": ssh's own words say why.
        const why = this.ssh?.lastError();
        throw new DockerUnreachableError(this.endpoint.display, why ? new Error(why) : e);
      }
      throw e;
    }
  }

  /** A call that writes to the engine (exec, create): a refusal says which feature needs what. */
  private async write<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.call(fn);
    } catch (e) {
      if (isWriteRefusal(e)) throw new DockerWriteRefusedError(this.endpoint.display, what, describeError(e));
      throw e;
    }
  }

  async ping(): Promise<void> {
    await this.call(() => this.api.ping());
  }

  async info(): Promise<{ info: DockerInfo; apiVersion: string }> {
    const [info, version] = await Promise.all([
      this.call(() => this.api.info()),
      this.call(() => this.api.version()),
    ]);
    return { info: DockerInfo.parse(info), apiVersion: DockerVersion.parse(version).ApiVersion };
  }

  async listContainerIds(): Promise<string[]> {
    const list = await this.call(() => this.api.listContainers({ all: true }));
    return list.map((c) => DockerContainerSummary.parse(c).Id);
  }

  /** null when the container vanished between list and inspect. */
  async inspectContainer(id: string): Promise<DockerContainer | null> {
    try {
      const raw = this.raw;
      const answer = raw
        ? raw.get(`/containers/${encodeURIComponent(id)}/json`)
        : this.api.getContainer(id).inspect();
      return DockerContainer.parse(await this.call(() => answer));
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }

  async listNetworks(): Promise<DockerNetwork[]> {
    const list = await this.call(() => this.api.listNetworks());
    return list.map((n) => DockerNetwork.parse(n));
  }

  async inspectContainers(
    ids: readonly string[],
  ): Promise<{ containers: DockerContainer[]; vanished: string[] }> {
    const results = await mapLimit(ids, INSPECT_CONCURRENCY, (id) => this.inspectContainer(id));
    const containers: DockerContainer[] = [];
    const vanished: string[] = [];
    results.forEach((r, i) => {
      if (r) containers.push(r);
      else vanished.push(ids[i] as string);
    });
    return { containers, vanished };
  }

  /** One full read of the engine: info, every container (inspected) and every network. */
  async scan(): Promise<EngineFacts> {
    const [{ info, apiVersion }, ids, networks] = await Promise.all([
      this.info(),
      this.listContainerIds(),
      this.listNetworks(),
    ]);
    const { containers, vanished } = await this.inspectContainers(ids);
    return {
      endpoint: this.endpoint.display,
      info,
      apiVersion,
      containers,
      networks,
      warnings: vanished.map((id) => `container ${id.slice(0, 12)} vanished during the scan`),
    };
  }

  /**
   * Listener tables read from inside a container (`cat /proc/net/*`), for when the host's
   * /proc is not visible. Needs `cat` in the container and exec rights on the engine.
   */
  async execReadTables(containerId: string): Promise<ProcNetTables> {
    const exec = await this.write('reading listeners with docker exec cat (no host /proc here)', () =>
      this.api.getContainer(containerId).exec({
        Cmd: ['cat', '/proc/net/tcp', '/proc/net/tcp6', '/proc/net/udp', '/proc/net/udp6'],
        AttachStdout: true,
        AttachStderr: true,
      }),
    );
    const stream = await exec.start({ hijack: true, stdin: false });
    const chunks: Buffer[] = [];
    let bytes = 0;
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough();
    this.api.modem.demuxStream(stream, out, new PassThrough());
    await new Promise<void>((resolve, reject) => {
      // The container's own `cat` answers: it may be anything, so its output is capped.
      out.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes > EXEC_OUTPUT_CAP) {
          (stream as unknown as { destroy?: () => void }).destroy?.();
          reject(new Error(`more than ${EXEC_OUTPUT_CAP >> 20} MiB from cat /proc/net/*: not read further`));
          return;
        }
        chunks.push(c);
      });
      stream.on('end', resolve);
      stream.on('error', reject);
      setTimeout(() => {
        // Close the hijacked connection too, or every hung exec leaks one.
        (stream as unknown as { destroy?: () => void }).destroy?.();
        reject(new Error('exec timed out'));
      }, CALL_TIMEOUT_MS).unref();
    });
    return splitConcatenatedTables(Buffer.concat(chunks).toString('utf8'));
  }

  /** `docker exec -i` with stdio attached (the probe agent's exec runner). */
  execStdio(containerId: string, cmd: string[]): Promise<StdioSession> {
    return this.write('the exec probe runner (docker exec)', () =>
      execSession(this.stream, containerId, cmd),
    );
  }

  /** A helper container joined to a namespace, stdio attached (the helper runner). */
  helperStdio(opts: HelperOptions): Promise<StdioSession> {
    return this.write('the helper-container probe runner (docker run)', () =>
      helperSession(this.stream, opts),
    );
  }

  /** Log lines of one container for a time window, bounded (see ./logs). */
  logWindow(containerId: string, driver: string, w: LogWindow): Promise<LogWindowRead> {
    return readLogWindow(this.stream, containerId, driver, w);
  }

  commandWorks(containerId: string, cmd: string[]): Promise<boolean> {
    return this.write('the exec probe runner (docker exec)', () => commandWorks(this.api, containerId, cmd));
  }

  /** The raw events stream; see ./events for reconnect and parsing. */
  async openEventStream(sinceSeconds?: number): Promise<NodeJS.ReadableStream> {
    return this.call(() => this.stream.getEvents(sinceSeconds ? { since: sinceSeconds } : {}));
  }
}

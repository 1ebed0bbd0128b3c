import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Which engine to talk to, chosen as the Docker CLI chooses it: `--docker-host`, then
 * `--context`, then DOCKER_HOST, then DOCKER_CONTEXT, then the CLI config's
 * `currentContext`, then the default socket. A context is read from the CLI's own store
 * (`$DOCKER_CONFIG` or `~/.docker`: contexts/meta/<sha256 of the name>/meta.json, its TLS
 * files under contexts/tls/<sha256>/docker).
 */

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

export interface EngineChoice {
  host: string;
  tlsVerify: boolean;
  /** A directory holding ca.pem, cert.pem and key.pem, or null. */
  certPath: string | null;
  /** The context the host came from, or null (flag, DOCKER_HOST or the default). */
  context: string | null;
}

/** Only what this module reads, so tests can hand it a store of their own. */
export interface ContextStore {
  read(file: string): string | null;
  exists(file: string): boolean;
}

const realStore: ContextStore = {
  read: (file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  },
  exists: existsSync,
};

export class DockerContextError extends Error {}

type Env = Record<string, string | undefined>;

function configDir(env: Env): string {
  return env.DOCKER_CONFIG || path.join(env.HOME || os.homedir(), '.docker');
}

/** A host named by a flag or DOCKER_HOST, with the environment's TLS settings. */
function fromEnv(env: Env, host: string): EngineChoice {
  return {
    host,
    tlsVerify: env.DOCKER_TLS_VERIFY === '1',
    certPath: env.DOCKER_CERT_PATH || null,
    context: null,
  };
}

function fromContext(name: string, env: Env, store: ContextStore): EngineChoice {
  const dir = configDir(env);
  // "default" is the engine of DOCKER_HOST or the default socket, as in the Docker CLI.
  if (name === 'default')
    return { ...fromEnv(env, env.DOCKER_HOST || DEFAULT_DOCKER_HOST), context: 'default' };
  const id = createHash('sha256').update(name).digest('hex');
  const metaFile = path.join(dir, 'contexts', 'meta', id, 'meta.json');
  const text = store.read(metaFile);
  if (text === null)
    throw new DockerContextError(
      `no Docker context "${name}" (looked for ${metaFile}; see docker context ls)`,
    );
  let host: unknown;
  try {
    const meta = JSON.parse(text) as { Endpoints?: { docker?: { Host?: unknown } } };
    host = meta.Endpoints?.docker?.Host;
  } catch {
    throw new DockerContextError(`Docker context "${name}": ${metaFile} is not JSON`);
  }
  if (typeof host !== 'string' || !host)
    throw new DockerContextError(`Docker context "${name}" has no docker endpoint host (${metaFile})`);
  const tlsDir = path.join(dir, 'contexts', 'tls', id, 'docker');
  const hasTls = store.exists(path.join(tlsDir, 'ca.pem')) || store.exists(path.join(tlsDir, 'cert.pem'));
  // TLS whenever the context holds TLS files. The engine's certificate is always verified
  // (against ca.pem when there is one): SkipTLSVerify is not honoured.
  return { host, tlsVerify: hasTls, certPath: hasTls ? tlsDir : null, context: name };
}

/** The CLI config's current context, when it names one. */
function currentContext(env: Env, store: ContextStore): string | null {
  const text = store.read(path.join(configDir(env), 'config.json'));
  if (!text) return null;
  try {
    const c = (JSON.parse(text) as { currentContext?: unknown }).currentContext;
    return typeof c === 'string' && c ? c : null;
  } catch {
    return null;
  }
}

export function chooseEngine(
  env: Env,
  flags: { dockerHost?: string; context?: string },
  store: ContextStore = realStore,
): EngineChoice {
  if (flags.dockerHost && flags.context)
    throw new DockerContextError('give either --docker-host or --context, not both');
  if (flags.dockerHost) return fromEnv(env, flags.dockerHost);
  if (flags.context) return fromContext(flags.context, env, store);
  if (env.DOCKER_HOST) return fromEnv(env, env.DOCKER_HOST);
  const name = env.DOCKER_CONTEXT || currentContext(env, store);
  return name ? fromContext(name, env, store) : fromEnv(env, DEFAULT_DOCKER_HOST);
}

/**
 * DOCKER_HOST parsing, kept free of dockerode so config validation can use it.
 * Supported: unix:///path, tcp://host:port (TLS when DOCKER_TLS_VERIFY is set),
 * ssh://[user@]host[:port] (as the Docker CLI: `docker system dial-stdio` over ssh).
 */
export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string; display: string }
  | {
      kind: 'ssh';
      user: string | null;
      host: string;
      port: number | null;
      display: string;
      /** An ssh_config file (REACHMAP_SSH_CONFIG), else ssh's own ~/.ssh/config. */
      sshConfig?: string | null;
    }
  | {
      kind: 'tcp';
      host: string;
      port: number;
      tls: boolean;
      display: string;
      /** ca.pem, cert.pem and key.pem (a context's TLS files, or DOCKER_CERT_PATH). */
      certPath?: string | null;
    };

/** The engine the settings chose (flag, context or environment), with its TLS files. */
export function engineEndpoint(s: {
  dockerHost: string;
  dockerTlsVerify: boolean;
  dockerCertPath: string | null;
  sshConfig?: string | null;
}): DockerEndpoint {
  const e = parseDockerHost(s.dockerHost, s.dockerTlsVerify);
  if (e.kind === 'tcp') return { ...e, certPath: s.dockerCertPath };
  if (e.kind === 'ssh') return { ...e, sshConfig: s.sshConfig ?? null };
  return e;
}

export function parseDockerHost(value: string, tlsVerify = false): DockerEndpoint {
  const v = value.trim();
  if (v.startsWith('unix://')) {
    const socketPath = v.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new Error(`expected unix:///absolute/path, got "${value}"`);
    return { kind: 'unix', socketPath, display: v };
  }
  if (v.startsWith('/')) return { kind: 'unix', socketPath: v, display: `unix://${v}` };
  if (v.startsWith('tcp://') || v.startsWith('http://') || v.startsWith('https://')) {
    let url: URL;
    try {
      url = new URL(v.replace(/^tcp:/, tlsVerify ? 'https:' : 'http:'));
    } catch {
      throw new Error(`not a valid tcp://host:port address: "${value}"`);
    }
    const tls = url.protocol === 'https:';
    const port = url.port ? Number(url.port) : tls ? 2376 : 2375;
    return { kind: 'tcp', host: url.hostname, port, tls, display: `tcp://${url.hostname}:${port}` };
  }
  if (v.startsWith('ssh://')) return parseSsh(v, value);
  throw new Error(`expected unix:///path, tcp://host:port or ssh://[user@]host[:port], got "${value}"`);
}

/** As the Docker CLI: user, host and port only (no path, query or password). */
function parseSsh(v: string, value: string): DockerEndpoint {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new Error(`not a valid ssh://[user@]host[:port] address: "${value}"`);
  }
  if (url.password) throw new Error(`ssh:// takes no password (use a key or ssh-agent): "${value}"`);
  if ((url.pathname && url.pathname !== '/') || url.search || url.hash)
    throw new Error(`ssh://[user@]host[:port] takes no path, query or fragment: "${value}"`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // The host and user go to ssh as arguments: nothing that ssh could read as an option.
  if (!/^[A-Za-z0-9][A-Za-z0-9.:_-]*$/.test(host)) throw new Error(`not a valid ssh host in "${value}"`);
  const user = url.username ? decodeURIComponent(url.username) : null;
  if (user !== null && !/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(user))
    throw new Error(`not a valid ssh user in "${value}"`);
  const port = url.port ? Number(url.port) : null;
  const display = `ssh://${user ? `${user}@` : ''}${host.includes(':') ? `[${host}]` : host}${port ? `:${port}` : ''}`;
  return { kind: 'ssh', user, host, port, display };
}

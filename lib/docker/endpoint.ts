/**
 * DOCKER_HOST parsing, kept free of dockerode so config validation can use it.
 * Supported: unix:///path, tcp://host:port (TLS when DOCKER_TLS_VERIFY is set).
 */
export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string; display: string }
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
}): DockerEndpoint {
  const e = parseDockerHost(s.dockerHost, s.dockerTlsVerify);
  return e.kind === 'tcp' ? { ...e, certPath: s.dockerCertPath } : e;
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
  if (v.startsWith('ssh://'))
    throw new Error(
      'ssh:// Docker hosts are not supported; forward the socket (ssh -L) and use unix:// or tcp://',
    );
  throw new Error(`expected unix:///path or tcp://host:port, got "${value}"`);
}

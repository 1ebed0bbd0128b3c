import http from 'node:http';
import type { DockerEndpoint } from './endpoint';

/**
 * GET a JSON document from the engine over a pool of kept-alive connections. A scan of 500
 * containers is 500 inspects; dockerode opens a connection for each (and, given a keep-alive
 * agent, piles its listeners onto the reused sockets until a scan takes seconds), so the
 * inspects come through here on the endpoints it serves: a unix socket or plain tcp.
 * TLS endpoints stay with dockerode. Errors carry `statusCode` (404: gone) or `code`
 * (ECONNREFUSED…) as dockerode's do, so callers treat both alike.
 */

const MAX_BODY = 16 << 20;

export interface JsonGetter {
  get(path: string): Promise<unknown>;
}

export function keepAliveGetter(
  endpoint: Exclude<DockerEndpoint, { kind: 'ssh' }>,
  timeoutMs: number,
  maxSockets: number,
): JsonGetter | null {
  if (endpoint.kind === 'tcp' && endpoint.tls) return null;
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const target =
    endpoint.kind === 'unix'
      ? { socketPath: endpoint.socketPath }
      : { host: endpoint.host, port: endpoint.port };
  const once = (path: string, via: http.Agent | false = agent): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const req = http.get({ ...target, path, agent: via, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY)
            req.destroy(new Error(`the engine's answer to ${path} is over ${MAX_BODY} bytes`));
          else chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) {
            let message = text.trim();
            try {
              message = (JSON.parse(text) as { message?: string }).message ?? message;
            } catch {}
            return reject(
              Object.assign(new Error(`(HTTP ${res.statusCode}) ${message}`), {
                statusCode: res.statusCode,
              }),
            );
          }
          try {
            resolve(JSON.parse(text));
          } catch (e) {
            reject(e);
          }
        });
      });
      req.on('timeout', () =>
        req.destroy(
          Object.assign(new Error(`no answer to ${path} in ${timeoutMs} ms`), { code: 'ETIMEDOUT' }),
        ),
      );
      req.on('error', (e: NodeJS.ErrnoException) =>
        reject(Object.assign(e, { reusedSocket: req.reusedSocket })),
      );
    });
  return {
    // A kept-alive connection the engine (or a proxy in front of it) closed just as we sent
    // on it fails at once: a GET is safe to send again, on a connection of its own (the pool
    // may hold more sockets the other end closed at the same moment).
    get: (path) =>
      once(path).catch((e: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
        if (e.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) return once(path, false);
        throw e;
      }),
  };
}

import type net from 'node:net';
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { TlsStep } from '../../model/probe';

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * TLS on an already connected socket. Verification is reported, not enforced: a probe
 * that refuses a self-signed certificate would hide everything behind it.
 */
export function startTls(
  socket: net.Socket,
  host: string,
  timeoutMs: number,
): Promise<{ socket: tls.TLSSocket | null; step: Omit<TlsStep, 'ms' | 'at' | 'kind'> }> {
  const servername = isIP(host) ? undefined : host;
  return new Promise((resolve) => {
    // host: the name (or IP) Node checks the certificate against once the chain verifies.
    const t = tls.connect({
      socket,
      host,
      servername,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const timer = setTimeout(() => {
      t.destroy();
      resolve({
        socket: null,
        step: {
          ok: false,
          servername,
          sans: [],
          verified: false,
          error: 'ETIMEDOUT',
          note: 'no TLS handshake within the timeout',
        },
      });
    }, timeoutMs);
    t.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = t.getPeerCertificate();
      const sans = (cert.subjectaltname ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const verified = t.authorized;
      const verifyError = t.authorizationError ? String(t.authorizationError) : undefined;
      resolve({
        socket: t,
        step: {
          ok: true,
          servername,
          protocol: t.getProtocol() ?? undefined,
          cipher: t.getCipher()?.name,
          alpn: typeof t.alpnProtocol === 'string' ? t.alpnProtocol : undefined,
          subject: first(cert.subject?.CN),
          issuer: first(cert.issuer?.CN ?? cert.issuer?.O),
          sans,
          validTo: cert.valid_to,
          verified,
          verifyError,
          note: verified
            ? undefined
            : `certificate not trusted by this client (${verifyError ?? 'unknown reason'})`,
        },
      });
    });
    t.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      t.destroy();
      resolve({
        socket: null,
        step: { ok: false, servername, sans: [], verified: false, error: e.code ?? e.message },
      });
    });
  });
}

import { makeFinding } from '../finding';
import { type ProbeRule, probeRef, step, stepEvidence, targetContainer } from './context';

/**
 * The handshake works but a verifying client would refuse the certificate. Reachmap probes
 * without verification so it can see past it; browsers, the OpenClaw CLI and curl without -k
 * stop here with an error that reads like a network fault.
 */
function advice(code: string, host: string, sans: string[]): string {
  if (/ALTNAME|HOSTNAME|IP: .* is not in the cert/i.test(code))
    return `The certificate does not cover ${host} (it names ${sans.join(', ') || 'no SANs'}): add ${host} to its SANs, or connect by a name it covers.`;
  if (/EXPIRED/.test(code)) return 'Renew the certificate (and the automation that should have renewed it).';
  if (/NOT_YET_VALID/.test(code))
    return 'The certificate is not valid yet: check the clock of the host that issued it and of this one.';
  return `Clients must trust the issuer: use a publicly trusted certificate, or give every client this CA (Node clients: NODE_EXTRA_CA_CERTS=/path/ca.pem — Node does not read the system store; curl/browsers: the system store, update-ca-certificates) — not a global "skip verification".`;
}

export const tlsUntrusted: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    const tls = step(r, 'tls');
    if (!tls?.ok || tls.verified) return [];
    const code = tls.verifyError ?? 'unknown';
    const c = targetContainer(t, r);
    return [
      makeFinding('tls-untrusted', 'warning', probeRef(r), {
        pattern: 'tls',
        discriminator: code,
        title: `${r.target.host}:${r.target.port} presents a certificate clients will not trust (${code})`,
        // Judged against the public CA set Node ships (what the OpenClaw CLI and other Node
        // clients use); curl and browsers use the initiator's system store, which may hold a
        // private CA — hence medium confidence.
        confidence: 'medium',
        message: `The TLS handshake with ${c?.name ?? r.target.host} completes, and Reachmap goes on without verifying so it can test what lies behind. Against the public CA set Node clients use (the OpenClaw CLI among them) the certificate fails: ${code}. Certificate: ${tls.subject ?? '?'} issued by ${tls.issuer ?? '?'}${tls.validTo ? `, valid to ${tls.validTo}` : ''}. If your clients trust a private CA (in their system store or NODE_EXTRA_CA_CERTS), this is expected for them — but every client needs that CA.`,
        evidence: stepEvidence(r, ['tls']),
        fix: advice(code, r.target.host, tls.sans),
      }),
    ];
  });

/**
 * https:// to a port that speaks plain HTTP: OpenSSL reads an HTTP answer where a TLS record
 * should be (WRONG_VERSION_NUMBER). A bare EPROTO may be a handshake alert instead, so it
 * is not read as this. Common after moving TLS to a proxy.
 */
export const tlsNotSpoken: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    const tls = step(r, 'tls');
    if (!tls || tls.ok || !/WRONG_VERSION|wrong version|packet length/i.test(tls.error ?? '')) return [];
    const c = targetContainer(t, r);
    const plain = `${r.target.scheme === 'wss' ? 'ws' : 'http'}://${r.target.host}:${r.target.port}${r.target.path}`;
    return [
      makeFinding('tls-not-spoken', 'error', probeRef(r), {
        pattern: 'tls',
        title: `${r.target.host}:${r.target.port} does not speak TLS`,
        message: `The TCP connection works, but ${c?.name ?? r.target.host} answered the TLS handshake with something that is not TLS (${tls.error}): this port serves plain HTTP. TLS usually terminates at a reverse proxy in front of it, on another port.`,
        evidence: stepEvidence(r, ['tcp', 'tls']),
        fix: `Use ${plain} for this port, or the proxy's TLS port; if clients must use TLS here, terminate it in front (a reverse proxy with a certificate).`,
      }),
    ];
  });

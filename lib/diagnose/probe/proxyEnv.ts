import { makeFinding } from '../finding';
import { initiatorContainer, type ProbeRule, probeRef, step } from './context';

/**
 * A proxy configured in the initiator's environment changes where its real client goes:
 * the probe connects directly, the application may not. And a 407 is the proxy asking for
 * credentials, not the application refusing them.
 */

function noProxyCovers(noProxy: string, host: string): boolean {
  return noProxy
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .some(
      (p) => p === '*' || host === p.replace(/^\./, '') || host.endsWith(p.startsWith('.') ? p : `.${p}`),
    );
}

export const proxyEnv: ProbeRule = (t, probes) =>
  probes.flatMap((r) => {
    const out = [];
    const http = step(r, 'http');
    if (http?.status === 407) {
      out.push(
        makeFinding('proxy-auth-407', 'warning', probeRef(r), {
          pattern: 'proxy-env',
          title: `407 from a proxy, not the application`,
          message: `${r.target.input} answered 407 Proxy Authentication Required: a proxy between ${r.initiator.name} and the target wants credentials. This is not the application's authentication — rotating API keys will not help.`,
          evidence: [
            { label: 'http', value: `HTTP 407 ${http.headers['proxy-authenticate'] ?? ''}`, source: 'probe' },
          ],
          fix: 'Give the client proxy credentials, or exclude the target from the proxy (NO_PROXY).',
        }),
      );
    }
    const me = initiatorContainer(t, r);
    const env = me?.proxyEnv ?? [];
    const get = (n: string) => env.find((e) => e.name === n || e.name === n.toLowerCase())?.value;
    const proxy =
      r.target.scheme === 'https' || r.target.scheme === 'wss'
        ? (get('HTTPS_PROXY') ?? get('ALL_PROXY'))
        : (get('HTTP_PROXY') ?? get('ALL_PROXY'));
    const noProxy = get('NO_PROXY') ?? '';
    if (me && proxy && r.target.scheme !== 'tcp' && !noProxyCovers(noProxy, r.target.host.toLowerCase())) {
      out.push(
        makeFinding('proxy-env-captures-target', 'warning', probeRef(r), {
          pattern: 'proxy-env',
          confidence: 'medium',
          discriminator: r.target.host,
          title: `${me.name}'s proxy settings send ${r.target.host} through ${proxy}`,
          message: `${me.name} has a proxy in its environment and NO_PROXY does not cover ${r.target.host}: HTTP clients that honour it (curl, most SDKs, Node with a proxy agent) go through ${proxy}, not directly. Reachmap's probe went directly${r.ok ? ' and succeeded — the proxy path may not' : ''}.`,
          evidence: env.map((e) => ({ label: e.name, value: e.value, source: 'docker-api' as const })),
          fix: `Add the internal names to NO_PROXY (e.g. NO_PROXY=${[noProxy, r.target.host, 'localhost', '127.0.0.1'].filter(Boolean).join(',')}) or route the proxy to the target on purpose.`,
        }),
      );
    }
    return out;
  });

import type { ProbeResult, ProbeStep } from '../model/probe';
import { safe } from './terminal';

/** Plain-text rendering of probe results for the CLI. */

function stepLine(s: ProbeStep): string {
  const mark = s.ok ? '✔' : '✖';
  const head = `${mark} ${s.kind.padEnd(4)} ${`${s.ms} ms`.padStart(9)}  `;
  let body = '';
  switch (s.kind) {
    case 'dns':
      body =
        s.source === 'literal'
          ? `${s.query} (address literal)`
          : s.ok
            ? `${s.query} → ${s.addresses.join(', ')} (${s.source === 'hosts' ? 'initiator’s /etc/hosts' : `nameserver ${s.server}`})`
            : `${s.query}: ${s.error} from ${s.nameservers.join(', ')} (tried ${s.tried.join(', ')})`;
      break;
    case 'tcp':
      body = s.connected
        ? `connected to ${s.connected.address}:${s.connected.port} from ${s.connected.localAddress}:${s.connected.localPort}`
        : s.attempts.map((a) => `${a.address}:${s.port} ${a.error ?? 'ok'}`).join(', ');
      break;
    case 'tls':
      body = s.ok
        ? `${s.protocol} ${s.cipher ?? ''} cert ${s.subject ?? '?'} (${s.verified ? 'trusted' : `untrusted: ${s.verifyError}`})`
        : (s.error ?? '');
      break;
    case 'http':
      body = s.status
        ? `HTTP ${s.status} ${s.statusText ?? ''} ${s.bodyPrefix ? `“${s.bodyPrefix.slice(0, 60)}”` : ''}`
        : (s.error ?? '');
      break;
    case 'ws':
      body = `${s.statusLine ?? s.error ?? ''}${s.closeCode ? ` → close ${s.closeCode} ${s.closeReason ?? ''}` : ''}`;
      break;
  }
  const note = s.note ? `\n${' '.repeat(20)}${s.note}` : '';
  return `  ${head}${safe(body)}${s.ok || !s.error || body.includes(s.error) ? '' : ` — ${s.error}`}${safe(note)}`;
}

export function formatProbe(r: ProbeResult, label = 'Probe'): string {
  const who =
    r.initiator.kind === 'host' ? 'the host' : `${r.initiator.name} (${r.initiator.netns ?? 'netns ?'})`;
  const lines = [
    `${label} from ${safe(who)} to ${safe(r.target.input)}${r.origin ? ` with Origin ${safe(r.origin)}` : ''} — runner: ${r.runner.kind}`,
    `  initiator: hostname ${safe(r.initiator.hostname)}; ${safe(r.initiator.routes.join('; '))}`,
    ...r.steps.map(stepLine),
    `  ${r.verdict.toUpperCase()}${r.decisive ? `: ${safe(r.decisive)}` : ''} (${r.ms} ms, probe ${r.id})`,
  ];
  return lines.join('\n');
}

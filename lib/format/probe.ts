import { describeHops, hopsOf } from '../logs/hops';
import { timeline } from '../logs/match';
import type { ProbeResult, ProbeStep } from '../model/probe';
import type { Topology } from '../model/topology';
import { hostPort } from '../util/address';
import { describePayload } from './payload';
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
        ? `connected to ${hostPort(s.connected.address, s.connected.port)} from ${hostPort(s.connected.localAddress, s.connected.localPort)}`
        : s.attempts.map((a) => `${hostPort(a.address, s.port)} ${a.error ?? 'ok'}`).join(', ');
      break;
    case 'tls':
      body = s.ok
        ? `${s.protocol} ${s.cipher ?? ''} cert ${s.subject ?? '?'} (${s.verified ? 'trusted' : `untrusted: ${s.verifyError}`})`
        : (s.error ?? '');
      break;
    case 'http':
      body = s.status
        ? `HTTP ${s.status} ${s.statusText ?? ''} ${s.bodyPrefix ? `“${s.bodyPrefix.replace(/\s+/g, ' ').slice(0, 60)}”` : ''}`
        : (s.error ?? '');
      break;
    case 'ws':
      body = `${s.statusLine ?? s.error ?? ''}${s.closeCode ? ` → close ${s.closeCode} ${s.closeReason ?? ''}` : ''}`;
      break;
    case 'payload':
      body = `${describePayload(s)}\n${' '.repeat(20)}sizes: ${s.attempts.map((a) => `${a.bytes} ${a.ok ? (a.answer ?? 'ok') : a.error}`).join(', ')}`;
      break;
  }
  const note = s.note ? `\n${' '.repeat(20)}${s.note}` : '';
  return `  ${head}${safe(body)}${s.ok || !s.error || body.includes(s.error) ? '' : ` — ${s.error}`}${safe(note)}`;
}

export function formatProbe(r: ProbeResult, label = 'Probe', t?: Topology): string {
  const who =
    r.initiator.kind === 'host' ? 'the host' : `${r.initiator.name} (${r.initiator.netns ?? 'netns ?'})`;
  const lines = [
    `${label} from ${safe(who)} to ${safe(r.target.input)}${r.origin ? ` with Origin ${safe(r.origin)}` : ''} — runner: ${r.runner.kind}`,
    `  initiator: hostname ${safe(r.initiator.hostname)}; ${safe(r.initiator.routes.join('; '))}`,
    ...r.steps.map(stepLine),
    `  ${r.verdict.toUpperCase()}${r.decisive ? `: ${safe(r.decisive)}` : ''} (${r.ms} ms, probe ${r.id})`,
    ...formatLogs(r),
    ...(t && r.logs ? ['  hops:', ...describeHops(hopsOf(t, r)).map((h) => `    ${safe(h)}`)] : []),
  ];
  return lines.join('\n');
}

const MARK = { marker: '◆', peer: '◇', window: '·' } as const;

/** Steps and the log lines of every hop on one timeline (◆ carries the probe id, ◇ its address). */
export function formatLogs(r: ProbeResult): string[] {
  if (!r.logs) return [];
  const out = [`  timeline (log window ${r.logs.from} – ${r.logs.to}):`];
  for (const c of r.logs.containers) {
    const bits = [`${c.role} ${c.name}`, `driver ${c.driver}`, `${c.lines.length} line(s)`, `${c.readMs} ms`];
    if (c.skewMs !== null && Math.abs(c.skewMs) > 1000) bits.push(`clock skew ${c.skewMs} ms`);
    out.push(`    [${safe(bits.join(', '))}]${c.note ? ` ${safe(c.note)}` : ''}`);
  }
  for (const e of timeline(r)) {
    const at = `+${e.at.toFixed(1)}ms`.padStart(11);
    out.push(
      e.kind === 'step'
        ? `  ${at}  ${e.ok ? '✔' : '✖'} ${e.label}`
        : `  ${at}  ${MARK[e.match ?? 'window']} ${safe(e.source ?? '')}: ${safe(e.label)}`,
    );
  }
  return out;
}

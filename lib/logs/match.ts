import type { ContainerLogs, LogLine, ProbeResult, ProbeStep } from '../model/probe';
import { redactText } from '../redact';

/**
 * Which log lines belong to a probe, and how sure we are: its id (sent as X-Reachmap-Probe
 * and in its User-Agent, which common access-log formats record), else the address it came
 * from as the container saw it, else only the time window. Pure.
 */

const MAX_LINE = 2000;

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * Whether `address` appears in `text` as a whole address (10.0.0.1 is not in 10.0.0.12 or
 * 110.0.0.1). A plain scan, linear in the line: the address comes from an agent inside a
 * container we do not trust, so it is never compiled into a regular expression.
 */
export function mentionsAddress(text: string, address: string): boolean {
  if (!address) return false;
  for (let i = text.indexOf(address); i >= 0; i = text.indexOf(address, i + 1)) {
    const before = text[i - 1];
    const after = text[i + address.length];
    if (!isDigit(before) && before !== '.' && !isDigit(after)) return true;
  }
  return false;
}

export function classify(text: string, probeId: string, peers: string[]): LogLine['match'] {
  const line = text.length > MAX_LINE ? text.slice(0, MAX_LINE) : text;
  if (line.includes(probeId)) return 'marker';
  if (peers.some((p) => mentionsAddress(line, p))) return 'peer';
  return 'window';
}

/** Another Reachmap probe's marker (User-Agent or header): those lines belong to that probe. */
const OTHER_MARKER = /reachmap-probe\/[\d.]+ \(probe ([0-9a-f]{12})\)|probe="?([0-9a-f]{12})\b/;

export function toLogLines(
  raw: Array<{ ts: string; stream: 'stdout' | 'stderr'; text: string }>,
  probeId: string,
  peers: string[],
): LogLine[] {
  return raw
    .filter((l) => {
      const m = OTHER_MARKER.exec(l.text);
      return !m || (m[1] ?? m[2]) === probeId;
    })
    .map((l) => {
      const text = redactText(l.text.length > MAX_LINE ? `${l.text.slice(0, MAX_LINE)}…` : l.text);
      return { ts: l.ts, stream: l.stream, text, match: classify(l.text, probeId, peers) };
    });
}

const ms = (iso: string) => Date.parse(iso);

/** When the request that carries the marker left Reachmap: the http or ws step's start. */
export function requestSentAt(r: ProbeResult): number | null {
  const s = r.steps.find((x: ProbeStep) => x.kind === 'http' || x.kind === 'ws');
  return s ? ms(r.startedAt) + s.at : null;
}

/**
 * Engine clock minus ours, from the first marked line. A server logs the request somewhere
 * between its arrival and its answer (access logs are written on completion, so a slow
 * upstream puts the line a second or more after the request left): a line inside that span
 * means no measurable skew; outside it, the distance to the span is the offset. On a local
 * engine both clocks are the host's, so what remains is logging delay (buffered stdout);
 * only a remote engine has a clock of its own. The UI shows it above one second.
 */
export function skewOf(r: ProbeResult, lines: LogLine[]): number | null {
  const sent = requestSentAt(r);
  const first = lines.find((l) => l.match === 'marker');
  const exchanges = r.steps.filter((x: ProbeStep) => x.kind === 'http' || x.kind === 'ws');
  if (sent === null || !first || exchanges.length === 0) return null;
  const at = ms(first.ts);
  // Until the last exchange ended (an app may log only the WebSocket, after the HTTP step).
  const answered = ms(r.startedAt) + Math.max(...exchanges.map((x) => x.at + x.ms));
  if (at < sent) return Math.round(at - sent);
  if (at > answered) return Math.round(at - answered);
  return 0;
}

export interface TimelineEntry {
  at: number;
  kind: 'step' | 'log';
  label: string;
  ok?: boolean;
  source?: string;
  match?: LogLine['match'];
}

/** Steps and log lines on one clock (milliseconds since the probe started). */
export function timeline(r: ProbeResult): TimelineEntry[] {
  const start = ms(r.startedAt);
  const entries: TimelineEntry[] = r.steps.map((s) => ({
    at: s.at,
    kind: 'step',
    label: `${s.kind}${s.ok ? '' : ` ✖ ${s.error ?? ''}`}`,
    ok: s.ok,
  }));
  for (const c of r.logs?.containers ?? []) {
    // Shift by the measured skew so a misaligned engine clock does not misorder the story.
    const shift = c.skewMs !== null && Math.abs(c.skewMs) > 1000 ? c.skewMs : 0;
    for (const l of c.lines)
      entries.push({
        at: Math.round((ms(l.ts) - shift - start) * 10) / 10,
        kind: 'log',
        label: l.text,
        source: c.name,
        match: l.match,
      });
  }
  return entries.sort((a, b) => a.at - b.at || (a.kind === 'step' ? -1 : 1));
}

export type { ContainerLogs };

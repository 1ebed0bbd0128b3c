import type Docker from 'dockerode';

/**
 * Reading a container's log lines for a time window through the engine's logs API —
 * bounded in lines, bytes and time, so a container with gigabytes of logs or a driver
 * that keeps none cannot hang a probe.
 */

export interface RawLogLine {
  ts: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface LogWindowRead {
  lines: RawLogLine[];
  truncated: boolean;
  note: string | null;
  readMs: number;
}

export interface LogWindow {
  sinceMs: number;
  untilMs: number;
  maxLines: number;
  maxBytes: number;
  timeoutMs: number;
  tty: boolean;
}

/** Drivers that keep nothing the engine can read back. */
const UNREADABLE = new Set(['none']);

const unix = (ms: number) => (ms / 1000).toFixed(3);

/** Split the engine's stream (8-byte frame headers unless the container has a TTY). Pure. */
export function demuxLogs(buf: Buffer, tty: boolean): Array<{ stream: 'stdout' | 'stderr'; text: string }> {
  if (tty) return [{ stream: 'stdout', text: buf.toString('utf8') }];
  const out: Array<{ stream: 'stdout' | 'stderr'; text: string }> = [];
  let off = 0;
  while (buf.length - off >= 8) {
    const type = buf[off];
    const size = buf.readUInt32BE(off + 4);
    if (type === undefined || type > 2 || off + 8 + size > buf.length) break;
    out.push({
      stream: type === 2 ? 'stderr' : 'stdout',
      text: buf.subarray(off + 8, off + 8 + size).toString('utf8'),
    });
    off += 8 + size;
  }
  return out;
}

/** "2026-11-26T10:00:00.123456789Z text" lines. Pure. */
export function splitTimestamped(chunks: Array<{ stream: 'stdout' | 'stderr'; text: string }>): RawLogLine[] {
  const out: RawLogLine[] = [];
  for (const c of chunks) {
    for (const line of c.text.split('\n')) {
      if (!line) continue;
      const sp = line.indexOf(' ');
      const ts = sp > 0 ? line.slice(0, sp) : '';
      if (!/^\d{4}-\d\d-\d\dT/.test(ts)) continue;
      out.push({ ts, stream: c.stream, text: line.slice(sp + 1) });
    }
  }
  return out.sort((a, b) => a.ts.localeCompare(b.ts));
}

export async function readLogWindow(
  api: Docker,
  id: string,
  driver: string,
  w: LogWindow,
): Promise<LogWindowRead> {
  const t0 = performance.now();
  const ms = () => Math.round(performance.now() - t0);
  if (UNREADABLE.has(driver))
    return {
      lines: [],
      truncated: false,
      note: `logging driver "${driver}" keeps no logs to read`,
      readMs: 0,
    };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), w.timeoutMs);
  try {
    // `tail` makes json-file/local read from the end of the file instead of scanning it all.
    const buf = (await api.getContainer(id).logs({
      follow: false,
      stdout: true,
      stderr: true,
      timestamps: true,
      since: unix(w.sinceMs),
      until: unix(w.untilMs),
      tail: w.maxLines,
      abortSignal: abort.signal,
    } as never)) as unknown as Buffer;
    let lines = splitTimestamped(demuxLogs(Buffer.isBuffer(buf) ? buf : Buffer.from(String(buf)), w.tty));
    let truncated = lines.length >= w.maxLines;
    let bytes = 0;
    const kept: RawLogLine[] = [];
    for (const l of lines) {
      bytes += l.text.length;
      if (bytes > w.maxBytes) {
        truncated = true;
        break;
      }
      kept.push(l);
    }
    lines = kept;
    return {
      lines,
      truncated,
      note: truncated
        ? `more than the cap (${w.maxLines} lines / ${w.maxBytes} bytes) in the window: the earliest lines are cut`
        : null,
      readMs: ms(),
    };
  } catch (e) {
    const aborted = abort.signal.aborted;
    const msg = aborted
      ? `log read exceeded ${w.timeoutMs} ms (very large logs, or a slow driver) and was abandoned`
      : `cannot read logs: ${(e as Error).message}`;
    return {
      lines: [],
      truncated: aborted,
      note: `${msg}${driver && driver !== 'json-file' && driver !== 'local' ? ` (driver ${driver})` : ''}`,
      readMs: ms(),
    };
  } finally {
    clearTimeout(timer);
  }
}

import { describe, expect, it } from 'vitest';
import { demuxLogs, splitTimestamped } from '@/lib/docker/logs';
import { classify, skewOf, timeline, toLogLines } from '@/lib/logs/match';
import type { ProbeResult } from '@/lib/model/probe';

const frame = (stream: number, text: string) => {
  const body = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};

describe('engine log streams', () => {
  it('demultiplexes stdout/stderr frames and splits timestamped lines in time order', () => {
    const buf = Buffer.concat([
      frame(1, '2026-11-26T10:00:00.200000000Z b\n'),
      frame(2, '2026-11-26T10:00:00.100000000Z a\n2026-11-26T10:00:00.300000000Z c\n'),
    ]);
    expect(splitTimestamped(demuxLogs(buf, false))).toEqual([
      { ts: '2026-11-26T10:00:00.100000000Z', stream: 'stderr', text: 'a' },
      { ts: '2026-11-26T10:00:00.200000000Z', stream: 'stdout', text: 'b' },
      { ts: '2026-11-26T10:00:00.300000000Z', stream: 'stderr', text: 'c' },
    ]);
    expect(demuxLogs(Buffer.from('2026-11-26T10:00:00Z raw tty\n'), true)).toEqual([
      { stream: 'stdout', text: '2026-11-26T10:00:00Z raw tty\n' },
    ]);
  });
});

describe('marking lines', () => {
  const id = 'abcdef012345';
  it('by marker, then by the peer address, else by time only', () => {
    expect(classify(`GET / ua="reachmap-probe/0.1 (probe ${id})"`, id, ['172.18.0.4'])).toBe('marker');
    expect(classify('172.18.0.4 - - "GET /"', id, ['172.18.0.4'])).toBe('peer');
    expect(classify('172.18.0.41 - - "GET /"', id, ['172.18.0.4'])).toBe('window');
    expect(classify('10.172.18.0.4 - - "GET /"', id, ['172.18.0.4'])).toBe('window');
    expect(classify('[fd00::4]:5000 - - "GET /"', id, ['fd00::4'])).toBe('peer');
    // An address reported by an untrusted agent is text, never a pattern: no backtracking, no match.
    const t0 = performance.now();
    expect(classify(`${'a'.repeat(28)}!`, id, ['(a+)+$', '(a|aa)+b', '.*'])).toBe('window');
    expect(classify('x'.repeat(100_000), id, ['x'.repeat(40)])).toBe('peer');
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('drops lines that carry another probe’s marker and redacts the rest', () => {
    const lines = toLogLines(
      [
        {
          ts: '2026-11-26T10:00:00Z',
          stream: 'stdout',
          text: 'GET / ua="reachmap-probe/0.1 (probe 999999999999)"',
        },
        {
          ts: '2026-11-26T10:00:01Z',
          stream: 'stdout',
          text: 'login token=hunter2hunter2 Authorization: Bearer abcdefghijklmnop',
        },
      ],
      id,
      [],
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]?.text).not.toContain('hunter2');
    expect(lines[0]?.text).not.toContain('abcdefghijklmnop');
  });

  it('estimates clock skew from the first marked line and orders the timeline', () => {
    const r = {
      id,
      startedAt: '2026-11-26T10:00:00.000Z',
      steps: [
        { kind: 'dns', ok: true, ms: 1, at: 0 },
        { kind: 'http', ok: true, ms: 5, at: 10 },
      ],
      logs: {
        from: '',
        to: '',
        containers: [
          {
            containerId: 'c',
            name: 'gw',
            role: 'target',
            driver: 'json-file',
            truncated: false,
            note: null,
            readMs: 1,
            skewMs: null,
            lines: [
              { ts: '2026-11-26T10:00:05.012Z', stream: 'stdout', text: `probe=${id}`, match: 'marker' },
            ],
          },
        ],
      },
    } as unknown as ProbeResult;
    const skew = skewOf(r, r.logs?.containers[0]?.lines ?? []);
    // Measured against the end of the request/answer span (10 ms + 5 ms).
    expect(skew).toBe(4997);
    (r.logs?.containers[0] as { skewMs: number | null }).skewMs = skew;
    // Shifted back by the skew, the line lands at the answer, after the request left.
    expect(timeline(r).map((e) => [e.kind, e.at])).toEqual([
      ['step', 0],
      ['step', 10],
      ['log', 15],
    ]);
  });

  it('an access line written when a slow answer completes is not clock skew', () => {
    const line = (ts: string) => [
      { ts, stream: 'stdout' as const, text: `probe=${id}`, match: 'marker' as const },
    ];
    const r = {
      id,
      startedAt: '2026-11-26T10:00:00.000Z',
      steps: [{ kind: 'http', ok: false, ms: 1100, at: 10 }],
    } as unknown as ProbeResult;
    // nginx logs a 504 after its 1 s upstream timeout: inside the span, so no skew.
    expect(skewOf(r, line('2026-11-26T10:00:01.105Z'))).toBe(0);
    // Before the request left: the engine clock is behind ours.
    expect(skewOf(r, line('2026-11-26T09:59:58.010Z'))).toBe(-2000);
  });
});

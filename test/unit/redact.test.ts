import { describe, expect, it } from 'vitest';
import { displayCommand, REDACTED, redactArgs, redactText } from '@/lib/redact';

describe('redaction', () => {
  it('hides the value after secret-named flags, in both forms', () => {
    expect(redactArgs(['gateway', '--token', 'abc123', '--port', '18789'])).toEqual([
      'gateway',
      '--token',
      REDACTED,
      '--port',
      '18789',
    ]);
    expect(redactArgs(['--api-key=sk-live-1', 'x'])).toEqual([`--api-key=${REDACTED}`, 'x']);
    expect(redactArgs(['DB_PASSWORD=hunter2'])).toEqual([`DB_PASSWORD=${REDACTED}`]);
  });

  it('keeps ordinary arguments', () => {
    expect(displayCommand(['node', 'dist/index.js', 'gateway', '--bind', 'lan', '--port', '18789'])).toBe(
      'node dist/index.js gateway --bind lan --port 18789',
    );
  });

  it('redacts bearer tokens, URL passwords, key=value secrets and long opaque strings in text', () => {
    const s = redactText(
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def token=zzz9 https://u:pw@h/x ' + 'A'.repeat(48),
    );
    expect(s).not.toContain('eyJhbGci');
    expect(s).not.toContain('zzz9');
    expect(s).not.toContain(':pw@');
    expect(s).not.toContain('A'.repeat(48));
  });

  it('keeps container ids (64 hex) readable', () => {
    const id = 'f'.repeat(64);
    expect(redactText(`container ${id}`)).toBe(`container ${id}`);
  });

  it('quotes arguments with spaces for display', () => {
    expect(displayCommand(['sh', '-c', 'echo hi'])).toBe('sh -c "echo hi"');
  });
});

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
      `Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def token=zzz9 https://u:pw@h/x ${'A'.repeat(48)}`,
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

describe('redaction of the forms real stacks use', () => {
  it('password flags of common clients and servers', () => {
    expect(displayCommand(['redis-server', '--requirepass', 's3cr3t'])).not.toContain('s3cr3t');
    expect(displayCommand(['redis-cli', '-a', 's3cr3t', 'ping'])).not.toContain('s3cr3t');
    expect(displayCommand(['/usr/bin/mysql', '-uroot', '-ps3cr3t'])).not.toContain('s3cr3t');
    expect(displayCommand(['mysql', '-uroot', '-ps3cr3t'])).toContain('-uroot');
    // -p as a port elsewhere stays.
    expect(displayCommand(['httpd', '-f', '-p', '8080'])).toBe('httpd -f -p 8080');
  });

  it('shell strings (sh -c, CMD-SHELL healthchecks) are redacted word by word', () => {
    const out = displayCommand(['sh', '-c', 'exec app --token s3cr3t --port 80']);
    expect(out).not.toContain('s3cr3t');
    expect(out).toContain('--port 80');
  });

  it('URL userinfo even when the password holds / or @', () => {
    expect(redactText('proxy http://user:p@ss/w0rd@proxy.corp:3128 here')).not.toMatch(/p@ss|w0rd/);
  });

  it('credential headers by name', async () => {
    const { redactHeader } = await import('@/lib/redact');
    expect(redactHeader('X-Api-Key', 'abc123')).toBe(REDACTED);
    expect(redactHeader('Private-Token', 'abc123')).toBe(REDACTED);
    expect(redactHeader('Content-Type', 'text/html')).toBe('text/html');
  });
});

describe('secret shapes seen in real logs and bodies', () => {
  const corpus: Array<[string, string]> = [
    ['{"password":"hunter2"}', 'hunter2'],
    ['{"user":"bob","apiKey": "sk-test-123"}', 'sk-test-123'],
    ['"client_secret": "with spaces inside"', 'with spaces inside'],
    [`{"token":"a\\"b-tail"}`, 'b-tail'],
    ["password: 'quoted value'", 'quoted value'],
    ['db_password: hunter2', 'hunter2'],
    ['login failed: password hunter2 rejected', 'hunter2'],
    ['auth eyJhbGciOi.eyJzdWIiOjF9.sig', 'eyJzdWIiOjF9'],
    ['ACCESS_KEY=AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
  ];
  for (const [line, secret] of corpus)
    it(`masks ${line.slice(0, 40)}`, () => {
      const out = redactText(line);
      expect(out).not.toContain(secret);
      expect(out).toContain(REDACTED);
    });

  it('keeps what is not a secret', () => {
    expect(redactText('{"user":"bob","port":8080}')).toBe('{"user":"bob","port":8080}');
    expect(redactText('GET /healthz 200')).toBe('GET /healthz 200');
  });

  it('runs in linear time on hostile input', () => {
    for (const s of [
      'a.'.repeat(32 * 1024),
      'a'.repeat(64 * 1024),
      'a:"'.repeat(20_000),
      `x${' '.repeat(64 * 1024)}=`,
      'password '.repeat(8000),
      `eyJ${'a'.repeat(60_000)}`,
      'http:'.repeat(12_000),
    ]) {
      const t0 = performance.now();
      redactText(s);
      expect(performance.now() - t0, s.slice(0, 12)).toBeLessThan(250);
    }
  });
});

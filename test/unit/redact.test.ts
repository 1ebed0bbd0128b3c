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

  it('is idempotent on a word with a stray line break (a fast-check counterexample)', () => {
    const once = redactArgs(['-c', '-password\n', '-c']);
    expect(redactArgs(once)).toEqual(once);
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

  it('quotes arguments as a shell takes them back: nothing inside expands', () => {
    expect(displayCommand(['sh', '-c', 'echo hi'])).toBe("sh -c 'echo hi'");
    expect(displayCommand(['sh', '-c', 'echo $(id) `id` "x"'])).toBe(`sh -c 'echo $(id) \`id\` "x"'`);
    expect(displayCommand(['echo', "it's"])).toBe(`echo 'it'\\''s'`);
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
    ['using key AKIAIOSFODNN7EXAMPLE for s3', 'AKIAIOSFODNN7EXAMPLE'],
    ['clone with ghp_16C7e42F292c6912E7710c838347Ae178B4a', '16C7e42F292c6912E7710c838347Ae178B4a'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', '11ABCDEFG0123456789'],
    ['glpat-AbCdEfGhIjKlMnOpQrSt used', 'AbCdEfGhIjKlMnOpQrSt'],
    ['slack xoxb-123456789012-1234567890123-AbCdEfGhIjKl', '1234567890123-AbCdEfGhIjKl'],
    ['charge with sk_live_51H8abcdEFGHijklMNOP', '51H8abcdEFGHijklMNOP'],
    ['maps AIzaSyA-1234567890abcdefghijklmnopqrstu', 'SyA-1234567890abcdefghijklmnopqrstu'],
    ['OPENAI sk-proj-abcdefghijklmnopqrstuvwxyz0123', 'abcdefghijklmnopqrstuvwxyz0123'],
    [
      '//registry.npmjs.org/:_authToken npm_abcdefghijklmnopqrstuvwxyz0123456789',
      'abcdefghijklmnopqrstuvwxyz0123456789',
    ],
    [
      'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx2b3kdh3\nabcdEFGH1234\n-----END RSA PRIVATE KEY-----\nnext',
      'MIIEowIBAAKCAQEAx2b3kdh3',
    ],
    ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA (cut here', 'b3BlbnNzaC1rZXktdjEAAAAA'],
  ];
  for (const [line, secret] of corpus)
    it(`masks ${line.slice(0, 40)}`, () => {
      const out = redactText(line);
      expect(out).not.toContain(secret);
      expect(out).toContain(REDACTED);
    });

  it('a PEM key is cut from BEGIN through END; what follows stays', () => {
    expect(redactText('a -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY----- b')).toBe(
      `a -----BEGIN PRIVATE KEY----- ${REDACTED} -----END PRIVATE KEY----- b`,
    );
    // An END line without its closing dashes: the rest of the text goes with it.
    expect(redactText('-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIV')).toBe(
      `-----BEGIN PRIVATE KEY----- ${REDACTED} -----END PRIVATE KEY-----`,
    );
    expect(redactText('-----BEGIN CERTIFICATE-----\nMIIB')).toBe('-----BEGIN CERTIFICATE-----\nMIIB');
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
      '-----BEGIN '.repeat(6_000),
      '-----BEGIN PRIVATE KEY-----'.repeat(2_000),
      `ghp_${'a'.repeat(60_000)}`,
    ]) {
      const t0 = performance.now();
      redactText(s);
      expect(performance.now() - t0, s.slice(0, 12)).toBeLessThan(250);
    }
  });
});

describe('redaction gaps the property tests found', () => {
  it('a secret-named key longer than 64 characters', () => {
    // opaque: false, so that the long key itself is not taken for an opaque token.
    const plain = { opaque: false };
    const json = '{"my_very_long_service_account_private_key_for_the_production_cluster_xyz":"s3cr3t"}';
    expect(redactText(json, plain)).toBe(
      `{"my_very_long_service_account_private_key_for_the_production_cluster_xyz":"${REDACTED}"}`,
    );
    const key = `a_${'x'.repeat(70)}_password`;
    expect(redactText(`${key}=hunter2`, plain)).toBe(`${key}=${REDACTED}`);
    expect(redactText(`${'k'.repeat(300)}_token: hunter2 ok`, plain)).toBe(
      `${'k'.repeat(300)}_token: ${REDACTED} ok`,
    );
    expect(redactText(json)).not.toContain('s3cr3t');
    // The key is the whole run of [\w.-], whatever its first character.
    expect(redactText('2fa_token=abc --db-password=x')).toBe(
      `2fa_token=${REDACTED} --db-password=${REDACTED}`,
    );
  });

  it('a quoted value longer than 4 KiB, and a bare one, are redacted whole', () => {
    const long = 'b'.repeat(5000);
    expect(redactText(`"password": "${long}", "user": "bob"`, { opaque: false })).toBe(
      `"password": "${REDACTED}", "user": "bob"`,
    );
    expect(redactText(`{"token":"${'a\\"'.repeat(3000)}"}`, { opaque: false })).toBe(
      `{"token":"${REDACTED}"}`,
    );
    expect(redactText(`password=${'a1'.repeat(3000)} next`, { opaque: false })).toBe(
      `password=${REDACTED} next`,
    );
  });

  it('an unterminated quote: the value up to the end of the line', () => {
    expect(redactText('password="hunter2 and the rest of the line\nnext line')).toBe(
      `password="${REDACTED}\nnext line`,
    );
    expect(redactText("secret: 'hunter2 and more")).toBe(`secret: '${REDACTED}`);
    // A key that is not a secret keeps its unterminated value, as before.
    expect(redactText('note: "hunter2 and more')).toBe('note: "hunter2 and more');
  });

  it('";" inside a value is part of the secret; "; " still separates cookies', () => {
    expect(redactText('password=abc;def')).toBe(`password=${REDACTED}`);
    expect(redactText('password=abc;;def;')).toBe(`password=${REDACTED};`);
    expect(redactText('Cookie: a=1; session=xyz; b=2')).toBe(`Cookie: ${REDACTED}; session=${REDACTED}; b=2`);
    // A non-secret value still ends at ";", so the pair after it is found.
    expect(redactText('user=bob;password=abc;def')).toBe(`user=bob;password=${REDACTED}`);
  });

  it("a secret inside a quoted value that is not one (a JSON log line's message)", () => {
    expect(redactText('{"msg":"login with password=hunter2 from 10.0.0.1","level":"info"}')).toBe(
      `{"msg":"login with password=${REDACTED} from 10.0.0.1","level":"info"}`,
    );
    expect(redactText(`note: 'db token: abc123'`)).toBe(`note: 'db token: ${REDACTED}'`);
    // A bare value that is not a secret is still passed over whole.
    expect(redactText('path=/a:b=c user=bob')).toBe('path=/a:b=c user=bob');
  });

  it('secrets inside the value of a pair that is not one: nested pairs, URL queries', () => {
    expect(redactText('foo=password=hunter2')).toBe(`foo=password=${REDACTED}`);
    expect(redactText('url=http://a/?token=abc123&x=1')).toBe(`url=http://a/?token=${REDACTED}&x=1`);
    expect(redactText('--upstream=https://h/cb?api_key=s3cr3t')).not.toContain('s3cr3t');
  });

  it('stays fast on 1 MiB hostile strings', () => {
    const MiB = 1 << 20;
    for (const s of [
      `"password": "${'a'.repeat(MiB)}`,
      `"password": "${'a\\'.repeat(MiB / 2)}`,
      `note: "${'a'.repeat(MiB)}`,
      'a.'.repeat(MiB / 2),
      'a-'.repeat(MiB / 2),
      `${'a'.repeat(MiB)}=x`,
      `password=${'a;'.repeat(MiB / 2)}`,
      'a:"'.repeat(MiB / 3),
      'a:\'x:"'.repeat(MiB / 6),
      `m:"${'k:\'k:"\\"'.repeat(MiB / 8)}`,
      `m:"${'k: '.repeat(MiB / 3)}`,
      '1='.repeat(MiB / 2),
      '-1:'.repeat(MiB / 3),
      `x${' '.repeat(MiB)}=`,
      `${'k'.repeat(1023)}:`.repeat(MiB / 1024),
      `${'k'.repeat(1500)} `.repeat(MiB / 1501),
    ]) {
      const t0 = performance.now();
      redactText(s);
      expect(performance.now() - t0, s.slice(0, 16)).toBeLessThan(1000);
    }
  });
});

/**
 * Redaction of secret-looking values in strings Reachmap shows or stores (command lines,
 * healthchecks, log lines, probe headers). Environment values are never read in the first
 * place (lib/docker/schemas) except proxy variables, whose credentials are removed there.
 */

export const REDACTED = '‹redacted›';

/** Names whose values are secrets: flags, variables, header names, log keys. */
export const SECRET_NAME =
  /(token|secret|passw(or)?d|\bpass\b|passwd|pwd|passphrase|requirepass|masterauth|api[-_]?key|apikey|private[-_]?key|access[-_]?key|credential|auth|cookie|session|signature)/i;

/** Short flags whose next argument (or attached value) is a password in common clients. */
const SHORT_SECRET_FLAGS: Record<string, RegExp> = {
  'redis-cli': /^-a$/,
  mysql: /^-p/,
  mysqldump: /^-p/,
  mariadb: /^-p/,
  mysqladmin: /^-p/,
};

const base = (p: string) => p.split('/').pop() ?? p;

/** `--token abc`, `--token=abc`, `FOO_TOKEN=abc`, `redis-cli -a X`, `mysql -pX`, and shell strings (`sh -c "…"`). */
export function redactArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  const program = base(args[0] ?? '');
  // Own keys only: a program named "valueOf" must not find Object.prototype's.
  const shortFlag = Object.hasOwn(SHORT_SECRET_FLAGS, program) ? SHORT_SECRET_FLAGS[program] : undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    // A shell string holds a whole command line: redact its words the same way.
    if (i > 0 && (args[i - 1] === '-c' || /\s/.test(a)) && /\s/.test(a)) {
      out.push(redactArgs(a.split(/(\s+)/).filter((w) => w.trim())).join(' '));
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0 && SECRET_NAME.test(a.slice(0, eq))) {
      out.push(`${a.slice(0, eq + 1)}${REDACTED}`);
      continue;
    }
    if (shortFlag?.test(a)) {
      // -pSECRET (attached) or -a SECRET (next argument).
      if (a.length > 2) out.push(`${a.slice(0, 2)}${REDACTED}`);
      else {
        out.push(a);
        if (i + 1 < args.length) {
          out.push(REDACTED);
          i++;
        }
      }
      continue;
    }
    out.push(redactText(a));
    if (/^--?[\w-]+$/.test(a) && SECRET_NAME.test(a) && i + 1 < args.length) {
      out.push(REDACTED);
      i++;
    }
  }
  return out;
}

/**
 * `key=value`, `key: value`, and the JSON/YAML shapes `"key": "value with spaces"`,
 * `'key': 'v'`, with an escaped quote inside a JSON string kept inside the value. Every
 * repetition is bounded, so the pattern stays linear on hostile input (a 64 KiB `a.a.a…`).
 */
const PAIR =
  /(["']?)\b([A-Za-z_][\w.-]{0,63})\1[ \t]*([=:])[ \t]*(?:"((?:[^"\\\n]|\\.){0,4096})"|'([^'\n]{0,4096})'|([^\s"'&;,}\]]{1,4096}))/g;
/** `password hunter2`: a password word followed by its value, as people write it in logs. */
const PASSWORD_WORD = /\b(passw(?:or)?d|passphrase|pwd)([ \t]+)([^\s"',;]{1,4096})/gi;
/** A JSON Web Token, however short: three base64url parts, the first starting `eyJ` (`{"`). */
const JWT = /\beyJ[A-Za-z0-9_-]{2,4096}\.[A-Za-z0-9_-]{2,8192}\.[A-Za-z0-9_-]{0,8192}/g;

/**
 * Free text: secret-named pairs (plain, JSON, YAML), bearer tokens, JWTs, URL credentials,
 * and (unless `opaque: false`, for text that also holds identifiers such as paths and
 * finding ids) long opaque strings.
 */
export function redactText(s: string, { opaque = true }: { opaque?: boolean } = {}): string {
  const masked = s
    .replace(/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(PAIR, (m, _q: string, key: string, _sep: string, dq?: string, sq?: string, bare?: string) => {
      if (!SECRET_NAME.test(key)) return m;
      const value = dq !== undefined ? `"${dq}"` : sq !== undefined ? `'${sq}'` : (bare ?? '');
      const quote = dq !== undefined ? '"' : sq !== undefined ? "'" : '';
      return `${m.slice(0, m.length - value.length)}${quote}${REDACTED}${quote}`;
    })
    .replace(PASSWORD_WORD, (m, word: string, gap: string, value: string) =>
      value === REDACTED || value.startsWith('‹') ? m : `${word}${gap}${REDACTED}`,
    )
    // Everything between "://" and the last "@" of the word is userinfo (passwords may hold
    // "/" or "@"). The match takes the rest of the word once, so the scan stays linear.
    .replace(/\b(\w{1,32}:\/\/)(\S+)/g, (m, scheme: string, rest: string) => {
      const at = rest.lastIndexOf('@');
      return at < 0 ? m : `${scheme}${REDACTED}${rest.slice(at)}`;
    });
  return opaque
    ? masked.replace(/\b[A-Za-z0-9+/_-]{40,}={0,2}/g, (m) => (/^[0-9a-f]{64}$/.test(m) ? m : REDACTED))
    : masked;
}

/** A header's value, unless its name says it is a credential. */
export function redactHeader(name: string, value: string): string {
  return SECRET_NAME.test(name) ? REDACTED : redactText(value);
}

/** Quote an argv for display (not for a shell). */
export function displayCommand(args: readonly string[]): string {
  return redactArgs(args)
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) || a === REDACTED ? a : JSON.stringify(a)))
    .join(' ');
}

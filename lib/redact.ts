/**
 * Redaction of secret-looking values in strings Reachmap shows or stores (command lines,
 * healthchecks, log lines, probe headers). Environment values are never kept (lib/docker/schemas):
 * proxy variables lose their credentials there, and other variables give at most the scheme,
 * host and port of a URL or host:port they hold (lib/topology/envRefs).
 */

import { shellWord } from './util/shellWord';

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
    // One word with a stray line break is not a command line: splitting would drop the break
    // and let a second pass read the word as a flag (fast-check found ["-c", "-password\n", "-c"]).
    if (i > 0 && /\s/.test(a.trim())) {
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
 * The head of a pair: `key=value`, `key: value`, and the JSON/YAML shapes `"key": `, `'key': `.
 * The key is a whole run of [\w.-] (`--token`, `db.password`, a 70-character
 * `…_private_key`), read from the start of the run only (the lookbehind) and atomically
 * (`(?=(…))\2` cannot backtrack): each run is read at most twice however long it is, so the
 * scan stays linear on hostile input (a 1 MiB `a.a.a…`). A run longer than 1 KiB is not a key.
 * The value is read by hand in `redactPairs`.
 */
const PAIR = /(["']?)(?<![\w.-])(?=([\w.-]{1,1024}))\2\1[ \t]*[=:][ \t]*/g;
/** One run of a bare value: it ends at whitespace, a quote, or the separators & ; , } ]. */
const BARE = /[^\s"'&;,}\]]{1,4096}/y;

/**
 * Where a value in quotes that opens at `open` ends: after its closing quote (`closed`), else
 * at the end of the line. A backslash escapes in double quotes only, as in JSON; neither kind
 * spans lines.
 */
function quotedEnd(s: string, open: number): { end: number; closed: boolean } {
  const q = s[open];
  let j = open + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === q) return { end: j + 1, closed: true };
    if (c === '\n') break;
    j += c === '\\' && q === '"' && j + 1 < s.length && s[j + 1] !== '\n' ? 2 : 1;
  }
  return { end: j, closed: false };
}

/**
 * Where a secret's bare value starting at `i` ends (`i` when there is none): past 4 KiB, and
 * through a ";" followed by more of it (`password=abc;def`), but not through a "; "
 * separator (`Cookie: a=1; session=x; b=2`).
 */
function bareEnd(s: string, i: number): number {
  let j = i;
  for (;;) {
    BARE.lastIndex = j;
    if (BARE.test(s)) j = BARE.lastIndex;
    else if (s[j] === ';' && /\S/.test(s[j + 1] ?? '')) j++;
    else return j;
  }
}

/**
 * Secret-named pairs: the value, quotes kept, becomes ‹redacted›. A quoted secret is redacted
 * up to its closing quote however long, or to the end of the line when it has none (an
 * unterminated `password="…`); every step moves forward, so the whole pass is linear. The
 * value of a pair whose key is not a secret is read on for pairs of its own.
 */
function redactPairs(s: string): string {
  let out = '';
  let copied = 0;
  PAIR.lastIndex = 0;
  for (let m = PAIR.exec(s); m; m = PAIR.exec(s)) {
    const key = m[2] as string;
    const at = PAIR.lastIndex;
    const secret = SECRET_NAME.test(key);
    const q = s[at];
    const open = q === '"' || q === "'" ? q : '';
    if (!secret) {
      // Not a secret: read on inside its value, which may hold pairs of its own (a JSON
      // message "login with password=x", a URL's ?token=…, foo=password=x). Nothing is
      // measured ahead here, so a hostile "1=1=1=…" stays linear.
      if (PAIR.lastIndex === m.index) PAIR.lastIndex++;
      if (open) PAIR.lastIndex = at + 1;
      continue;
    }
    let end: number;
    let closing = '';
    if (open) {
      const v = quotedEnd(s, at);
      end = v.end;
      if (v.closed) closing = open;
    } else {
      end = bareEnd(s, at);
      if (end === at) continue;
    }
    out += `${s.slice(copied, at)}${open}${REDACTED}${closing}`;
    copied = PAIR.lastIndex = end;
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/**
 * Credentials recognisable by their own shape wherever they stand, with no key before them:
 * cloud access key ids, GitHub/GitLab/Slack/Stripe/Google/npm tokens, `sk-…` API keys.
 */
const KNOWN_TOKEN =
  /\b(?:(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{20,255}|glpat-[A-Za-z0-9_-]{20,64}|xox[abposr]-[A-Za-z0-9-]{10,255}|[sr]k_(?:live|test)_[A-Za-z0-9]{10,255}|AIza[A-Za-z0-9_-]{35}|sk-[A-Za-z0-9_-]{20,255}|npm_[A-Za-z0-9]{36})\b/g;

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----/y;
/**
 * A PEM private key, from its BEGIN line through its END line (or to the end of the text when
 * it was cut). One forward pass: each search starts where the last one ended.
 */
function redactPem(s: string): string {
  let out = '';
  let copied = 0;
  for (let at = s.indexOf('-----BEGIN', 0); at >= 0; at = s.indexOf('-----BEGIN', at)) {
    PEM_BEGIN.lastIndex = at;
    if (!PEM_BEGIN.test(s)) {
      at += 10;
      continue;
    }
    const end = s.indexOf('-----END', PEM_BEGIN.lastIndex);
    const close = end < 0 ? -1 : s.indexOf('-----', end + 8);
    const stop = close < 0 ? s.length : close + 5;
    out += `${s.slice(copied, at)}-----BEGIN PRIVATE KEY----- ${REDACTED} -----END PRIVATE KEY-----`;
    copied = at = stop;
  }
  return copied === 0 ? s : out + s.slice(copied);
}

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
  const masked = redactPairs(
    redactPem(s)
      .replace(/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`)
      .replace(JWT, REDACTED)
      .replace(KNOWN_TOKEN, REDACTED),
  )
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

/** An argv as a shell would take it back (operators paste what they see). */
export function displayCommand(args: readonly string[]): string {
  return redactArgs(args)
    .map((a) => (a === REDACTED ? a : shellWord(a)))
    .join(' ');
}

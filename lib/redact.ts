/**
 * Redaction of secret-looking values in strings Reachmap shows or stores (command lines,
 * log lines). Environment values are never read in the first place (lib/docker/schemas).
 */

export const REDACTED = '‹redacted›';

const SECRET_NAME =
  /(token|secret|passw(or)?d|passphrase|api[-_]?key|apikey|private[-_]?key|access[-_]?key|credential|auth|cookie|session)/i;

/** `--token abc`, `--token=abc`, `-p abc` after a secret-named flag, `FOO_TOKEN=abc`. */
export function redactArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const eq = a.indexOf('=');
    if (eq > 0 && SECRET_NAME.test(a.slice(0, eq))) {
      out.push(`${a.slice(0, eq + 1)}${REDACTED}`);
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

/** Free text: key=value / key: value pairs with secret-like keys, bearer tokens, URL credentials, long opaque strings. */
export function redactText(s: string): string {
  return s
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`)
    .replace(
      /\b([A-Za-z_][\w.-]*)\s*([=:])\s*("?)([^\s"&;,]+)\3/g,
      (m, key: string, sep: string, q: string) =>
        SECRET_NAME.test(key) ? `${key}${sep}${q}${REDACTED}${q}` : m,
    )
    .replace(/(\w+:\/\/[^/\s:@]+):[^@\s/]+@/g, `$1:${REDACTED}@`)
    .replace(/\b[A-Za-z0-9+/_-]{40,}={0,2}/g, (m) => (/^[0-9a-f]{64}$/.test(m) ? m : REDACTED));
}

/** Quote an argv for display (not for a shell). */
export function displayCommand(args: readonly string[]): string {
  return redactArgs(args)
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) || a === REDACTED ? a : JSON.stringify(a)))
    .join(' ');
}

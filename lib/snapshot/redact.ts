import { REDACTED, redactText, SECRET_NAME } from '../redact';

/**
 * A snapshot leaves the machine (a link, an export, a chat message), so everything in it
 * is redacted once more before it is stored, whatever the producers already masked: every
 * string through the free-text rules (not the long-opaque-string one: it would mangle paths
 * and ids, and the producers of commands, logs and bodies already apply it), and every string-valued property whose name says
 * secret (a label `api-token=…`, a header `Cookie: …`) replaced whole. The data model's own
 * property names never match SECRET_NAME (test/unit/snapshotRedact.test.ts keeps it so).
 */
export function redactDeep<T>(value: T): T {
  return walk(value) as T;
}

function walk(v: unknown): unknown {
  if (typeof v === 'string') return v.length < 6 ? v : redactText(v, { opaque: false });
  if (Array.isArray(v)) return v.map(walk);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = typeof x === 'string' && x !== '' && SECRET_NAME.test(k) ? REDACTED : walk(x);
    }
    return out;
  }
  return v;
}

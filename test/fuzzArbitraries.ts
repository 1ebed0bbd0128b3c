import fc from 'fast-check';

/** Shared generators and helpers for test/unit/fuzz.test.ts. */

/** Generated cases across the file (sum of numRuns), for the record. */
export const corpus = { cases: 0 };

/** fc.assert with a run count, counted into `corpus`. */
export function holds(prop: Parameters<typeof fc.assert>[0], numRuns: number): void {
  corpus.cases += numRuns;
  fc.assert(prop, { numRuns });
}

export const KIB64 = 64 * 1024;

/** `unit` repeated to exactly `size` characters. */
export function fill(unit: string, size = KIB64): string {
  return unit.repeat(Math.ceil(size / Math.max(1, unit.length))).slice(0, size);
}

/** Absolute bound for one call on a 64 KiB hostile input: generous for a slow, busy machine. */
export const HOSTILE_MS = 500;

/**
 * Milliseconds for `f()`, the best of up to three tries: a GC pause or a busy neighbour
 * does not fail a linear function, a quadratic one is slow every time.
 */
export function bestMs(f: () => unknown, tries = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < tries && best >= HOSTILE_MS / 5; i++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** Repeated units that defeat naive regular expressions and parsers. */
export const HOSTILE_UNITS = [
  'a.a.',
  'a',
  '=',
  ':',
  '"',
  "'",
  '`',
  '\\',
  '\\"',
  '[',
  ']',
  '}',
  '(',
  ')',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '#',
  ';',
  ',',
  '-',
  '--',
  '/',
  '%',
  '$',
  '@',
  '0',
  '1.',
  'a=',
  'a:',
  'a: ',
  'a=b&',
  '"a":',
  '"a":"',
  "'a':'",
  'a="',
  "a='",
  '://',
  'a://',
  'a@',
  'eyJ',
  'eyJa.',
  'eyJaa.aa.',
  'password ',
  'token=',
  'Bearer ',
  'a\\',
  '\u00a0',
  '‹',
  '\u2028',
  'é',
  '😀',
  '\0',
  '\x7f',
];

/** Characters the hostile fragments are drawn from (fragments are then repeated to 64 KiB). */
export const HOSTILE_CHARS = [
  ...'aZ09.:=-_/@#;,&%$ \t\n\r"\'`\\()[]<>?!*+|~^',
  '\u00a0',
  '\u2028',
  'é',
  '‹',
  '›',
  '\0',
];

/** A short fragment over `chars`, to be repeated into a hostile input. */
export const fragment = (chars: readonly string[] = HOSTILE_CHARS) =>
  fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength: 8 });

/** Text mixing hostile characters, whole hostile units and plain words. */
export const hostileText = (maxLength = 300) =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...HOSTILE_CHARS),
        fc.constantFrom(...HOSTILE_UNITS),
        fc.string({ maxLength: 6 }),
        fc.constantFrom('password', 'token', 'secret', 'api_key', 'Authorization', 'http', 'upstream'),
      ),
      { maxLength: Math.floor(maxLength / 4) },
    )
    .map((parts) => parts.join('').slice(0, maxLength));

/** Any string: ASCII-biased and full-Unicode (lone surrogates included). */
export const anyString = (maxLength = 400) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    hostileText(maxLength),
  );

/** Lines joined by \n, each from `line`. */
export const linesOf = (line: fc.Arbitrary<string>, maxLines = 20) =>
  fc.array(line, { maxLength: maxLines }).map((ls) => ls.join('\n'));

export const hexChars = [...'0123456789ABCDEF'];
export const hex = (minLength: number, maxLength = minLength) =>
  fc.string({ unit: fc.constantFrom(...hexChars), minLength, maxLength });

/** Uppercase hex of a 32-bit word, zero-padded. */
export const word32 = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

/** Object.prototype names: used as map keys they reach inherited members (reported separately). */
export const notInherited = (s: string) => !(s in Object.prototype);

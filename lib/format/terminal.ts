/**
 * Names, labels and command lines come from the engine as arbitrary UTF-8. Before they
 * reach a terminal, strip control characters (ANSI escapes) and bidi overrides.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function safe(s: string): string {
  return s.replace(UNSAFE, '\uFFFD');
}

export const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

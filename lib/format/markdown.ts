import type { Finding } from '../model/topology';

/**
 * Markdown out of untrusted strings (names, labels, headers, bodies): escaped so a value
 * cannot forge links, tables, emphasis or HTML. Pure.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const CONTROL = /[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text that stays text. */
export function md(s: string): string {
  return (
    s
      .replace(CONTROL, ' ')
      .replace(/[\\`*[\]|<>~]/g, (c) => `\\${c}`)
      // Underscores only matter at word edges (GFM ignores intraword ones: my_container_1).
      .replace(/(^|[^\p{L}\p{N}])_|_(?=[^\p{L}\p{N}]|$)/gu, (m) => m.replace('_', '\\_'))
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Inside a code span: only backticks need care. */
export function code(s: string): string {
  return `\`${s.replace(CONTROL, ' ').replace(/`/g, 'ˋ')}\``;
}

export function mdTable(rows: string[][]): string[] {
  const [head, ...body] = rows;
  if (!head) return [];
  return [
    `| ${head.map(md).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.map(md).join(' | ')} |`),
  ];
}

/** One finding: title, message, evidence, and its fix as a code block. */
export function findingMarkdown(f: Finding): string[] {
  return [
    `### ${f.severity.toUpperCase()}: ${md(f.title)}`,
    '',
    md(f.message),
    '',
    ...f.evidence.map((e) => `- ${md(e.label)}: ${code(e.value)} (${e.source})`),
    '',
    `**Fix** (${f.pattern}, confidence ${f.confidence}):`,
    '',
    '```',
    f.fix.replace(/```/g, "'''"),
    '```',
    '',
  ];
}

import type { RunbookReport } from '../model/runbook';

/**
 * The runbook as an incident note in Markdown. Every value comes from the engine, a
 * container or the network: escaped so it cannot forge links, tables or HTML. Pure.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
const CONTROL = /[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text that stays text: no HTML, no links, no emphasis, no table breaks. */
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
function code(s: string): string {
  const clean = s.replace(CONTROL, ' ').replace(/`/g, 'ˋ');
  return `\`${clean}\``;
}

const ICON = { pass: '✅ pass', fail: '❌ fail', info: 'ℹ️ info', skipped: '⏭ skipped' } as const;

function table(rows: string[][]): string[] {
  const [head, ...body] = rows;
  if (!head) return [];
  return [
    `| ${head.map(md).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.map(md).join(' | ')} |`),
  ];
}

export function runbookMarkdown(r: RunbookReport): string {
  const out: string[] = [];
  const verdict =
    r.stoppedAt === null
      ? 'all steps ran'
      : `stopped at step ${r.stoppedAt}: ${md(r.steps[r.stoppedAt - 1]?.summary ?? '')}`;
  out.push(
    `# Reachability runbook: ${md(r.from)} → ${md(r.to)}`,
    '',
    `- When: ${md(r.createdAt)}`,
    `- Initiator: ${md(r.initiator.name)} (${md(r.initiator.kind)}, ${md(r.initiator.netns ?? 'netns unknown')})`,
    `- Target: ${code(r.target.input)}${r.origin ? ` with Origin ${code(r.origin)}` : ''}`,
    `- Result: ${verdict}`,
    '',
  );
  if (r.findings.length) {
    out.push('## Findings', '');
    for (const f of r.findings) {
      out.push(`### ${f.severity.toUpperCase()}: ${md(f.title)}`, '', md(f.message), '');
      for (const e of f.evidence) out.push(`- ${md(e.label)}: ${code(e.value)} (${e.source})`);
      out.push(
        '',
        `**Fix** (${f.pattern}, confidence ${f.confidence}):`,
        '',
        '```',
        f.fix.replace(/```/g, "'''"),
        '```',
        '',
      );
    }
  }
  out.push('## Steps', '');
  for (const s of r.steps) {
    out.push(`### ${s.n}. ${md(s.title)} — ${ICON[s.status]}`, '', md(s.summary), '');
    for (const l of s.lines) out.push(`- ${md(l)}`);
    if (s.lines.length) out.push('');
    if (s.table) out.push(...table(s.table), '');
  }
  if (r.connections.length) {
    out.push('## Connections', '');
    out.push(
      ...table([
        ['initiator', 'target', 'resolution', 'layers', 'verdict'],
        ...r.connections.map((c) => [
          c.initiator,
          c.target,
          c.resolution,
          c.layers.join(' → ') || '—',
          `${c.verdict}${c.decisive ? ` (${c.decisive})` : ''}`,
        ]),
      ]),
      '',
    );
  }
  out.push('## Paired probes', '');
  for (const p of r.probes) {
    out.push(
      `- ${code(p.id)} ${md(p.initiator.name)} → ${code(p.target.input)}${p.origin ? ` Origin ${code(p.origin)}` : ''}: **${p.verdict}**${p.decisive ? ` ${code(p.decisive)}` : ''} (${md(p.runner.kind)}, ${md(p.startedAt)})`,
    );
  }
  out.push('');
  return out.join('\n');
}

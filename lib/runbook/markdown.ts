import { code, findingMarkdown, md, mdTable as table } from '../format/markdown';
import type { RunbookReport } from '../model/runbook';
import { connectionsTable } from '../review/markdown';

export { md };

/**
 * The runbook as an incident note in Markdown. Every value comes from the engine, a
 * container or the network: escaped so it cannot forge links, tables or HTML. Pure.
 */

const ICON = { pass: '✅ pass', fail: '❌ fail', info: 'ℹ️ info', skipped: '⏭ skipped' } as const;

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
    for (const f of r.findings) out.push(...findingMarkdown(f));
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
    out.push(...connectionsTable(r.connections), '');
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

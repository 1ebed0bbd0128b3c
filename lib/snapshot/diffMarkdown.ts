import { code, md, mdTable } from '../format/markdown';
import type { SnapshotDiff } from '../model/diff';

/** The diff as a table for a review or a chat message. Pure; every value escaped. */

const side = (s: SnapshotDiff['before']) =>
  `${s.ref === 'now' ? 'now' : code(s.ref)} (${md(s.host)}, ${md(s.takenAt)}${s.note ? `, ${md(s.note)}` : ''})`;

export function diffRows(d: SnapshotDiff): string[][] {
  return [
    ['container', 'change', 'fact', 'matrix cell', 'before', 'after'],
    ...d.changes.map((c) => [c.subject, c.kind, c.field ?? '', c.cell ?? '', c.before ?? '', c.after ?? '']),
  ];
}

export function diffMarkdown(d: SnapshotDiff): string {
  const out = [`# Reachmap diff`, '', `- Before: ${side(d.before)}`, `- After: ${side(d.after)}`, ''];
  if (d.multiCell) {
    out.push(
      `> ⚠️ **This change moves ${d.multiCell.cells.length} matrix cells at once** (${d.multiCell.cells.join(', ')}): if it breaks, it cannot be bisected. Change one cell per step.`,
      '',
      ...d.multiCell.subjects.map((s) => `> - ${md(s.subject)}: ${s.cells.join(', ')}`),
      '',
    );
  }
  if (!d.changes.length && !d.flips.length)
    out.push(
      'No difference in containers, listeners, networks, ports, proxies, origins or probe verdicts.',
      '',
    );
  if (d.changes.length) out.push('## Changes', '', ...mdTable(diffRows(d)), '');
  if (d.flips.length) {
    out.push('## Probe verdicts that flipped', '');
    for (const f of d.flips)
      out.push(
        `- ${md(f.path)}: ${f.before ?? '—'}${f.beforeDecisive ? ` (${code(f.beforeDecisive)})` : ''} → **${f.after ?? '—'}**${f.afterDecisive ? ` (${code(f.afterDecisive)})` : ''}`,
      );
    out.push('');
  }
  return out.join('\n');
}

import { code, findingMarkdown, md } from '../format/markdown';
import type { Snapshot } from '../model/snapshot';
import type { Finding } from '../model/topology';

/**
 * A snapshot as a chat message: the link first, then the red paths with their decisive
 * error, then the findings with their fixes. Every value is escaped (lib/format/markdown). Pure.
 */

const SEVERITY_ORDER: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

export function snapshotMarkdown(s: Snapshot, link: string | null): string {
  const t = s.topology;
  const running = t.containers.filter((c) => c.state === 'running').length;
  const failing = s.probes.filter((p) => p.initiator.verdict !== 'pass');
  const findings = [...t.findings, ...s.probeFindings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
  const out = [
    `# Reachmap snapshot of ${md(s.host)}`,
    '',
    ...(link ? [`- Link: <${link}>`] : []),
    `- Taken: ${md(s.takenAt)}${s.note ? ` — ${md(s.note)}` : ''}`,
    `- Host: ${t.containers.length} containers (${running} running), ${t.namespaces.length} namespaces, ${t.networks.length} networks; Docker ${md(t.host.engineVersion)}`,
    `- Probed paths: ${s.probes.length} (${failing.length} failing); findings: ${findings.length}`,
    '',
  ];
  if (failing.length) {
    out.push('## Red paths', '');
    for (const r of failing) {
      const p = r.initiator;
      out.push(
        `- ✖ ${md(p.initiator.name)} → ${code(p.target.input)}${p.origin ? ` Origin ${code(p.origin)}` : ''}: **${p.verdict}**${p.decisive ? ` — ${code(p.decisive)}` : ''}${r.host ? ` (from the host: ${r.host.verdict}${r.host.decisive ? ` ${code(r.host.decisive)}` : ''})` : ''}`,
      );
    }
    out.push('');
  }
  if (findings.length) {
    out.push('## Findings', '');
    for (const f of findings) out.push(...findingMarkdown(f));
  }
  if (s.runbooks.length) {
    out.push('## Runbooks', '');
    for (const r of s.runbooks) {
      const stop = r.stoppedAt === null ? 'all steps ran' : `stopped at step ${r.stoppedAt}`;
      out.push(`- ${md(r.from)} → ${code(r.to)}: ${stop}`);
    }
    out.push('');
  }
  return out.join('\n');
}

import type { Finding } from '../model/topology';
import { pad, safe } from './terminal';

/** Findings as the CLI prints them: severity, rule, title, message, evidence, fix. */
export function formatFindings(findings: Finding[], heading: string): string[] {
  const out = [findings.length ? `${heading} (${findings.length})` : `${heading}: none`];
  for (const f of findings) {
    out.push(`  ${pad(f.severity.toUpperCase(), 8)} ${f.rule}  ${safe(f.title)}`);
    out.push(`           ${safe(f.message)}`);
    for (const e of f.evidence) out.push(`           · ${safe(e.label)}: ${safe(e.value)} [${e.source}]`);
    out.push(`           fix: ${safe(f.fix)}`);
  }
  return out;
}

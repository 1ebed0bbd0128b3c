import { describePayload } from '../format/payload';
import type { ProbeStep } from '../model/probe';
import type { Snapshot } from '../model/snapshot';
import type { Finding } from '../model/topology';
import { assess, DECISIONS } from '../review/decisions';
import { serviceModels } from '../review/models';
import { connectionTable } from '../runbook/connections';
import { closedGroups, snapshotSvg, xml } from './svg';

/**
 * A snapshot as one self-contained HTML document: no script, no external reference, and a
 * CSP that forbids fetching anything, so it renders the same from file:// offline, in a
 * mail attachment or printed. It walks the review in the order domain.md gives: the graph,
 * the networking-model matrix, the decision table, the connection table, the findings,
 * then the evidence of every probed path and the runbooks. `/s/<id>/review` serves it for
 * printing; the HTML export is the same document. Pure.
 */

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE = `
a{color:#7dd3fc} *{box-sizing:border-box} body{font:13px/1.45 ui-sans-serif,system-ui,sans-serif;background:#0b1020;color:#e2e8f0;margin:0;padding:24px}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #334155;padding-bottom:4px}
h3{font-size:14px;margin:14px 0 6px} .dim{color:#94a3b8} code,pre{font-family:ui-monospace,monospace;font-size:12px}
pre{white-space:pre-wrap;background:#111827;padding:8px;border-radius:6px;margin:6px 0}
table{border-collapse:collapse;width:100%;margin:6px 0} th,td{border:1px solid #334155;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#111827;color:#cbd5e1} .graph{overflow:auto;border:1px solid #334155;border-radius:8px;max-height:80vh}
.graph svg{display:block} .card{border:1px solid #334155;border-radius:8px;padding:10px;margin:8px 0;background:#0f172a}
.error{color:#fca5a5} .warning{color:#fcd34d} .info{color:#93c5fd} .pass{color:#86efac} .fail{color:#fca5a5} .partial{color:#fcd34d}
.fix{background:#052e16;border-radius:6px;padding:6px 8px;margin-top:6px} .banner{background:#2e1065;padding:8px 12px;border-radius:6px;margin:10px 0}
@media print{body{background:#fff;color:#000;padding:0} .graph{max-height:none;overflow:visible;border:0} .graph svg{width:100%;height:auto}
 h2{page-break-before:always} h2.first{page-break-before:avoid} .card,pre{page-break-inside:avoid} th{background:#eee;color:#000}
 .dim{color:#444} .banner{background:#eee} .fix{background:#efe} .error,.fail{color:#b91c1c} .warning,.partial{color:#a16207} .pass{color:#15803d}}
`;

const e = xml;

function table(rows: string[][]): string {
  const [head, ...body] = rows;
  if (!head) return '';
  return `<table><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${body
    .map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function finding(f: Finding): string {
  return `<div class="card" data-rule="${e(f.rule)}"><b class="${f.severity}">${e(f.severity.toUpperCase())}</b> <b>${e(f.title)}</b>
<div class="dim">${e(f.rule)} · pattern ${e(f.pattern)} · confidence ${e(f.confidence)}</div>
<p>${e(f.message)}</p>
<ul>${f.evidence.map((x) => `<li>${e(x.label)}: <code>${e(x.value)}</code> <span class="dim">[${e(x.source)}]</span></li>`).join('')}</ul>
<div class="fix"><b>Fix:</b> ${e(f.fix)}</div></div>`;
}

function stepLine(s: ProbeStep): string {
  const detail =
    s.kind === 'dns'
      ? `${s.query} → ${s.addresses.join(', ') || 'no address'} (${s.source}${s.server ? ` ${s.server}` : ''})`
      : s.kind === 'tcp'
        ? s.attempts.map((a) => `${a.address}:${s.port} ${a.error ?? 'connected'}`).join('; ')
        : s.kind === 'http'
          ? `${s.status ?? ''} ${s.statusText ?? ''}`.trim()
          : s.kind === 'ws'
            ? `${s.statusLine ?? s.status ?? ''} ${s.outcome}`.trim()
            : s.kind === 'payload'
              ? describePayload(s)
              : '';
  const why = [s.error, s.note].filter(Boolean).join(' — ');
  return `<li><span class="${s.ok ? 'pass' : 'fail'}">${s.ok ? '✔' : '✖'}</span> <b>${e(s.kind.toUpperCase())}</b> ${e(detail)}${why ? ` <span class="${s.ok ? 'dim' : 'fail'}">${e(why)}</span>` : ''} <span class="dim">${Math.round(s.ms)} ms</span></li>`;
}

/** A large host's groups start closed in the overview: each opens here, without a script. */
function groupDetails(s: Snapshot): string[] {
  const groups = closedGroups(s);
  if (!groups.length) return [];
  return [
    `<p class="dim">${groups.length} groups are drawn closed above; open one:</p>`,
    ...groups.map(
      (g) =>
        `<details data-group="${e(g.key)}"><summary>${e(g.label)} <span class="dim">(${e(g.kind)})</span></summary><div class="graph">${snapshotSvg(s, g)}</div></details>`,
    ),
  ];
}

export function snapshotHtml(s: Snapshot, link: string | null, title = 'Reachmap snapshot'): string {
  const t = s.topology;
  const probes = s.probes.map((p) => p.initiator);
  const findings = [...t.findings, ...s.probeFindings];
  const out: string[] = [];
  out.push(
    `<h1>${e(title)} of ${e(s.host)}</h1>`,
    `<div class="dim">Taken ${e(s.takenAt)} · ${t.containers.length} containers · ${t.namespaces.length} namespaces · ${t.networks.length} networks · Docker ${e(t.host.engineVersion)}</div>`,
    s.note ? `<div class="banner">${e(s.note)}</div>` : '',
    link ? `<div class="dim">Link: <a href="${e(link)}">${e(link)}</a></div>` : '',
    '<h2 class="first">1. Graph</h2>',
    `<div class="graph">${snapshotSvg(s)}</div>`,
    ...groupDetails(s),
    '<h2>2. Networking models</h2>',
    table([
      ['service', 'model', 'listens', 'from the same compose file', 'from the host', 'main risk'],
      ...serviceModels(t).map((m) => [m.service, m.model, m.listen, m.fromCompose, m.fromHost, m.risk]),
    ]),
    '<h2>3. Decision table</h2>',
  );
  for (const d of DECISIONS) {
    out.push(
      `<h3>${e(d.constraint)}</h3>`,
      `<div class="dim">Safer default: ${e(d.saferDefault)} · acceptance signal: ${e(d.acceptanceSignal)} · main risk: ${e(d.mainRisk)}</div>`,
      table([
        ['service', 'follows', 'why', 'acceptance signal'],
        ...assess(t, probes, d.id).map((a) => [a.service, a.follows ? 'yes' : 'no', a.why, a.signal]),
      ]),
    );
  }
  out.push(
    '<h2>4. Connections</h2>',
    probes.length
      ? table([
          ['initiator', 'target', 'resolution (initiator’s namespace)', 'layers', 'verdict'],
          ...connectionTable(t, probes).map((c) => [
            c.initiator,
            c.target,
            c.resolution,
            c.layers.join(' → ') || '—',
            `${c.verdict}${c.decisive ? ` (${c.decisive})` : ''}`,
          ]),
        ])
      : '<p class="dim">No path was probed when this snapshot was taken.</p>',
    '<h3>Reverse proxies (their own configuration)</h3>',
    s.proxies.length
      ? table([
          ['proxy', 'route', 'upstream', 'Upgrade', 'Connection', 'HTTP', 'idle timeout'],
          ...s.proxies.flatMap((p) =>
            p.locations.length
              ? p.locations.map((l) => [
                  p.container,
                  `${l.server} ${l.path}`,
                  l.upstream ?? '—',
                  l.upgradeHeader ?? 'not forwarded',
                  l.connectionHeader ?? 'not forwarded',
                  l.httpVersion,
                  l.readTimeout,
                ])
              : [[p.container, p.source, '', '', '', '', '']],
          ),
        ])
      : '<p class="dim">No reverse proxy configuration was read for this snapshot.</p>',
    `<h2>5. Findings (${findings.length})</h2>`,
    ...findings.map(finding),
    `<h2>6. Probed paths (${probes.length})</h2>`,
  );
  for (const rec of s.probes) {
    const r = rec.initiator;
    const logs = r.logs?.containers.flatMap((c) => c.lines.map((l) => `${l.ts} ${c.name}: ${l.text}`)) ?? [];
    out.push(
      `<div class="card" data-verdict="${r.verdict}"><b class="${r.verdict}">${r.verdict === 'pass' ? '✔' : r.verdict === 'fail' ? '✖' : '▲'} ${e(r.decisive ?? 'reachable')}</b> ${e(r.initiator.name)} → <code>${e(r.target.input)}</code>${r.origin ? ` Origin <code>${e(r.origin)}</code>` : ''}
<div class="dim">runner ${e(r.runner.kind)} · ${e(r.startedAt)} · ${Math.round(r.ms)} ms</div><ol>${r.steps.map(stepLine).join('')}</ol>
${rec.host ? `<div class="dim">From the host: ${e(rec.host.verdict)}${rec.host.decisive ? ` (${e(rec.host.decisive)})` : ''}</div>` : ''}
${logs.length ? `<details><summary>${logs.length} log lines during the probe</summary><pre>${e(logs.join('\n'))}</pre></details>` : ''}</div>`,
    );
  }
  if (s.runbooks.length) {
    out.push(`<h2>7. Runbooks (${s.runbooks.length})</h2>`);
    for (const r of s.runbooks) {
      out.push(
        `<h3>${e(r.from)} → ${e(r.to)}${r.stoppedAt ? ` — stopped at step ${r.stoppedAt}` : ' — all steps ran'}</h3>`,
      );
      for (const st of r.steps)
        out.push(
          `<div class="card"><b class="${st.status === 'fail' ? 'fail' : st.status === 'pass' ? 'pass' : 'dim'}">${st.n}. ${e(st.title)} — ${e(st.status)}</b><p>${e(st.summary)}</p>${st.lines.length ? `<pre>${e(st.lines.join('\n'))}</pre>` : ''}${st.table ? table(st.table) : ''}</div>`,
        );
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${e(`${title} of ${s.host} — ${s.takenAt}`)}</title><style>${STYLE}</style></head>
<body>${out.join('\n')}</body></html>
`;
}

/** The CSP the server sends with the document (the meta tag covers file://). */
export const SNAPSHOT_HTML_CSP = CSP;

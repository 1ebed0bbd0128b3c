import type { ProbeVerdict } from '../model/probe';
import type { Snapshot } from '../model/snapshot';
import { probeEndpoints } from '../probe/edges';
import { absoluteRects, buildGraph, G, type GraphNode } from '../topology/graph';
import type { Rect } from '../topology/layout';

/**
 * The graph of a snapshot as one standalone SVG: the same layout the dashboard draws
 * (lib/topology/graph), its boxes, listener rows and structural edges, and every probed
 * path as an edge coloured by verdict with its decisive error. No script, no external
 * reference: it opens anywhere (a file, a chat upload, the offline HTML). Pure.
 */

export const xml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const COLOR = {
  bg: '#0b1020',
  box: '#1e293b',
  frame: '#334155',
  text: '#e2e8f0',
  dim: '#94a3b8',
  net: '#312e81',
  loopback: '#fbbf24',
  any: '#34d399',
  error: '#ef4444',
  warning: '#f59e0b',
  edge: '#6366f1',
  publish: '#38bdf8',
};

const VERDICT: Record<ProbeVerdict, { stroke: string; dash: string; glyph: string }> = {
  pass: { stroke: '#22c55e', dash: '', glyph: '✔' },
  fail: { stroke: '#ef4444', dash: '8 5', glyph: '✖' },
  partial: { stroke: '#f59e0b', dash: '8 4 2 4', glyph: '▲' },
};

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function text(x: number, y: number, s: string, size: number, fill: string, weight = 400, max = 44): string {
  return `<text x="${x}" y="${y}" font-size="${size}" fill="${fill}" font-weight="${weight}">${xml(clip(s, max))}</text>`;
}

function nodeSvg(n: GraphNode, r: Rect): string {
  const d = n.data;
  const out: string[] = [];
  const severityStroke = 'worst' in d && d.worst === 'error' ? COLOR.error : null;
  switch (d.kind) {
    case 'group': {
      if (d.expanded) {
        out.push(
          `<rect x="${r.x}" y="${r.y}" width="${r.width}" height="${r.height}" rx="10" fill="none" stroke="${COLOR.frame}" stroke-dasharray="6 4"/>`,
          text(
            r.x + 14,
            r.y + 26,
            `${d.label} · ${d.containers} containers · ${d.networks} nets`,
            15,
            COLOR.text,
            700,
            80,
          ),
        );
      } else {
        out.push(
          `<rect x="${r.x}" y="${r.y}" width="${r.width}" height="${r.height}" rx="8" fill="${COLOR.box}" stroke="${severityStroke ?? COLOR.frame}" stroke-width="2"/>`,
          text(r.x + 12, r.y + 28, d.label, 18, COLOR.text, 700, 30),
          text(
            r.x + 12,
            r.y + 54,
            `${d.containers} containers (${d.running} running) · ${d.networks} networks`,
            13,
            COLOR.dim,
          ),
          text(
            r.x + 12,
            r.y + 76,
            `${d.published} published ports · ${d.findingCount} findings`,
            13,
            COLOR.dim,
          ),
          d.worstTitle
            ? text(r.x + 12, r.y + 102, d.worstTitle, 13, severityStroke ?? COLOR.warning, 600, 42)
            : '',
        );
      }
      break;
    }
    case 'network':
      out.push(
        `<rect x="${r.x}" y="${r.y}" width="${r.width}" height="${r.height}" rx="6" fill="${COLOR.net}" stroke="#4f46e5"/>`,
        text(r.x + 10, r.y + 22, d.shortName, 15, COLOR.text, 700, 34),
        text(
          r.x + 10,
          r.y + 42,
          `${d.driver} · ${d.attached} attached${d.internal ? ' · internal' : ''}`,
          12,
          '#c7d2fe',
        ),
        text(r.x + 10, r.y + 60, `${d.subnet}${d.gateway ? ` gw ${d.gateway}` : ''}`, 11, '#a5b4fc'),
        text(
          r.x + 10,
          r.y + 78,
          `MTU ${d.mtu ?? 'default'} · names ${d.embeddedDns ? 'resolve' : 'do not resolve'}`,
          11,
          '#a5b4fc',
        ),
      );
      break;
    case 'namespace': {
      out.push(
        `<rect x="${r.x}" y="${r.y}" width="${r.width}" height="${r.height}" rx="6" fill="#0f172a" stroke="${severityStroke ?? '#475569'}"/>`,
        text(r.x + 10, r.y + 20, d.title, 13, COLOR.text, 700, 38),
        text(r.x + 10, r.y + 38, d.subtitle, 11, COLOR.dim, 400, 44),
      );
      const rows = d.listeners.length + (d.hiddenListeners ? 1 : 0) + (d.listenerNote ? 1 : 0);
      let y = r.y + r.height - G.nsPad - rows * G.listenerRow + 12;
      for (const l of d.listeners) {
        const color = l.scope === 'loopback' ? COLOR.loopback : l.scope === 'any' ? COLOR.any : '#93c5fd';
        const mark = l.scope === 'loopback' ? '◌' : l.scope === 'any' ? '●' : '◆';
        out.push(
          text(
            r.x + 10,
            y,
            `${mark} ${l.text}${l.scope === 'loopback' ? ' loopback only' : ''}`,
            11,
            color,
            400,
            46,
          ),
        );
        y += G.listenerRow;
      }
      if (d.hiddenListeners) {
        out.push(text(r.x + 10, y, `+ ${d.hiddenListeners} more`, 11, COLOR.dim));
        y += G.listenerRow;
      }
      if (d.listenerNote) out.push(text(r.x + 10, y, d.listenerNote, 11, COLOR.dim, 400, 46));
      break;
    }
    case 'container': {
      const down = d.state !== 'running';
      out.push(
        `<rect x="${r.x}" y="${r.y}" width="${r.width}" height="${r.height}" rx="6" fill="${down ? '#111827' : COLOR.box}" stroke="${severityStroke ?? '#475569'}"/>`,
        `<circle cx="${r.x + 12}" cy="${r.y + 16}" r="4" fill="${down ? '#64748b' : COLOR.any}"/>`,
        text(r.x + 22, r.y + 20, d.name, 13, down ? COLOR.dim : COLOR.text, 700, d.findingCount ? 28 : 34),
        text(
          r.x + 10,
          r.y + 38,
          `${down ? d.state : d.health === 'none' ? 'running' : d.health} · ${d.mode}`,
          11,
          COLOR.dim,
        ),
        d.addresses.length ? text(r.x + 10, r.y + 54, d.addresses.join(' · '), 10, '#a5b4fc', 400, 48) : '',
        d.ports.length ? text(r.x + 10, r.y + 68, `⇢ ${d.ports.join(', ')}`, 10, '#7dd3fc', 400, 48) : '',
      );
      if (d.findingCount)
        out.push(
          `<rect x="${r.x + r.width - 34}" y="${r.y + 6}" width="28" height="16" rx="3" fill="${d.worst === 'error' ? COLOR.error : COLOR.warning}"/>`,
          text(r.x + r.width - 30, r.y + 18, `⚑${d.findingCount}`, 11, '#fff', 700),
        );
      break;
    }
  }
  return `<g data-node="${xml(n.id)}">${out.join('')}</g>`;
}

/** A cubic curve between the facing sides of two rectangles. */
function curve(a: Rect, b: Rect): { d: string; mid: { x: number; y: number } } {
  const ac = { x: a.x + a.width / 2, y: a.y + a.height / 2 };
  const bc = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  const horizontal = Math.abs(bc.x - ac.x) > Math.abs(bc.y - ac.y);
  const s = horizontal
    ? { x: bc.x > ac.x ? a.x + a.width : a.x, y: ac.y }
    : { x: ac.x, y: bc.y > ac.y ? a.y + a.height : a.y };
  const t = horizontal
    ? { x: bc.x > ac.x ? b.x : b.x + b.width, y: bc.y }
    : { x: bc.x, y: bc.y > ac.y ? b.y : b.y + b.height };
  const c1 = horizontal ? { x: (s.x + t.x) / 2, y: s.y } : { x: s.x, y: (s.y + t.y) / 2 };
  const c2 = horizontal ? { x: (s.x + t.x) / 2, y: t.y } : { x: t.x, y: (s.y + t.y) / 2 };
  return {
    d: `M${s.x},${s.y} C${c1.x},${c1.y} ${c2.x},${c2.y} ${t.x},${t.y}`,
    mid: { x: (s.x + t.x) / 2, y: (s.y + t.y) / 2 },
  };
}

/** The groups the overview draws closed (a large host): each can be drawn open on its own. */
export function closedGroups(s: Snapshot): Array<{ key: string; kind: string; label: string }> {
  return buildGraph(s.topology, { project: s.view.project, expanded: {} }).nodes.flatMap((n) =>
    n.data.kind === 'group' && !n.data.expanded
      ? [{ key: n.data.groupKey, kind: n.data.groupKind, label: n.data.label }]
      : [],
  );
}

/**
 * The graph as the dashboard first draws it (the snapshot's filter, groups as the host's size
 * decides), or with one group open: a compose project alone, any other group among the rest.
 */
export function snapshotSvg(s: Snapshot, open?: { key: string; kind: string; label: string }): string {
  const g = buildGraph(
    s.topology,
    open
      ? { project: open.kind === 'project' ? open.label : s.view.project, expanded: { [open.key]: true } }
      : { project: s.view.project, expanded: {} },
  );
  const rects = absoluteRects(g);
  const parts: string[] = [];
  // Frames first (they sit behind their content), then boxes, then edges on top.
  const ordered = [...g.nodes].sort((a, b) => (a.zIndex ?? 0) - (b.zIndex ?? 0));
  for (const n of ordered) {
    const r = rects.get(n.id);
    if (r) parts.push(nodeSvg(n, r));
  }
  for (const e of g.edges) {
    const a = rects.get(e.source);
    const b = rects.get(e.target);
    if (!a || !b) continue;
    const { d } = curve(a, b);
    const stroke = e.severity === 'error' ? COLOR.error : e.kind === 'publish' ? COLOR.publish : COLOR.edge;
    parts.push(
      `<path d="${d}" fill="none" stroke="${stroke}" stroke-width="1.5" opacity="0.7"${e.kind === 'publish' ? ' stroke-dasharray="5 4"' : ''}/>`,
    );
  }
  for (const rec of s.probes) {
    const r = rec.initiator;
    const ends = probeEndpoints(s.topology, r);
    const source = g.hiddenIn.get(ends.source) ?? ends.source;
    const target = ends.target ? (g.hiddenIn.get(ends.target) ?? ends.target) : null;
    const a = rects.get(source);
    const b = target ? rects.get(target) : undefined;
    if (!a || !b || source === target) continue;
    const st = VERDICT[r.verdict];
    const { d, mid } = curve(a, b);
    const label = `${st.glyph} ${r.decisive ?? `${r.target.port} ok`}`;
    parts.push(
      `<g data-probe="${xml(r.target.input)}" data-verdict="${r.verdict}"><path d="${d}" fill="none" stroke="${st.stroke}" stroke-width="2.5"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
      `<rect x="${mid.x - label.length * 3.6 - 4}" y="${mid.y - 12}" width="${label.length * 7.2 + 8}" height="18" fill="${COLOR.bg}" opacity="0.9"/>`,
      `${text(mid.x - label.length * 3.6, mid.y + 2, label, 12, st.stroke, 700, 60)}</g>`,
    );
  }
  const all = [...rects.values()];
  const minX = Math.min(0, ...all.map((r) => r.x)) - 20;
  const minY = Math.min(0, ...all.map((r) => r.y)) - 20;
  const maxX = Math.max(100, ...all.map((r) => r.x + r.width)) + 20;
  const maxY = Math.max(100, ...all.map((r) => r.y + r.height)) + 20;
  const w = Math.ceil(maxX - minX);
  const h = Math.ceil(maxY - minY);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${minX} ${minY} ${w} ${h}" font-family="ui-sans-serif, system-ui, sans-serif" role="img" aria-label="${xml(`Reachmap graph of ${s.host} at ${s.takenAt}`)}">`,
    `<rect x="${minX}" y="${minY}" width="${w}" height="${h}" fill="${COLOR.bg}"/>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

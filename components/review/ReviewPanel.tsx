'use client';
import { useMemo, useState } from 'react';
import { assess, DECISIONS } from '@/lib/review/decisions';
import { connectionsMarkdown, modelsMarkdown } from '@/lib/review/markdown';
import { serviceModels } from '@/lib/review/models';
import { connectionTable } from '@/lib/runbook/connections';
import { download } from '../download';
import { ConnectionTable } from '../runbook/ConnectionTable';
import { useDashboard } from '../useDashboard';

const h3 = 'mt-4 mb-1 text-[11px] font-semibold uppercase tracking-wide text-slate-400';
const btn = 'rounded border border-slate-600 px-2 py-0.5 text-xs text-slate-200 hover:bg-slate-800';

/** Design review: models per service, the decision table for a constraint, every probed connection. */
export function ReviewPanel() {
  const topology = useDashboard((s) => s.topology);
  const probes = useDashboard((s) => s.probes);
  const [decision, setDecision] = useState(DECISIONS[0]?.id ?? '');
  const results = useMemo(
    () => Object.values(probes).flatMap((r) => (r.host ? [r.initiator, r.host] : [r.initiator])),
    [probes],
  );
  const models = useMemo(() => (topology ? serviceModels(topology) : []), [topology]);
  const rows = useMemo(() => (topology ? connectionTable(topology, results) : []), [topology, results]);
  const assessed = useMemo(
    () => (topology ? assess(topology, results, decision) : []),
    [topology, results, decision],
  );
  const d = DECISIONS.find((x) => x.id === decision);
  if (!topology) return null;
  return (
    <div data-testid="review-panel" className="text-xs">
      <div className="flex items-center gap-2">
        <h3 className={`${h3} mt-0`}>Networking model per service</h3>
        <button
          type="button"
          className={`${btn} ml-auto`}
          onClick={() => download('networking-models.md', modelsMarkdown(models), 'text/markdown')}
        >
          Markdown
        </button>
      </div>
      <table className="w-full text-left text-[10.5px]" data-testid="models-table">
        <thead className="text-slate-400">
          <tr>
            <th className="pr-2 font-normal">service</th>
            <th className="pr-2 font-normal">model</th>
            <th className="pr-2 font-normal">from the same compose</th>
            <th className="font-normal">from the host</th>
          </tr>
        </thead>
        <tbody className="text-slate-200">
          {models.map((m) => (
            <tr
              key={m.service}
              className="border-t border-slate-800 align-top"
              title={`listens: ${m.listen}\nrisk: ${m.risk}`}
            >
              <td className="pr-2 break-all font-mono">{m.service}</td>
              <td className="pr-2">{m.model}</td>
              <td className="pr-2">{m.fromCompose}</td>
              <td>{m.fromHost}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3 className={h3}>Decision table</h3>
      <select
        className="w-full rounded border border-slate-700 bg-slate-900 px-2 py-1"
        value={decision}
        onChange={(e) => setDecision(e.target.value)}
        data-testid="decision-select"
      >
        {DECISIONS.map((x) => (
          <option key={x.id} value={x.id}>
            {x.constraint}
          </option>
        ))}
      </select>
      {d && (
        <dl className="mt-1.5 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5">
          <dt className="text-slate-400">safer default</dt>
          <dd>{d.saferDefault}</dd>
          <dt className="text-slate-400">acceptance signal</dt>
          <dd>{d.acceptanceSignal}</dd>
          <dt className="text-slate-400">main risk</dt>
          <dd>{d.mainRisk}</dd>
        </dl>
      )}
      <table className="mt-1.5 w-full text-left text-[10.5px]" data-testid="decision-table">
        <tbody>
          {assessed.map((a) => (
            <tr key={a.service} className="border-t border-slate-800">
              <td className="pr-2 font-mono">{a.service}</td>
              <td className="pr-2">{a.follows ? '✔ follows' : '✖ differs'}</td>
              <td className="pr-2 text-slate-400">{a.why}</td>
              <td className="text-slate-400">signal: {a.signal}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <div className="flex items-center gap-2">
        <h3 className={h3}>Connections ({rows.length})</h3>
        <button
          type="button"
          className={`${btn} ml-auto mt-3`}
          onClick={() => download('connections.md', connectionsMarkdown(rows), 'text/markdown')}
        >
          Markdown
        </button>
        <button
          type="button"
          className={`${btn} mt-3`}
          onClick={() => download('connections.json', JSON.stringify(rows, null, 2), 'application/json')}
        >
          JSON
        </button>
      </div>
      <ConnectionTable rows={rows} />
    </div>
  );
}

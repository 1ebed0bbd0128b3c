import type { ConnectionRow } from '@/lib/model/runbook';
import { VerdictBadge } from '../probe/VerdictBadge';

/** Who initiates, which name resolves to what in its namespace, which layers sit between, and the verdict. */
export function ConnectionTable({ rows }: { rows: ConnectionRow[] }) {
  if (rows.length === 0) return <p className="text-xs text-slate-400">No probed connections yet.</p>;
  return (
    <table className="w-full text-left text-[10.5px]" data-testid="connection-table">
      <thead className="text-slate-400">
        <tr>
          <th className="pr-2 font-normal">initiator</th>
          <th className="pr-2 font-normal">target</th>
          <th className="pr-2 font-normal">resolution (initiator’s namespace)</th>
          <th className="pr-2 font-normal">layers</th>
          <th className="font-normal">verdict</th>
        </tr>
      </thead>
      <tbody className="font-mono text-slate-200">
        {rows.map((r) => (
          <tr key={`${r.initiator}|${r.target}`} className="border-t border-slate-800 align-top">
            <td className="pr-2 break-all">{r.initiator}</td>
            <td className="pr-2 break-all">{r.target}</td>
            <td className="pr-2 break-all">{r.resolution}</td>
            <td className="pr-2 break-all">{r.layers.join(' → ') || '—'}</td>
            <td>
              <VerdictBadge verdict={r.verdict} /> <span className="text-slate-400">{r.decisive ?? ''}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

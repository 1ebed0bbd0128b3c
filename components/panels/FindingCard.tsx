import type { Finding } from '@/lib/model/topology';
import { SeverityBadge } from '../graph/SeverityBadge';

export function FindingCard({ f, onSelect }: { f: Finding; onSelect?: () => void }) {
  return (
    <article
      data-testid="finding"
      data-rule={f.rule}
      data-severity={f.severity}
      className="rounded-md border border-slate-700 bg-slate-900 p-2.5 text-xs"
    >
      <header className="flex items-start gap-2">
        <button
          type="button"
          className="text-left font-semibold text-slate-100 hover:underline"
          onClick={onSelect}
        >
          {f.title}
        </button>
        <SeverityBadge severity={f.severity} />
      </header>
      <div className="mt-0.5 font-mono text-[10px] text-slate-500">
        {f.rule} · pattern {f.pattern} · confidence {f.confidence}
        {f.subject.kind === 'probe' ? ` · path ${f.subject.name}` : ''}
      </div>
      <p className="mt-1.5 text-slate-300">{f.message}</p>
      <ul className="mt-1.5 space-y-0.5">
        {f.evidence.map((e) => (
          <li key={`${e.label}/${e.value}`} className="font-mono text-[10.5px] text-slate-400">
            <span className="text-slate-500">{e.label}:</span> {e.value}{' '}
            <span className="text-slate-600">[{e.source}]</span>
          </li>
        ))}
      </ul>
      <p
        data-testid="finding-fix"
        className="mt-1.5 whitespace-pre-wrap rounded bg-emerald-950/50 p-1.5 text-emerald-200"
      >
        <span className="font-semibold">Fix: </span>
        {f.fix}
      </p>
    </article>
  );
}

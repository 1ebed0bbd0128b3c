import type { ProbeVerdict } from '@/lib/model/probe';

const STYLE: Record<ProbeVerdict, string> = {
  pass: 'bg-emerald-600 text-white',
  fail: 'bg-red-600 text-white',
  partial: 'bg-amber-500 text-black',
};
const GLYPH: Record<ProbeVerdict, string> = { pass: '✔', fail: '✖', partial: '▲' };

/** Verdict by colour and by glyph and word, so it reads without colour too. */
export function VerdictBadge({ verdict }: { verdict: ProbeVerdict }) {
  return (
    <span
      data-testid="verdict"
      data-verdict={verdict}
      className={`inline-flex shrink-0 items-center gap-1 rounded px-1.5 text-[10px] font-bold uppercase ${STYLE[verdict]}`}
    >
      {GLYPH[verdict]} {verdict}
    </span>
  );
}

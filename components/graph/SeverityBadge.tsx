import type { Severity } from '@/lib/model/topology';

const STYLE: Record<Severity, string> = {
  error: 'bg-red-600 text-white',
  warning: 'bg-amber-500 text-black',
  info: 'bg-sky-600 text-white',
};
const ICON: Record<Severity, string> = { error: '✖', warning: '▲', info: 'i' };

/** Severity shown by colour and by glyph, so it reads without colour too. */
export function SeverityBadge({
  severity,
  count,
  large,
}: {
  severity: Severity | null;
  count?: number;
  /** For compact cards read at low zoom. */
  large?: boolean;
}) {
  if (!severity) return null;
  return (
    <span
      className={`ml-auto inline-flex shrink-0 items-center gap-0.5 rounded px-1 font-bold ${large ? 'text-[20px]' : 'text-[10px]'} ${STYLE[severity]}`}
      title={`${count ?? ''} finding(s), worst: ${severity}`}
      data-severity={severity}
    >
      {ICON[severity]}
      {count && count > 1 ? ` ${count}` : ''}
    </span>
  );
}

import type { Container } from '../model/topology';

/** Stable across recreation: compose project/service (and replica number beyond 1), else the name. */
export function subjectOf(c: Container): string {
  if (!c.compose || c.compose.oneoff) return c.name;
  const n = c.compose.number;
  return `${c.compose.project}/${c.compose.service}${n && n > 1 ? `#${n}` : ''}`;
}

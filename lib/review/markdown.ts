import { mdTable } from '../format/markdown';
import type { ConnectionRow } from '../model/runbook';
import type { ServiceModel } from './models';

/** Design-review exports: the connection table and the networking-model matrix. Pure. */

/** The connection table's Markdown lines (shared by the runbook report). */
export function connectionsTable(rows: ConnectionRow[]): string[] {
  return mdTable([
    ['initiator', 'target', 'resolution (initiator’s namespace)', 'layers', 'verdict'],
    ...rows.map((c) => [
      c.initiator,
      c.target,
      c.resolution,
      c.layers.join(' → ') || '—',
      `${c.verdict}${c.decisive ? ` (${c.decisive})` : ''}`,
    ]),
  ]);
}

export function connectionsMarkdown(rows: ConnectionRow[]): string {
  return ['# Connections', '', ...connectionsTable(rows), ''].join('\n');
}

export function modelsMarkdown(models: ServiceModel[]): string {
  return [
    '# Networking models',
    '',
    ...mdTable([
      ['service', 'model', 'listens', 'from the same compose file', 'from the host', 'main risk'],
      ...models.map((m) => [m.service, m.model, m.listen, m.fromCompose, m.fromHost, m.risk]),
    ]),
    '',
  ].join('\n');
}

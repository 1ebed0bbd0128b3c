import { z } from 'zod';
import type { Snapshot } from '../model/snapshot';
import { snapshotHtml } from './html';
import { snapshotMarkdown } from './markdown';
import { snapshotSvg } from './svg';

/** The text exports of a snapshot, shared by the dashboard's download routes and the CLI. Pure. */

export const ExportFormat = z.enum(['md', 'json', 'html', 'svg']);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const EXPORT_TYPES: Record<ExportFormat, { mime: string; ext: string }> = {
  md: { mime: 'text/markdown; charset=utf-8', ext: 'md' },
  json: { mime: 'application/json; charset=utf-8', ext: 'json' },
  html: { mime: 'text/html; charset=utf-8', ext: 'html' },
  svg: { mime: 'image/svg+xml', ext: 'svg' },
};

export function exportSnapshot(s: Snapshot, format: ExportFormat, link: string | null): string {
  switch (format) {
    case 'md':
      return snapshotMarkdown(s, link);
    case 'json':
      return `${JSON.stringify(s, null, 2)}\n`;
    case 'html':
      return snapshotHtml(s, link);
    case 'svg':
      return snapshotSvg(s);
  }
}

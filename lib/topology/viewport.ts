import type { Rect, Size } from './layout';

/**
 * What "readable" means on screen. Node text is at least 10 px in the detailed drawing and at
 * least 20 px in the compact one (names only), so text stays at 9 px or more on screen as long
 * as the detailed drawing is used from DETAIL_ZOOM up and no fit goes below MIN_FIT_ZOOM.
 */
export const ZOOM = {
  /** Below this zoom nodes draw as compact cards (semantic zoom). */
  detail: 0.9,
  /** A fit never zooms out further: 20 px × 0.45 = 9 px. */
  minFit: 0.45,
  /** A fit never magnifies past 1:1 (a single node would fill the screen). */
  maxFit: 1,
  /** The user may still zoom out further by hand, e.g. to see the whole host's shape. */
  min: 0.05,
  max: 2,
} as const;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

const PAD = 24;

/**
 * The viewport that shows `b` in a pane: fitted when it fits at a readable zoom; otherwise at
 * the lowest readable zoom, centred on each axis that fits and anchored at the top-left on an
 * axis that does not (where the host and the first groups are), instead of showing specks.
 */
export function viewportFor(
  b: Rect,
  pane: Size,
  opts: { minZoom?: number; maxZoom?: number } = {},
): Viewport {
  const minZoom = opts.minZoom ?? ZOOM.minFit;
  const maxZoom = opts.maxZoom ?? ZOOM.maxFit;
  const w = Math.max(1, pane.width - 2 * PAD);
  const h = Math.max(1, pane.height - 2 * PAD);
  const fit = Math.min(w / Math.max(1, b.width), h / Math.max(1, b.height));
  const zoom = Math.min(maxZoom, Math.max(minZoom, fit));
  const axis = (start: number, size: number, paneSize: number) =>
    size * zoom <= paneSize - 2 * PAD ? (paneSize - size * zoom) / 2 - start * zoom : PAD - start * zoom;
  return { x: axis(b.x, b.width, pane.width), y: axis(b.y, b.height, pane.height), zoom };
}

/**
 * Geometry for the graph, framework-free. Two levels:
 * - inside an open group, one lane per network: the network on top, its namespaces below in
 *   columns filled top to bottom, so a box that grows moves only the boxes under it;
 * - the groups themselves (open blocks or closed cards) packed on shelves whose width follows
 *   the screen's landscape shape instead of one strip far wider than the screen.
 */

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

// Geometry (px in graph space). Heights are computed before rendering so layout knows them.
export const G = {
  nsWidth: 300,
  nsHeader: 52,
  nsPad: 10,
  ctrHeight: 76,
  ctrGap: 8,
  listenerHeader: 22,
  listenerRow: 18,
  maxListeners: 8,
  netWidth: 300,
  netHeight: 96,
  laneGap: 60,
  colGap: 24,
  rowGap: 28,
  netToNs: 70,
  /** The fewest boxes a lane column holds before it starts another column. */
  rowsPerColumn: 3,
  hostX: 0,
  hostWidth: 340,
  lanesX: 420,
  groupPad: 24,
  groupHeader: 64,
  groupGap: 60,
  cardWidth: 330,
  cardHeight: 140,
} as const;

/** Rows per lane column: 3 for small lanes, about square for large ones (100 boxes → 10 × 10). */
export function rowsPerColumn(items: number): number {
  return Math.max(G.rowsPerColumn, Math.ceil(Math.sqrt(items / 1.2)));
}

export interface Lane {
  /** The network node heading the lane, or null (boxes on no shown network, or one owned elsewhere). */
  networkNodeId: string | null;
  items: Array<{ id: string; height: number }>;
}

export interface LanesLayout extends Size {
  positions: Map<string, Point>;
}

/** Lanes side by side from (0, 0); every position is relative to that origin. */
export function layoutLanes(lanes: Lane[]): LanesLayout {
  const positions = new Map<string, Point>();
  let x = 0;
  let height = 0;
  for (const lane of lanes) {
    const rows = rowsPerColumn(lane.items.length);
    const cols = Math.max(1, Math.ceil(lane.items.length / rows));
    const laneWidth = Math.max(G.netWidth, cols * G.nsWidth + (cols - 1) * G.colGap);
    if (lane.networkNodeId) {
      positions.set(lane.networkNodeId, { x, y: 0 });
      height = Math.max(height, G.netHeight);
    }
    const colY = new Array<number>(cols).fill(G.netHeight + G.netToNs);
    lane.items.forEach((item, i) => {
      const col = Math.floor(i / rows);
      const y = colY[col] as number;
      positions.set(item.id, { x: x + col * (G.nsWidth + G.colGap), y });
      colY[col] = y + item.height + G.rowGap;
      height = Math.max(height, y + item.height);
    });
    x += laneWidth + G.laneGap;
  }
  return { width: Math.max(0, x - G.laneGap), height, positions };
}

/**
 * Blocks on shelves, left to right, wrapping at a width chosen for a landscape screen. The
 * width is rounded to a coarse step so one box growing does not re-wrap every shelf.
 */
export function shelfPack(blocks: Array<{ id: string } & Size>, origin: Point): Map<string, Point> {
  const out = new Map<string, Point>();
  if (blocks.length === 0) return out;
  // Heights count in coarse steps, so a box growing inside an open group does not change the
  // shelf width (and re-wrap every group) unless the group grows a lot.
  // One closed card's height: cards count as they are, open groups in steps of a card.
  const quantum = G.cardHeight + G.groupGap;
  const area = blocks.reduce(
    (a, b) => a + (b.width + G.groupGap) * (Math.ceil((b.height + G.groupGap) / quantum) * quantum),
    0,
  );
  const widest = Math.max(...blocks.map((b) => b.width));
  const step = 300;
  // A little wider than tall, like the graph pane beside the side panel (≈ 1.25 : 1).
  const target = Math.max(widest, Math.ceil(Math.sqrt(area * SHELF_ASPECT) / step) * step);
  let x = 0;
  let y = 0;
  let shelf = 0;
  for (const b of blocks) {
    if (x > 0 && x + b.width > target) {
      x = 0;
      y += shelf + G.groupGap;
      shelf = 0;
    }
    out.set(b.id, { x: origin.x + x, y: origin.y + y });
    x += b.width + G.groupGap;
    shelf = Math.max(shelf, b.height);
  }
  return out;
}

const SHELF_ASPECT = 1.25;

export interface Rect extends Point, Size {}

export function boundsOf(rects: Rect[]): Rect | null {
  if (rects.length === 0) return null;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const r of rects) {
    x0 = Math.min(x0, r.x);
    y0 = Math.min(y0, r.y);
    x1 = Math.max(x1, r.x + r.width);
    y1 = Math.max(y1, r.y + r.height);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Whether two rectangles overlap (touching edges do not). */
export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

import type { Page } from '@playwright/test';

/** Reading the graph as drawn: the viewport's zoom and how large node text is on screen. */

export async function viewportZoom(page: Page): Promise<number> {
  return page.locator('.react-flow__viewport').evaluate((el) => {
    const m = new DOMMatrixReadOnly(getComputedStyle(el).transform);
    return m.a;
  });
}

export interface TextReport {
  /** Text runs inside nodes that intersect the graph pane. */
  runs: number;
  /** The smallest font size × zoom among them, in CSS px on screen. */
  minPx: number;
  /** A few of the smallest, for the failure message. */
  smallest: string[];
}

/** Every text run in the nodes on screen, with its rendered size (font-size × zoom). */
export async function nodeTextOnScreen(page: Page): Promise<TextReport> {
  return page.evaluate(() => {
    const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
    const vp = document.querySelector('.react-flow__viewport');
    if (!pane || !vp) return { runs: 0, minPx: 0, smallest: [] };
    const zoom = new DOMMatrixReadOnly(getComputedStyle(vp).transform).a;
    const sizes: Array<{ px: number; text: string }> = [];
    const walker = document.createTreeWalker(
      document.querySelector('.react-flow__nodes') ?? document.body,
      NodeFilter.SHOW_TEXT,
    );
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const el = n.parentElement;
      if (!text || !el) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.right < pane.left || r.left > pane.right || r.bottom < pane.top || r.top > pane.bottom) continue;
      sizes.push({ px: Number.parseFloat(getComputedStyle(el).fontSize) * zoom, text });
    }
    sizes.sort((a, b) => a.px - b.px);
    return {
      runs: sizes.length,
      minPx: sizes[0]?.px ?? 0,
      smallest: sizes.slice(0, 5).map((s) => `${s.px.toFixed(1)}px "${s.text.slice(0, 40)}"`),
    };
  });
}

/** Whether a locator's box lies within the graph pane (it is on screen, not only in the DOM). */
export async function onScreen(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
    const el = document.querySelector(sel)?.getBoundingClientRect();
    if (!pane || !el) return false;
    return (
      el.left >= pane.left - 1 &&
      el.right <= pane.right + 1 &&
      el.top >= pane.top - 1 &&
      el.bottom <= pane.bottom + 1
    );
  }, selector);
}

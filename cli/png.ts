import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { CHROMIUM_LAUNCH } from '../lib/chromium';

/**
 * A PNG of a snapshot's graph: its SVG rasterised by a headless Chromium (playwright-core
 * drives the machine's own Chromium; nothing is downloaded). Large hosts are scaled down to
 * at most MAX px on the longer side.
 */

const MAX = 8000;
const CHROMIUM = CHROMIUM_LAUNCH.executablePath;

export class PngError extends Error {}

export async function writePng(svg: string, file: string): Promise<number> {
  if (!existsSync(CHROMIUM))
    throw new PngError(
      `a PNG needs Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH); the SVG export (--svg FILE) needs nothing`,
    );
  const m = /width="(\d+)" height="(\d+)"/.exec(svg);
  const w = Number(m?.[1] ?? 1600);
  const h = Number(m?.[2] ?? 1000);
  const scale = Math.min(1, MAX / Math.max(w, h));
  const width = Math.ceil(w * scale);
  const height = Math.ceil(h * scale);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch(CHROMIUM_LAUNCH);
  try {
    const page = await browser.newPage({ viewport: { width, height } });
    // Nothing to fetch: the page is the SVG itself, and the network is refused anyway.
    await page.route('**/*', (r) => r.abort());
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:#0b1020">${svg.replace('<svg ', `<svg style="width:${width}px;height:${height}px;display:block" `)}</body></html>`,
    );
    const png = await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width, height } });
    await writeFile(file, png);
    return png.length;
  } finally {
    await browser.close();
  }
}

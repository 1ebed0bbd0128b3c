import os from 'node:os';
import path from 'node:path';

/** The dashboard Playwright starts: its own port, data directory and a fixed test token. */
export const E2E = {
  port: 7399,
  baseURL: 'http://127.0.0.1:7399',
  dataDir: path.join(os.tmpdir(), 'reachmap-e2e-data'),
  token: 'e2e-test-token-0123456789abcdefghijklmnop',
  labProject: 'reachmap-lab',
  screenshots: path.resolve(import.meta.dirname, 'artifacts'),
};

/** One Chromium launch setting for Reachmap's PNG export, Playwright and the benchmark. */
export { CHROMIUM_LAUNCH } from '../lib/chromium';

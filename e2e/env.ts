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

/**
 * Debian's Chromium as the tests and the benchmark launch it: Playwright cannot download its
 * own browsers here, and without the background-networking flags Chromium dials out.
 */
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

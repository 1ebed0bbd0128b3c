import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH, E2E } from './e2e/env';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: E2E.baseURL,
    viewport: { width: 1600, height: 1000 },
    launchOptions: CHROMIUM_LAUNCH,
  },
  webServer: {
    command: `node dist/server.js --port ${E2E.port} --data-dir ${E2E.dataDir}`,
    url: `${E2E.baseURL}/login`,
    reuseExistingServer: false,
    timeout: 60_000,
    // The watch (probes on an interval, edges without a click) has its own spec and server
    // (e2e/watch.spec.ts): here the edges and findings are the ones each test makes.
    env: {
      NODE_ENV: 'production',
      REACHMAP_TOKEN: E2E.token,
      NEXT_TELEMETRY_DISABLED: '1',
      REACHMAP_WATCH: 'off',
    },
    stdout: 'pipe',
  },
});

import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = { '@': path.resolve(import.meta.dirname) };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          // One engine, one lab: run files one after another.
          fileParallelism: false,
          // Servers these files start keep to what each test asks: the dashboard's own watch
          // (probes on an interval) is tested in watch.test.ts and e2e/watch.spec.ts.
          env: { REACHMAP_WATCH: 'off' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});

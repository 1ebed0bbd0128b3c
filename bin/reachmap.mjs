#!/usr/bin/env node
// `npx reachmap …` — the CLI, built into dist/ by `npm run build` (npm start builds it too).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write(
    'reachmap: the CLI is not built yet; run `npm run build` (or `npm start` once) in the Reachmap checkout\n',
  );
  process.exit(1);
}
await import(cli);

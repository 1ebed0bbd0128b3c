#!/usr/bin/env node
// `npx reachmap …` — the CLI, built into dist/ by `npm run build` (npm start builds it too).
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Most of a CLI run is loading modules (dockerode pulls in gRPC and ssh2): keep their
// compiled code on disk between runs (Node ≥ 22.1; validated against the sources).
module.enableCompileCache?.();

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write(
    'reachmap: the CLI is not built yet; run `npm run build` (or `npm start` once) in the Reachmap checkout\n',
  );
  process.exit(1);
}
await import(cli);

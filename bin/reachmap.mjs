#!/usr/bin/env node
// `npx reachmap …` — the CLI, built into dist/ by `npm run build` (npm start builds it too).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Reachmap needs Node ≥ 22 (node:sqlite for snapshots); on an older system Node, use the
// Node 24 that `npm start` / `npm test` put into .tools/ when there is one.
const bundledNode = fileURLToPath(new URL('../.tools/node/node_modules/.bin/node', import.meta.url));
if (Number(process.versions.node.split('.')[0]) < 22 && existsSync(bundledNode)) {
  const r = spawnSync(bundledNode, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
}

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

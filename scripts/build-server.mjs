// Bundles the custom server and the CLI (TypeScript, shared lib/) into dist/ with esbuild.
// node_modules stay external: Next, socket.io and dockerode load from the install.
import { build } from 'esbuild';

await build({
  entryPoints: { server: 'server/main.ts', cli: 'cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  outExtension: { '.js': '.js' },
});
console.log('built dist/server.js and dist/cli.js');

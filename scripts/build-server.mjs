// Bundles the custom server and the CLI (TypeScript, shared lib/) into dist/ with esbuild.
// node_modules stay external: Next, socket.io and dockerode load from the install.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const shared = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};
await build({ ...shared, entryPoints: { server: 'server/main.ts' }, outdir: 'dist' });
// The CLI in chunks: each command's modules (and the packages they import, dockerode above
// all) load only when that command runs, so `--version`, `url` and a scan answered by a
// running dashboard start fast.
rmSync('dist/cli-chunks', { recursive: true, force: true }); // chunks of earlier builds
await build({
  ...shared,
  entryPoints: { cli: 'cli/main.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'cli-chunks/[name]-[hash]',
});
// The in-namespace probe agent: one self-contained file that only needs `node`.
await build({
  entryPoints: ['lib/probe/agent/main.ts'],
  outfile: 'dist/probe-agent.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  logLevel: 'warning',
});
console.log('built dist/server.js, dist/cli.js and dist/probe-agent.mjs');

// The netlink listener helper (native/netns-listeners.c). Optional: without a C compiler,
// Reachmap reads /proc/<pid>/net/* instead, which is correct but slower.
const cc = ['cc', 'gcc', 'clang'].find((c) => spawnSync(c, ['--version'], { stdio: 'ignore' }).status === 0);
if (cc) {
  const r = spawnSync(
    cc,
    ['-O2', '-Wall', '-o', 'dist/reachmap-netns-listeners', 'native/netns-listeners.c'],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log('built dist/reachmap-netns-listeners');
  // Reads inside container roots with openat2(RESOLVE_IN_ROOT): no symlink race (lib/util/safeRead).
  const r2 = spawnSync(cc, ['-O2', '-Wall', '-o', 'dist/reachmap-read-in-root', 'native/read-in-root.c'], {
    stdio: 'inherit',
  });
  if (r2.status !== 0) process.exit(r2.status ?? 1);
  console.log('built dist/reachmap-read-in-root');
} else {
  console.warn(
    'no C compiler (cc/gcc/clang): listeners will be read from /proc (slower); apt-get install gcc for the netlink helper',
  );
}

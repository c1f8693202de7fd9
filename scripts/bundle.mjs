// Writes dist/tallyman.cjs: tallyman in one self-contained file (no node_modules), the file a
// Dockerfile copies into an image. CommonJS, so it runs under any name and outside any package.
// Beside it dist/tallyman.sh, the same contract in POSIX sh for images without Node.
import { build } from 'esbuild';
import { chmodSync, copyFileSync } from 'node:fs';

const outfile = 'dist/tallyman.cjs';
await build({
  entryPoints: ['src/bin/tallyman.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);

copyFileSync('src/tallyman-sh/tallyman.sh', 'dist/tallyman.sh');
chmodSync('dist/tallyman.sh', 0o755);

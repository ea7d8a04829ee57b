// Bundles the CLI, the extension (and its scan worker) and copies the two WASM files beside the bundle:
// the engine receives their bytes from the adapter, so dist/ is self-contained.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
// --production (npm run package): minified, no source maps, so the .vsix stays small.
const production = process.argv.includes('--production');
const entries = [
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/cli/worker.ts', out: 'worker' },
  { in: 'src/vscode/extension.ts', out: 'extension' },
  { in: 'src/vscode/scan-worker.ts', out: 'scan-worker' },
  { in: 'src/node/engine.ts', out: 'engine' },
  { in: 'src/bench/main.ts', out: 'bench' },
  { in: 'src/bench/parse-floor-worker.ts', out: 'parse-floor-worker' },
  { in: 'src/bench/fuzz.ts', out: 'fuzz' },
].filter((e) => existsSync(e.in));

mkdirSync('dist', { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm');
copyFileSync(join(dirname(require.resolve('tree-sitter-go/package.json')), 'tree-sitter-go.wasm'), 'dist/tree-sitter-go.wasm');

const options = {
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external: ['vscode'],
  logLevel: 'warning',
  loader: { '.md': 'text' },
  // An `import` would pick web-tree-sitter's ES module build, whose import.meta.url is empty in a CommonJS
  // bundle (createRequire(undefined) then throws at Parser.init); its CommonJS build works as bundled.
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') },
};
if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}

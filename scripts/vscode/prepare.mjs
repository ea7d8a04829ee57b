// Shared by both launchers of the real-VS-Code suite: bundles the suite (dist/test/suite) and builds a
// fresh test workspace under test-output/vscode: a copy of test/vscode/workspace, a generated 5,000-line
// file for the latency measurement, and a git repository whose `feature` branch changed review.go
// since `main` (for the review-changes test).
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const OUT = join(ROOT, 'test-output', 'vscode');
export const WORKSPACE = join(OUT, 'workspace');
export const RESULT = join(OUT, 'e2e-result.json');
export const SUITE = join(ROOT, 'dist', 'test', 'suite', 'index.js');

export async function buildSuite() {
  const dir = join(ROOT, 'test', 'vscode', 'suite');
  await esbuild.build({
    entryPoints: readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f)),
    outdir: join(ROOT, 'dist', 'test', 'suite'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

/** A valid Go file of about `lines` lines: many small functions, a few with pitfalls, most without. */
function bigGoFile(lines) {
  const out = ['package e2e', '', 'import (', '\t"context"', '\t"sync"', '\t"time"', ')', ''];
  for (let i = 0; out.length < lines - 20; i++) {
    out.push(
      `// worker${i} sums its inputs on a few goroutines.`,
      `func worker${i}(ctx context.Context, in []int) int {`,
      '\tvar wg sync.WaitGroup',
      '\tvar mu sync.Mutex',
      '\ttotal := 0',
      '\tfor _, v := range in {',
      '\t\twg.Add(1)',
      '\t\tgo func(v int) {',
      '\t\t\tdefer wg.Done()',
      '\t\t\tmu.Lock()',
      '\t\t\ttotal += v',
      '\t\t\tmu.Unlock()',
      '\t\t}(v)',
      '\t}',
      '\twg.Wait()',
      '\tselect {',
      '\tcase <-ctx.Done():',
      '\t\treturn 0',
      '\tdefault:',
      '\t}',
      '\treturn total',
      '}',
      '',
    );
    if (i % 25 === 0) {
      out.push(
        `func ticker${i}(events <-chan int) {`,
        '\tfor {',
        '\t\tselect {',
        '\t\tcase <-events:',
        '\t\tcase <-time.After(time.Second):',
        '\t\t\treturn',
        '\t\t}',
        '\t}',
        '}',
        '',
      );
    }
  }
  out.push('func tail() {', '', '}', '');
  return out.join('\n');
}

const git = (args, cwd) =>
  execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

export function prepareWorkspace() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  cpSync(join(ROOT, 'test', 'vscode', 'workspace'), WORKSPACE, { recursive: true });
  writeFileSync(join(WORKSPACE, 'big.go'), bigGoFile(5000));
  const review = join(WORKSPACE, 'review.go');
  writeFileSync(
    review,
    [
      'package e2e',
      '',
      'import "time"',
      '',
      '// Old code on main: a copied lock that the review must not show (its lines did not change).',
      'func describe(c Counter) int { return len(c.n) }',
      '',
    ].join('\n'),
  );
  git(['init', '-q', '-b', 'main'], WORKSPACE);
  git(['add', '-A'], WORKSPACE);
  git(['commit', '-q', '-m', 'main'], WORKSPACE);
  git(['checkout', '-q', '-b', 'feature'], WORKSPACE);
  appendFileSync(
    review,
    [
      '',
      '// New on the feature branch: a timer per pass of a loop.',
      'func drain(in <-chan int) {',
      '\tfor {',
      '\t\tselect {',
      '\t\tcase <-in:',
      '\t\tcase <-time.After(time.Minute):',
      '\t\t\treturn',
      '\t\t}',
      '\t}',
      '}',
      '',
    ].join('\n'),
  );
  git(['commit', '-q', '-am', 'feature'], WORKSPACE);
  if (!existsSync(join(ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run node esbuild.mjs first');
  return WORKSPACE;
}

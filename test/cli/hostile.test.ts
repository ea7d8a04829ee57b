import assert from 'node:assert/strict';
import { symlinkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { notGoSource, parseSize } from '../../src/core/input-checks';
import { CLEAN, runCli, tmpTree, WG_BAD } from './helpers';

/** Deterministic bytes that look like a binary file (an image or archive someone named .go). */
function junk(n: number): Buffer {
  const b = Buffer.alloc(n);
  let s = 12345;
  for (let i = 0; i < n; i++) b[i] = (s = (s * 1103515245 + 12345) & 0x7fffffff) >> 16;
  return b;
}

/**
 * Issue 5's hostile inputs, all in one tree next to one ordinary file: each gets its own message on
 * stderr, nothing throws, and the ordinary file is still analysed (exit 1: it has a finding).
 */
test('hostile inputs: each is named on stderr, and the ordinary file is still analysed', async () => {
  const dir = tmpTree({
    'good.go': WG_BAD,
    'empty.go': '',
    'pkgonly.go': 'package a\n',
    'go.mod': 'module example.com/x\n\ngo banana\nrequire (\n',
    '.gopitfalls.json': JSON.stringify({ rules: { 'no-such-rule': 'error', 'copied-lock': 7 }, exclude: 'gen/' }),
    'loop/keep.go': CLEAN,
  });
  writeFileSync(join(dir, 'junk.go'), junk(100_000));
  // 10 MB of valid Go: skipped by size before it is read, so it costs neither time nor memory.
  writeFileSync(join(dir, 'big.go'), 'package a\n\n' + 'var _ = 1 // padding to make a huge file\n'.repeat(250_000));
  symlinkSync('..', join(dir, 'loop', 'up'));
  symlinkSync(join(dir, 'loop'), join(dir, 'loop', 'self'));

  const r = await runCli(['--format', 'json'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as { findings: { path: string; ruleId: string }[]; errors: { path: string; message: string }[] };
  assert.deepEqual(out.findings.map((f) => `${f.path} ${f.ruleId}`), ['good.go waitgroup-add-in-goroutine']);
  const expected = [
    /warning: \.gopitfalls\.json: unknown rule id "no-such-rule"/,
    /warning: \.gopitfalls\.json: rules\["copied-lock"\] must be one of/,
    /warning: \.gopitfalls\.json: "exclude" must be an array/,
    /warning: go\.mod: no valid "go 1\.N" line|warning: .*go\.mod: no valid "go 1\.N" line/,
    /symbolic link loop/,
    /big\.go: 10\.\d MB is over the 5\.0 MB limit; skipped \(raise it with --max-file-size\)/,
    /junk\.go: contains NUL bytes, so it is not Go source text/,
  ];
  for (const re of expected) assert.match(r.stderr, re);
  assert.deepEqual(out.errors.map((e) => e.path).sort(), ['big.go', 'junk.go']);
  assert.doesNotMatch(r.stderr, /empty\.go|pkgonly\.go|keep\.go/, 'an empty file or a bare package clause is ordinary Go, not a problem');
});

test('exit 2 when nothing could be analysed: only binary junk, or only files over the limit', async () => {
  const dir = tmpTree({ 'small.go': WG_BAD });
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'junk.go'), junk(4096));
  const onlyJunk = await runCli(['bin'], { cwd: dir });
  assert.equal(onlyJunk.code, 2);
  assert.match(onlyJunk.stderr, /bin\/junk\.go: contains NUL bytes/);
  const tooBig = await runCli(['--max-file-size', '100', 'small.go'], { cwd: dir });
  assert.equal(tooBig.code, 2);
  assert.match(tooBig.stderr, /small\.go: \d+ bytes is over the 100 bytes limit/);
  const raised = await runCli(['--max-file-size', '1MB', 'small.go'], { cwd: dir });
  assert.equal(raised.code, 1, 'analysed once the limit allows it');
  const bad = await runCli(['--max-file-size', 'huge', 'small.go'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--max-file-size must be a size/);
});

test('a binary file beside a package is not used as a sibling either', async () => {
  const dir = tmpTree({ 'a.go': 'package a\n\nfunc (s Stats) Get() int { return 0 }\n' });
  // NUL bytes inside what would otherwise declare a struct with a lock: its declarations must not count.
  writeFileSync(join(dir, 'b.go'), 'package a\n\nimport "sync"\n\ntype Stats struct{ mu sync.Mutex }\n\0\0\0');
  const r = await runCli(['--format', 'json', 'a.go'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout);
});

test('input checks: NUL means binary; sizes parse with decimal units', () => {
  assert.equal(notGoSource('package a\n'), undefined);
  assert.equal(notGoSource(''), undefined);
  assert.match(notGoSource('package a\n\0')!, /NUL/);
  assert.equal(parseSize('800KB'), 800_000);
  assert.equal(parseSize('5mb'), 5_000_000);
  assert.equal(parseSize('12'), 12);
  assert.equal(parseSize('0'), undefined);
  assert.equal(parseSize('-3'), undefined);
  assert.equal(parseSize('lots'), undefined);
});

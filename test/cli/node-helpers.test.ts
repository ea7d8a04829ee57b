import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { excludeMatcher, loadConfigFile } from '../../src/node/config-file';
import { findGoMod, packageClause, packageOf, packagesInDir } from '../../src/node/package-files';
import { readWasm, wasmPaths } from '../../src/node/wasm';
import { CLEAN, tmpTree, withPackage } from './helpers';

test('packageClause: after comments, build lines and a BOM; undefined when absent', () => {
  assert.equal(packageClause('// Copyright\n/* block\n package no */\n//go:build linux\n\npackage foo // x\n'), 'foo');
  assert.equal(packageClause('\ufeffpackage bar\n'), 'bar');
  assert.equal(packageClause('package foo_test\n'), 'foo_test');
  assert.equal(packageClause('func main() {}\n'), undefined);
  assert.equal(packageClause('/* unterminated'), undefined);
});

test('packagesInDir: siblings with the same clause are indexed, only targets reported', () => {
  const dir = tmpTree({
    'go.mod': 'module m\n\ngo 1.21\n',
    'p/a.go': CLEAN,
    'p/b.go': withPackage(CLEAN, 'a'),
    'p/a_test.go': withPackage(CLEAN, 'a_test'),
    'p/_x.go': CLEAN,
    'p/.y.go': CLEAN,
  });
  const p = join(dir, 'p');
  const { packages, unreadable } = packagesInDir(p, [join(p, 'a.go')]);
  assert.deepEqual(unreadable, []);
  assert.equal(packages.length, 1);
  assert.equal(packages[0]!.packageName, 'a');
  assert.deepEqual(packages[0]!.files.map((f) => f.path), [join(p, 'a.go'), join(p, 'b.go')]);
  assert.deepEqual(packages[0]!.targets, [join(p, 'a.go')]);
  assert.equal(packages[0]!.goMod?.path, join(dir, 'go.mod'));

  const both = packagesInDir(p, [join(p, 'a.go'), join(p, 'a_test.go'), join(p, 'gone.go')]);
  assert.deepEqual(both.packages.map((x) => x.packageName).sort(), ['a', 'a_test']);
  assert.deepEqual(both.unreadable, [{ path: join(p, 'gone.go'), message: 'no such file or directory' }]);
});

test('packageOf: an unsaved buffer replaces the file on disk, and a new file gets its siblings', () => {
  const dir = tmpTree({ 'a.go': CLEAN, 'b.go': CLEAN });
  const pkg = packageOf(join(dir, 'new.go'), 'package a\n\nfunc n() {}\n');
  assert.deepEqual(pkg.files.map((f) => f.path), [join(dir, 'a.go'), join(dir, 'b.go'), join(dir, 'new.go')]);
  assert.equal(pkg.files[2]!.text, 'package a\n\nfunc n() {}\n');
  const other = packageOf(join(dir, 'a.go'), 'package other\n');
  assert.deepEqual(other.files.map((f) => f.path), [join(dir, 'a.go')]);
});

test('findGoMod: the nearest go.mod walking up, cached', () => {
  const dir = tmpTree({ 'go.mod': 'module outer\n', 'inner/go.mod': 'module inner\n', 'inner/x/y/z.go': CLEAN, 'w/z.go': CLEAN });
  const cache = new Map();
  assert.equal(findGoMod(join(dir, 'inner/x/y'), cache)?.text, 'module inner\n');
  assert.equal(findGoMod(join(dir, 'w'), cache)?.text, 'module outer\n');
  assert.equal(cache.get(join(dir, 'inner/x'))?.text, 'module inner\n');
});

test('loadConfigFile: cwd first, then the git top level; problems are warnings; --config must exist', () => {
  const known = new Set(['copied-lock', 'time-after-in-loop']);
  const dir = tmpTree({
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.gopitfalls.json': '{"rules": {"copied-lock": "off", "nope": "error"}, "exclude": ["gen/"]}',
    'sub/x.go': CLEAN,
  });
  const fromSub = loadConfigFile({ cwd: join(dir, 'sub'), knownRuleIds: known });
  assert.equal(fromSub.path, join(dir, '.gopitfalls.json'));
  assert.equal(fromSub.root, dir);
  assert.deepEqual(fromSub.config.rules, { 'copied-lock': 'off' });
  assert.equal(fromSub.problems.length, 1);
  assert.match(fromSub.problems[0]!, /unknown rule id "nope"/);

  writeFileSync(join(dir, 'sub', '.gopitfalls.json'), '{ not json');
  const bad = loadConfigFile({ cwd: join(dir, 'sub'), knownRuleIds: known });
  assert.deepEqual(bad.config, { rules: {}, exclude: [] });
  assert.match(bad.problems[0]!, /not valid JSON/);

  const missing = loadConfigFile({ cwd: dir, explicit: 'other.json', knownRuleIds: known });
  assert.equal(missing.unreadable, 'other.json: no such file or directory');
  const none = loadConfigFile({ cwd: tmpTree(), knownRuleIds: known });
  assert.deepEqual([none.path, none.problems], [undefined, []]);
});

test('excludeMatcher: globs relative to the root, "dir/" for a whole directory', () => {
  const m = excludeMatcher('/r', ['gen/', '**/*_mock.go']);
  assert.equal(m('/r/gen/a/b.go'), true);
  assert.equal(m('/r/x/y_mock.go'), true);
  assert.equal(m('/r/y_mock.go'), true);
  assert.equal(m('/r/x/y.go'), false);
  assert.equal(m('/elsewhere/gen/a.go'), false);
  assert.equal(excludeMatcher('/r', [])('/r/gen/a.go'), false);
});

test('wasm: found beside a bundle first, else in node_modules', () => {
  const fromModules = wasmPaths('/nonexistent');
  assert.ok(existsSync(fromModules.runtime) && existsSync(fromModules.go));
  const bundle = tmpTree({ 'web-tree-sitter.wasm': 'a', 'tree-sitter-go.wasm': 'b' });
  assert.deepEqual(wasmPaths(bundle), { runtime: join(bundle, 'web-tree-sitter.wasm'), go: join(bundle, 'tree-sitter-go.wasm') });
  const bytes = readWasm();
  // WebAssembly modules start with "\0asm"
  assert.deepEqual([...bytes.goWasm.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
});

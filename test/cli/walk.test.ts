import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { collectGoFiles } from '../../src/cli/walk';
import { CLEAN, tmpTree } from './helpers';

function tree(): string {
  const root = tmpTree({
    '.gitignore': 'gen/\n*.pb.go\n!keep.pb.go\n/sub/only-root.go\n',
    'a.go': CLEAN,
    'x.pb.go': CLEAN,
    'keep.pb.go': CLEAN,
    'notes.txt': 'not go',
    'gen/g.go': CLEAN,
    'vendor/v/v.go': CLEAN,
    'testdata/t.go': CLEAN,
    'node_modules/m/m.go': CLEAN,
    '.hidden/h.go': CLEAN,
    '_under/u.go': CLEAN,
    '_skip.go': CLEAN,
    'sub/.gitignore': 'local.go\n',
    'sub/local.go': CLEAN,
    'sub/only-root.go': CLEAN,
    'sub/s.go': CLEAN,
    'sub/deep/.gitignore': '!local.go\n',
    'sub/deep/local.go': CLEAN,
    'sub/deep/testdata/x.go': CLEAN,
  });
  mkdirSync(join(root, '.git'));
  return root;
}

const rel = (root: string, files: string[]) => files.map((f) => relative(root, f)).sort();

test('walk: .gitignore (nested, negated), vendor, testdata, node_modules, dot and underscore dirs skipped', () => {
  const root = tree();
  const r = collectGoFiles(['.'], root);
  assert.deepEqual(rel(root, r.files), ['a.go', 'keep.pb.go', 'sub/deep/local.go', 'sub/s.go']);
  assert.deepEqual(r.errors, []);
});

test('walk: paths named explicitly are taken even when skipped or ignored', () => {
  const root = tree();
  const r = collectGoFiles(['vendor', 'testdata', 'gen', '.hidden', 'x.pb.go', 'sub/local.go'], root);
  assert.deepEqual(rel(root, r.files), ['.hidden/h.go', 'gen/g.go', 'sub/local.go', 'testdata/t.go', 'vendor/v/v.go', 'x.pb.go']);
});

test('walk: a subdirectory still obeys the .gitignore files above it in the repository', () => {
  const root = tree();
  const r = collectGoFiles(['sub'], root);
  assert.deepEqual(rel(root, r.files), ['sub/deep/local.go', 'sub/s.go']);
});

test('walk: a symbolic-link loop is reported and not followed; files are found once', () => {
  const root = tree();
  symlinkSync(root, join(root, 'sub', 'loop'));
  symlinkSync(join(root, 'sub'), join(root, 'sub-again'));
  const r = collectGoFiles(['.', 'a.go'], root);
  assert.deepEqual(rel(root, r.files), ['a.go', 'keep.pb.go', 'sub/deep/local.go', 'sub/s.go']);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!, /sub\/loop: symbolic link loop/);
});

test('walk: a missing path or a non-Go file is an error naming it; the others still count', () => {
  const root = tree();
  const r = collectGoFiles(['nope', 'notes.txt', 'a.go'], root);
  assert.deepEqual(rel(root, r.files), ['a.go']);
  assert.deepEqual(r.errors, [
    { path: 'nope', message: 'no such file or directory' },
    { path: 'notes.txt', message: 'not a .go file or a directory' },
  ]);
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseUnifiedDiff, touches, unquoteGitPath } from '../../src/cli/diff';
import { jsonFindings, runCli, tmpTree, withPackage, WG_BAD } from './helpers';

test('parseUnifiedDiff: added and modified ranges of the new version; deletions add nothing', () => {
  const text = [
    'diff --git a/a.go b/a.go',
    'index 1..2 100644',
    '--- a/a.go',
    '+++ b/a.go',
    '@@ -3 +3 @@ func x',
    '-old',
    '+new',
    '@@ -10,2 +9,0 @@',
    '-gone',
    '-gone',
    '@@ -20,0 +21,3 @@',
    '+a',
    '+b',
    '+c',
    'diff --git a/old.go b/old.go',
    'deleted file mode 100644',
    '--- a/old.go',
    '+++ /dev/null',
    '@@ -1,2 +0,0 @@',
    'diff --git "a/sp ace\\tq.go" "b/sp ace\\tq.go"',
    '--- "a/sp ace\\tq.go"',
    '+++ "b/sp ace\\tq.go"',
    '@@ -0,0 +1 @@',
    '+x',
  ].join('\n');
  assert.deepEqual(
    [...parseUnifiedDiff(text)],
    [
      ['a.go', [[3, 3], [21, 23]]],
      ['sp ace\tq.go', [[1, 1]]],
    ],
  );
  assert.equal(unquoteGitPath('"\\303\\251t\\303\\251.go"'), 'été.go');
  assert.equal(touches([[3, 3], [21, 23]], 2, 3), true);
  assert.equal(touches([[3, 3], [21, 23]], 4, 20), false);
  assert.equal(touches(undefined, 1, 1), false);
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();

const FN = (name: string) => `
func ${name}() {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1)
		wg.Done()
	}()
	wg.Wait()
}
`;

test('--diff: only findings on lines changed since the merge base, uncommitted and untracked included', async () => {
  const repo = tmpTree({
    'go.mod': 'module m\n\ngo 1.22\n',
    'a.go': WG_BAD,
    'b/b.go': withPackage(WG_BAD, 'b'),
    'e/e.go': withPackage(WG_BAD, 'e'),
    'u/u.go': withPackage(WG_BAD, 'u'),
  });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'base');
  git(repo, 'checkout', '-q', '-b', 'feature');
  // committed on the branch: a new function at the end of a.go (lines 14–21, wg.Add on line 17)
  appendFileSync(join(repo, 'a.go'), FN('g'));
  git(repo, 'commit', '-q', '-am', 'g');
  // main moves on: e.go loses its finding there; diffing against main itself would report e.go
  git(repo, 'checkout', '-q', 'main');
  writeFileSync(join(repo, 'e/e.go'), 'package e\n');
  git(repo, 'commit', '-q', '-am', 'fix e');
  git(repo, 'checkout', '-q', 'feature');
  // uncommitted: b.go gains a function; untracked: a new file
  appendFileSync(join(repo, 'b/b.go'), FN('h'));
  writeFileSync(join(repo, 'u/new.go'), withPackage(WG_BAD, 'u'));
  const whole = await runCli(['--format', 'json'], { cwd: repo });
  assert.equal(whole.code, 1);
  // without --diff: a.go ×2, b.go ×2, e.go, u.go, u/new.go
  assert.equal(jsonFindings(whole.stdout).length, 7);

  const r = await runCli(['--diff', 'main', '--format', 'json'], { cwd: repo });
  assert.equal(r.stderr, '');
  assert.deepEqual(jsonFindings(r.stdout), [
    'a.go:17:3 waitgroup-add-in-goroutine',
    'b/b.go:17:3 waitgroup-add-in-goroutine',
    'u/new.go:8:3 waitgroup-add-in-goroutine',
  ]);
  assert.equal(r.code, 1);

  // from a subdirectory, paths stay relative to it and only its files are walked
  const sub = await runCli(['--diff', 'main', '--format', 'json', '.'], { cwd: join(repo, 'b') });
  assert.deepEqual(jsonFindings(sub.stdout), ['b.go:17:3 waitgroup-add-in-goroutine']);

  // nothing changed since HEAD's own merge base with itself… except the work tree
  git(repo, 'stash', '-q', '-u');
  const clean = await runCli(['--diff', 'HEAD'], { cwd: repo });
  assert.equal(clean.code, 0);
  assert.match(clean.stdout, /no findings in 0 files/);
});

test('--diff: a modified line inside an old file counts', async () => {
  const repo = tmpTree({ 'a.go': WG_BAD.replace('wg.Add(1)', 'wg.Add(2)') });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'base');
  const before = await runCli(['--diff', 'main'], { cwd: repo });
  assert.equal(before.code, 0);
  writeFileSync(join(repo, 'a.go'), WG_BAD);
  const after = await runCli(['--diff', 'main', '--format', 'json'], { cwd: repo });
  assert.deepEqual(jsonFindings(after.stdout), ['a.go:8:3 waitgroup-add-in-goroutine']);
});

test('--diff: an unknown ref or no repository is exit 2 with git\'s reason', async () => {
  const repo = tmpTree({ 'a.go': WG_BAD });
  const outside = await runCli(['--diff', 'main'], { cwd: repo });
  assert.equal(outside.code, 2);
  assert.match(outside.stderr, /not a git repository/i);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'base');
  const bad = await runCli(['--diff', 'no-such-branch'], { cwd: repo });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /gopitfalls: git merge-base: .*no-such-branch/);
});

test('--diff: a ref that looks like an option is refused before git sees it', async () => {
  const repo = tmpTree({ 'a.go': WG_BAD });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'base');
  const out = join(repo, 'written-by-git.txt');
  const r = await runCli([`--diff=--output=${out}`], { cwd: repo });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /is not a git ref \(refs cannot start with "-"\)/);
  const { existsSync } = await import('node:fs');
  assert.equal(existsSync(out), false);
});

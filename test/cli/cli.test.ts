import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { VERSION } from '../../src/cli/meta';
import { knownRuleIds } from '../../src/cli/rules-info';
import { kbEntries } from '../../src/generated/kb';
import { ruleDocs } from '../../src/generated/rule-docs';
import { CLEAN, jsonFindings, runCli, sarifErrors, sarifValid, tmpTree, withPackage, WG_BAD } from './helpers';

const LOCKED = 'package a\n\nimport "sync"\n\ntype T struct{ mu sync.Mutex }\n';
const COPIES = 'package a\n\nfunc f(t T) {}\n';

test('exit 0 without findings, 1 with, and a text summary', async () => {
  const dir = tmpTree({ 'ok.go': CLEAN, 'bad/bad.go': WG_BAD });
  const clean = await runCli(['ok.go'], { cwd: dir });
  assert.deepEqual([clean.code, clean.stdout, clean.stderr], [0, 'no findings in 1 file\n', '']);
  const bad = await runCli([], { cwd: dir });
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout.split('\n')[0], 'bad/bad.go:8:3: warning waitgroup-add-in-goroutine: wg.Add called inside the goroutine it counts; Wait may return before it runs');
  assert.match(bad.stdout, /^1 finding \(1 warning\) in 2 files$/m);
});

test('an unreadable path is reported on stderr and the others still analysed; exit 2 only when nothing was', async () => {
  const dir = tmpTree({ 'bad.go': WG_BAD });
  const some = await runCli(['missing.go', 'bad.go', '--format', 'json'], { cwd: dir });
  assert.equal(some.code, 1);
  assert.equal(some.stderr, 'gopitfalls: missing.go: no such file or directory\n');
  const doc = JSON.parse(some.stdout);
  assert.deepEqual(doc.errors, [{ path: 'missing.go', message: 'no such file or directory' }]);
  assert.equal(doc.findings.length, 1);
  const none = await runCli(['missing.go'], { cwd: dir });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /missing\.go: no such file or directory/);
});

test('usage errors exit 2 with a message', async () => {
  const dir = tmpTree({ 'a.go': CLEAN });
  for (const argv of [['--bogus'], ['--format', 'xml'], ['--go-version', 'two'], ['--jobs', '0'], ['--stdin', 'a.go'], ['--stdin-filename', 'a.go']]) {
    const r = await runCli(argv, { cwd: dir });
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.stderr, /^gopitfalls: /, argv.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('--rule / --disable: unknown ids exit 2 naming the known ones; known ones select rules', async () => {
  const dir = tmpTree({ 'a.go': WG_BAD });
  const unknown = await runCli(['--rule', 'waitgroup-add-in-goroutine,nope'], { cwd: dir });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown rule id "nope"; known rules: .*waitgroup-add-in-goroutine/);
  assert.equal((await runCli(['--disable', 'nope2'], { cwd: dir })).code, 2);
  assert.equal((await runCli(['--rule', 'copied-lock'], { cwd: dir })).code, 0);
  assert.equal((await runCli(['--disable', 'waitgroup-add-in-goroutine'], { cwd: dir })).code, 0);
  assert.equal((await runCli(['--rule', 'copied-lock', '--rule', 'waitgroup-add-in-goroutine'], { cwd: dir })).code, 1);
});

test('--explain: an unknown id exits 2 listing the known ids', async () => {
  const r = await runCli(['--explain', 'no-such-rule'], { cwd: tmpTree() });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  for (const id of knownRuleIds()) assert.ok(r.stderr.includes(id), `${id} listed`);
});

const firstDoc = Object.values(ruleDocs)[0];
test('--explain: a Q&A entry prints its markdown and its rules', async () => {
  const cwd = tmpTree();
  const id = Object.values(kbEntries).find((e) => e.rules.length)!.id;
  const r = await runCli(['--explain', id], { cwd });
  assert.equal(r.code, 0);
  assert.ok(r.stdout.startsWith(`# ${kbEntries[id]!.question}`));
  assert.match(r.stdout, /\nRules: /);
});

test('--explain: a documented rule prints its markdown', { skip: !firstDoc && 'no rule docs generated yet' }, async () => {
  const r = await runCli(['--explain', firstDoc!.id], { cwd: tmpTree() });
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trimEnd(), firstDoc!.markdown.trimEnd());
});

test('--list names every rule, then the Q&A topics and entries; --version and --help', async () => {
  const cwd = tmpTree();
  const list = await runCli(['--list'], { cwd });
  assert.equal(list.code, 0);
  const [rules, topics] = list.stdout.split(/\n\nQ&A topics[^\n]*\n/);
  const ids = rules!.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]);
  assert.deepEqual(ids, knownRuleIds());
  const entryIds = topics!.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim().split(/\s+/)[0]);
  assert.deepEqual(entryIds.sort(), Object.keys(kbEntries).sort());
  for (const [id, doc] of Object.entries(ruleDocs)) assert.match(list.stdout, new RegExp(`^${id}\\s+${doc.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  assert.deepEqual(await runCli(['--version'], { cwd }), { code: 0, stdout: `${VERSION}\n`, stderr: '' });
  const help = await runCli(['--help'], { cwd });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--stdin-filename/);
});

test('a package is analysed with its siblings, but only named files are reported', async () => {
  const dir = tmpTree({ 'locked.go': LOCKED, 'copies.go': COPIES, 'other.go': withPackage(WG_BAD, 'a'), 'x_test.go': withPackage(CLEAN, 'a_test') });
  const r = await runCli(['copies.go', '--format', 'json'], { cwd: dir });
  assert.deepEqual(jsonFindings(r.stdout), ['copies.go:3:10 copied-lock']);
  const all = await runCli(['--format', 'json'], { cwd: dir });
  assert.deepEqual(jsonFindings(all.stdout), ['copies.go:3:10 copied-lock', 'other.go:8:3 waitgroup-add-in-goroutine']);
});

test('--stdin: analysed as --stdin-filename with its siblings from disk; without a name, alone', async () => {
  const dir = tmpTree({ 'pkg/locked.go': LOCKED, 'pkg/copies.go': CLEAN });
  const named = await runCli(['--stdin', '--stdin-filename', 'pkg/copies.go', '--format', 'json'], { cwd: dir, stdin: COPIES });
  assert.equal(named.code, 1);
  assert.deepEqual(jsonFindings(named.stdout), ['pkg/copies.go:3:10 copied-lock']);
  const fresh = await runCli(['--stdin', '--stdin-filename', 'pkg/new.go', '--format', 'json'], { cwd: dir, stdin: COPIES });
  assert.deepEqual(jsonFindings(fresh.stdout), ['pkg/new.go:3:10 copied-lock']);
  const alone = await runCli(['--stdin'], { cwd: join(dir, 'pkg'), stdin: COPIES });
  assert.equal(alone.code, 0);
  const wg = await runCli(['--stdin'], { cwd: dir, stdin: WG_BAD });
  assert.equal(wg.code, 1);
  assert.match(wg.stdout, /^<stdin>:8:3: warning waitgroup-add-in-goroutine/);
});

test('.gopitfalls.json: settings and excludes apply; problems are warnings; --config overrides', async () => {
  const dir = tmpTree({
    '.gopitfalls.json': JSON.stringify({ rules: { 'waitgroup-add-in-goroutine': 'error' }, exclude: ['gen/'] }),
    'a.go': WG_BAD,
    'gen/g.go': withPackage(WG_BAD, 'g'),
    'off.json': JSON.stringify({ rules: { 'waitgroup-add-in-goroutine': 'off' }, typo: 1 }),
  });
  const r = await runCli(['--format', 'json'], { cwd: dir });
  assert.deepEqual(JSON.parse(r.stdout).findings.map((f: { path: string; severity: string }) => `${f.path} ${f.severity}`), ['a.go error']);
  const named = await runCli(['gen/g.go'], { cwd: dir });
  assert.equal(named.code, 0, 'an excluded file stays excluded when named (pre-commit hooks name every file)');
  const off = await runCli(['--config', 'off.json'], { cwd: dir });
  assert.equal(off.code, 0);
  assert.match(off.stderr, /warning: off\.json: unknown key "typo"/);
  const missing = await runCli(['--config', 'nope.json'], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.json: no such file or directory/);
  writeFileSync(join(dir, '.gopitfalls.json'), '{oops');
  const broken = await runCli([], { cwd: dir });
  assert.equal(broken.code, 1, 'defaults used');
  assert.match(broken.stderr, /warning: \.gopitfalls\.json: not valid JSON/);
});

test('--go-version overrides go.mod', async () => {
  const dir = tmpTree({ 'go.mod': 'module m\n\ngo 1.22\n', 'a.go': WG_BAD });
  const v25 = await runCli(['--go-version', '1.25', '--format', 'json'], { cwd: dir });
  const v22 = await runCli(['--format', 'json'], { cwd: dir });
  assert.equal(v25.code, 1);
  assert.equal(v22.code, 1);
  const titles = (out: string) => JSON.parse(out).findings.flatMap((f: { fixes: { title: string }[] }) => f.fixes.map((x) => x.title));
  // wg.Go exists from Go 1.25: the fix list may differ, the finding itself does not
  assert.deepEqual(jsonFindings(v25.stdout), jsonFindings(v22.stdout));
  assert.ok(titles(v25.stdout).length >= titles(v22.stdout).length);
});

test('colour on a terminal only, and never with NO_COLOR or --no-color', async () => {
  const dir = tmpTree({ 'a.go': WG_BAD });
  // eslint-disable-next-line no-control-regex
  const ansi = /\x1b\[/;
  assert.match((await runCli([], { cwd: dir, tty: true })).stdout, ansi);
  assert.doesNotMatch((await runCli([], { cwd: dir, tty: false })).stdout, ansi);
  assert.doesNotMatch((await runCli([], { cwd: dir, tty: true, env: { NO_COLOR: '1' } })).stdout, ansi);
  assert.doesNotMatch((await runCli(['--no-color'], { cwd: dir, tty: true })).stdout, ansi);
});

test('output is the same on worker threads as in process, sorted by path, line, column', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 6; i++) {
    files[`p${i}/a.go`] = withPackage(WG_BAD, `p${i}`);
    files[`p${i}/b.go`] = withPackage(WG_BAD.replace('func f', 'func g'), `p${i}`);
  }
  const dir = tmpTree(files);
  const one = await runCli(['--jobs', '1', '--format', 'json'], { cwd: dir });
  const two = await runCli(['--jobs', '2', '--format', 'json'], { cwd: dir });
  assert.equal(two.stderr, '');
  assert.equal(one.stdout, two.stdout);
  const found = jsonFindings(two.stdout);
  assert.equal(found.length, 12);
  assert.deepEqual(found, [...found].sort());
});

const root = resolve(__dirname, '../..');
const sh = (cmd: string[], cwd: string, input?: string) => spawnSync(process.execPath, cmd, { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

test('as a process (TypeScript sources): exit status and standard input', () => {
  const dir = tmpTree({ 'a.go': WG_BAD });
  // --import resolves from cwd (a temp dir): name tsx's loader by its URL
  const r = sh(['--import', pathToFileURL(require.resolve('tsx')).href, join(root, 'src/cli/main.ts'), '--stdin', '--stdin-filename', 'a.go', '--format', 'github'], dir, WG_BAD);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^::warning file=a\.go,line=8,col=3,endLine=8,endColumn=12,title=waitgroup-add-in-goroutine::/);
});

test('as a process (the bundle, dist/cli.js, with the WASM beside it)', { skip: !existsSync(join(root, 'dist/cli.js')) && 'not built' }, () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`p${i}/a.go`] = withPackage(i % 2 ? CLEAN : WG_BAD, `p${i}`);
  for (let i = 0; i < 40; i++) files[`p${i}/b.go`] = withPackage(CLEAN, `p${i}`);
  const dir = tmpTree(files);
  const r = sh([join(root, 'dist/cli.js'), '--format', 'json'], dir);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(JSON.parse(r.stdout).findings.length, 20);
  const clean = sh([join(root, 'dist/cli.js'), 'p1'], dir);
  assert.deepEqual([clean.status, clean.stdout], [0, 'no findings in 2 files\n']);
});

const ALL_RULES = `package ex

import (
	"context"
	"sync"
	"time"
)

type Stats struct {
	mu sync.Mutex
	n  int
}

func (s Stats) Count() int { return s.n }

func wait() {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1)
		defer wg.Done()
	}()
	wg.Wait()
}

func loop(c chan int) {
	for {
		select {
		case <-c:
		case <-time.After(time.Second):
			return
		}
	}
}

func ctxLeak() {
	ctx, _ := context.WithTimeout(context.Background(), time.Second)
	_ = ctx
}

func leak(ctx context.Context) int {
	c := make(chan int)
	go func() {
		c <- 1
	}()
	select {
	case v := <-c:
		return v
	case <-ctx.Done():
		return 0
	}
}
`;

test('real findings of every rule give valid SARIF, and JSON/SARIF/github agree on positions', async () => {
  const dir = tmpTree({ 'go.mod': 'module m\n\ngo 1.22\n', 'ex/all.go': ALL_RULES });
  const json = await runCli(['--format', 'json'], { cwd: dir });
  const found = jsonFindings(json.stdout);
  assert.deepEqual(found.map((f) => f.split(' ')[1]).sort(), [
    'copied-lock',
    'leaky-unbuffered-result-channel',
    'missing-defer-cancel',
    'time-after-in-loop',
    'waitgroup-add-in-goroutine',
  ]);
  const sarif = await runCli(['--format', 'sarif'], { cwd: dir });
  assert.equal(sarif.code, 1);
  const log = JSON.parse(sarif.stdout);
  assert.ok(sarifValid(log), sarifErrors());
  const fromSarif = log.runs[0].results.map(
    (r: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }) => {
      const p = r.locations[0]!.physicalLocation;
      return `${p.artifactLocation.uri}:${p.region.startLine}:${p.region.startColumn} ${r.ruleId}`;
    },
  );
  assert.deepEqual(fromSarif, found);
  const gh = await runCli(['--format', 'github'], { cwd: dir });
  const fromGithub = gh.stdout.trim().split('\n').map((l) => {
    const m = /^::warning file=([^,]+),line=(\d+),col=(\d+),.*title=([^:]+)::/.exec(l)!;
    return `${m[1]}:${m[2]}:${m[3]} ${m[4]}`;
  });
  assert.deepEqual(fromGithub, found);
});

test('columns are UTF-16 code units, 1-based', async () => {
  // "𝒳" is two UTF-16 units (one code point, four UTF-8 bytes)
  const text = WG_BAD.replace('\t\twg.Add(1)', '\t\t/*𝒳*/ wg.Add(1)');
  const dir = tmpTree({ 'a.go': text });
  const r = await runCli(['--format', 'json'], { cwd: dir });
  const [f] = JSON.parse(r.stdout).findings;
  assert.deepEqual([f.line, f.column, f.endColumn], [8, 3 + '/*𝒳*/ '.length, 3 + '/*𝒳*/ '.length + 'wg.Add(1)'.length]);
  assert.equal('/*𝒳*/ '.length, 7);
});

test('a go.mod without a valid go line is named on stderr and the files are still analysed', async () => {
  const dir = tmpTree({ 'go.mod': 'module x\n\ngo banana\n', 'bad.go': WG_BAD, 'empty.go': '', 'only.go': 'package a\n' });
  const r = await runCli([], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /go\.mod: no valid "go 1\.N" line/);
  assert.match(r.stdout, /waitgroup-add-in-goroutine/);
  const ok = await runCli([], { cwd: tmpTree({ 'go.mod': 'module x\n\ngo 1.22\n', 'bad.go': WG_BAD }) });
  assert.doesNotMatch(ok.stderr, /go\.mod/);
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createAnalyzer } from '../../src/core/analyzer';
import { DeclCache } from '../../src/core/engine';
import { defineRule } from '../../src/core/rule';
import { deleteRange } from '../../src/core/edits';
import { buildConstraintVersion, effectiveGoVersion, goModVersion } from '../../src/core/go-version';
import { parseConfigText } from '../../src/core/config';
import { allRules } from '../../src/rules';
import { analyzer } from '../harness/engine';
import { errorRootFile } from '../harness/error-root';

const init = () => ({
  runtimeWasm: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')),
  goWasm: readFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm')),
});

const WG = `package a

import "sync"

func f() {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1) //gopitfalls:ignore waitgroup-add-in-goroutine counted elsewhere on purpose
		wg.Done()
	}()
	wg.Wait()
}
`;

test('a rule that throws yields one internal-error and the others still report', async () => {
  const boom = defineRule({ id: 'boom-rule', visit: { call_expression: () => { throw new Error('kaboom'); } } });
  const real = allRules.find((r) => r.id === 'waitgroup-add-in-goroutine')!;
  const a = await createAnalyzer(init(), [boom, real]);
  const text = WG.replace(/ \/\/gopitfalls:ignore.*/, '');
  const [res] = a.analyzePackage({ files: [{ path: 'a.go', text }] });
  const ids = res!.findings.map((f) => f.ruleId);
  assert.deepEqual(ids.filter((i) => i === 'internal-error').length, 1);
  assert.ok(ids.includes('waitgroup-add-in-goroutine'));
  assert.match(res!.findings.find((f) => f.ruleId === 'internal-error')!.message, /boom-rule.*kaboom/);
});

test('ignore directives suppress, and malformed or unused ones are reported', async () => {
  const a = await analyzer();
  const [ok] = a.analyzePackage({ files: [{ path: 'a.go', text: WG }] });
  assert.deepEqual(ok!.findings.map((f) => f.ruleId), []);

  const noReason = WG.replace(' counted elsewhere on purpose', '');
  const [r1] = a.analyzePackage({ files: [{ path: 'a.go', text: noReason }] });
  assert.deepEqual(r1!.findings.map((f) => f.ruleId).sort(), ['malformed-ignore', 'waitgroup-add-in-goroutine']);

  const unknown = WG.replace('ignore waitgroup-add-in-goroutine', 'ignore no-such-rule');
  const [r2] = a.analyzePackage({ files: [{ path: 'a.go', text: unknown }] });
  assert.ok(r2!.findings.some((f) => f.ruleId === 'malformed-ignore' && /no-such-rule/.test(f.message)));

  const standalone = WG.replace('\t\twg.Add(1) //gopitfalls:ignore waitgroup-add-in-goroutine counted elsewhere on purpose', '\t\t//gopitfalls:ignore waitgroup-add-in-goroutine counted elsewhere on purpose\n\t\twg.Add(1)');
  const [r3] = a.analyzePackage({ files: [{ path: 'a.go', text: standalone }] });
  assert.deepEqual(r3!.findings.map((f) => f.ruleId), []);

  const unused = WG.replace('wg.Add(1) //gopitfalls:ignore waitgroup-add-in-goroutine', 'wg.Done() //gopitfalls:ignore copied-lock');
  const [r4] = a.analyzePackage({ files: [{ path: 'a.go', text: unused }] });
  const u = r4!.findings.find((f) => f.ruleId === 'unused-ignore');
  assert.ok(u, 'an ignore that suppresses nothing is reported');
  assert.equal(u.unnecessary, true);

  const fileIgnore = `//gopitfalls:file-ignore waitgroup-add-in-goroutine legacy code, tracked in #12\n${WG.replace(/ \/\/gopitfalls:ignore.*/, '')}`;
  const [r5] = a.analyzePackage({ files: [{ path: 'a.go', text: fileIgnore }] });
  assert.deepEqual(r5!.findings.map((f) => f.ruleId), []);
});

test('findings inside syntax errors are dropped; the rest of a broken file is analysed', async () => {
  const a = await analyzer();
  const text = WG.replace(/ \/\/gopitfalls:ignore.*/, '') + '\nfunc broken( {\n\tgo func() { wg.Add(1) }(\n';
  const [res] = a.analyzePackage({ files: [{ path: 'a.go', text }] });
  assert.ok(res!.syntaxErrors > 0);
  const lines = res!.findings.map((f) => f.span.start.line);
  assert.deepEqual(lines, [7]);
});

test('no rule runs inside a top-level ERROR node (its findings would all be dropped); directives there are still read', async () => {
  const seen: string[] = [];
  const counter = defineRule({ id: 'count-calls', visit: { call_expression: (n) => void seen.push(n.text) } });
  const a = await createAnalyzer(init(), [counter]);
  // The unclosed call makes an ERROR node of everything after ok(), calls included.
  const text = 'package a\n\nfunc ok() { before() }\n\ngo f(inside())( //gopitfalls:ignore count-calls nothing to suppress\n\nfunc ok2() { after() }\n';
  const [res] = a.analyzePackage({ files: [{ path: 'a.go', text }] });
  assert.ok(res!.syntaxErrors > 0);
  assert.deepEqual(seen, ['before()']);
  // The directive in the ERROR node was read: it suppresses nothing, and says so.
  assert.deepEqual(res!.findings.map((f) => f.ruleId), ['unused-ignore']);
});

test('under an ERROR root only the declarations tree-sitter still recognises are analysed, not the fragments', async () => {
  const seen: string[] = [];
  const counter = defineRule({ id: 'count-calls', visit: { call_expression: (n) => void seen.push(n.text) } });
  const a = await createAnalyzer(init(), [counter]);
  // "x :=" right above a method: tree-sitter reads "x := func (o *other0) put" as an expression and
  // gives up on the rest of the file. The last method's body comes out as a composite_literal
  // fragment holding the call len(o.ch).
  const { text, broken } = errorRootFile('\nfunc ok() { before() }\n');
  const [res] = a.analyzePackage({ files: [{ path: 'a.go', text: broken }] });
  assert.ok(res!.syntaxErrors > 0);
  assert.deepEqual(seen, ['before()']);
  // The premise, in the same file without the edit: each get() body holds the call.
  seen.length = 0;
  a.analyzePackage({ files: [{ path: 'a.go', text }] });
  assert.equal(seen.filter((c) => c === 'len(o.ch)').length, 5);
});

test('the cache sweep keeps what the results kept aside need (their context comes back with them)', () => {
  const c = new DeclCache();
  const keys = Array.from({ length: 100 }, (_, i) => `decl ${i}`);
  for (const k of keys) {
    c.setNames(k, [k]);
    c.words.set(k, new Set([k]));
  }
  // Under an ERROR root: the file's results are aside, and the current analysis has one key.
  c.stashed = { context: 'source_file', entries: new Map(keys.map((k) => [k, {} as never])) };
  c.sweep(['decl 0']);
  assert.equal(c.names.size, 100);
  assert.equal(c.words.size, 100);
  // Without results aside, what no live key holds goes.
  c.stashed = undefined;
  c.sweep(['decl 0']);
  assert.deepEqual([...c.names.keys()], ['decl 0']);
  assert.deepEqual([...(c.keysDeclaring('decl 0') ?? [])], ['decl 0']);
  assert.equal(c.keysDeclaring('decl 1'), undefined);
});

test('the cache knows which keys declare a name, through new names and sweeps', () => {
  const c = new DeclCache();
  c.setNames('func a() {}', ['a']);
  c.setNames('var a, b = 1, 2', ['a', 'b']);
  assert.deepEqual([...(c.keysDeclaring('a') ?? [])], ['func a() {}', 'var a, b = 1, 2']);
  // The same key again with other names (declared under another root): the old ones go.
  c.setNames('var a, b = 1, 2', ['b']);
  assert.deepEqual([...(c.keysDeclaring('a') ?? [])], ['func a() {}']);
  for (let i = 0; i < 100; i++) c.setNames(`x${i}`, [`x${i}`]);
  c.sweep(['var a, b = 1, 2']);
  assert.equal(c.keysDeclaring('a'), undefined);
  assert.equal(c.keysDeclaring('x5'), undefined);
  assert.deepEqual([...(c.keysDeclaring('b') ?? [])], ['var a, b = 1, 2']);
});

test('config turns rules off and overrides severity', async () => {
  const a = await analyzer();
  const text = WG.replace(/ \/\/gopitfalls:ignore.*/, '');
  const [off] = a.analyzePackage({ files: [{ path: 'a.go', text }], config: { rules: { 'waitgroup-add-in-goroutine': 'off' }, exclude: [] } });
  assert.equal(off!.findings.length, 0);
  const [err] = a.analyzePackage({ files: [{ path: 'a.go', text }], config: { rules: { 'waitgroup-add-in-goroutine': 'error' }, exclude: [] } });
  assert.equal(err!.findings[0]!.severity, 'error');
});

test('config files: bad JSON, wrong types, unknown keys and rule ids are reported', () => {
  const known = new Set(['copied-lock']);
  assert.match(parseConfigText('{', known).problems[0]!.message, /not valid JSON/);
  const r = parseConfigText('{"rules":{"copied-lock":"loud","nope":"off"},"colour":1,"exclude":"x"}', known);
  const msgs = r.problems.map((p) => p.message).join('\n');
  assert.match(msgs, /copied-lock.*must be one of/);
  assert.match(msgs, /unknown rule id "nope"/);
  assert.match(msgs, /unknown key "colour"/);
  assert.match(msgs, /"exclude" must be an array/);
  assert.deepEqual(parseConfigText('{"rules":{"copied-lock":"error"}}', known).config.rules, { 'copied-lock': 'error' });
});

test('effective Go version: go.mod line raised by //go:build', () => {
  assert.equal(goModVersion('module x\n\ngo 1.21.3\n'), 21);
  assert.equal(goModVersion('module x\n'), undefined);
  assert.equal(goModVersion('garbage ::: go 1.x'), undefined);
  assert.equal(buildConstraintVersion('//go:build go1.22 && linux\n\npackage a'), 22);
  assert.equal(buildConstraintVersion('//go:build !go1.22\n\npackage a'), undefined);
  assert.equal(buildConstraintVersion('//go:build go1.22 || go1.23\n'), undefined);
  assert.equal(effectiveGoVersion(20, '//go:build go1.23\n\npackage a'), 23);
  assert.equal(effectiveGoVersion(24, '//go:build go1.21\n\npackage a'), 24);
});

test('positions are 0-based UTF-16 lines and characters', async () => {
  const a = await analyzer();
  const text = WG.replace(/ \/\/gopitfalls:ignore.*/, '').replace('var wg sync.WaitGroup', 'var wg sync.WaitGroup // héllo 😀');
  const withEmoji = text.replace('\t\twg.Add(1)', '\t\t/*😀*/ wg.Add(1)');
  const [res] = a.analyzePackage({ files: [{ path: 'a.go', text: withEmoji }] });
  const f = res!.findings[0]!;
  assert.equal(f.span.start.line, 7);
  assert.equal(f.span.start.character, 2 + '/*😀*/ '.length);
  assert.equal(withEmoji.slice(f.span.start.offset, f.span.end.offset), 'wg.Add(1)');
});

test('deleteRange removes a lone line whole, a trailing comment with its blanks, an inline statement with its ;', () => {
  const apply = (t: string, s: string) => {
    const i = t.indexOf(s);
    const e = deleteRange(t, i, i + s.length);
    return t.slice(0, e.start) + e.newText + t.slice(e.end);
  };
  assert.equal(apply('a\n\tx()\nb\n', 'x()'), 'a\nb\n');
  assert.equal(apply('a\n\tx() // c\nb\n', '// c'), 'a\n\tx()\nb\n');
  assert.equal(apply('go func() { x(); y() }()\n', 'x()'), 'go func() { y() }()\n');
});

test('a rule over its time budget is stopped for the file with an internal-error naming it', async () => {
  let calls = 0;
  const slow = defineRule({
    id: 'slow-rule',
    visit: {
      call_expression: () => {
        calls++;
        const end = performance.now() + 30;
        while (performance.now() < end) {
          // busy: simulates a pathological rule
        }
      },
    },
  });
  const a = await createAnalyzer(init(), [slow]);
  const text = `package a\nfunc f() {\n${'\tg()\n'.repeat(20)}}\n`;
  const [res] = a.analyzePackage({ files: [{ path: 'a.go', text }], ruleBudgetMs: 50 });
  const errs = res!.findings.filter((f) => f.ruleId === 'internal-error');
  assert.equal(errs.length, 1);
  assert.match(errs[0]!.message, /slow-rule.*time budget of 50 ms/);
  assert.ok(calls < 20, `the rule was stopped early (ran ${calls} of 20 calls)`);
});

test('a short seeded fuzz slice: mutated fixtures never throw or give out-of-range spans or fixes', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const a = await analyzer();
  const texts: string[] = [];
  for (const d of readdirSync('test/fixtures').filter((x) => !x.startsWith('_'))) {
    for (const f of readdirSync(join('test/fixtures', d)).filter((x) => x.endsWith('.go'))) texts.push(readFileSync(join('test/fixtures', d, f), 'utf8'));
  }
  let seed = 3;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % Math.max(1, n));
  const junk = ['{', '}', '(', '"', '\n', '\uD800', '😀', 'go func() {', 'select {', '//gopitfalls:ignore copied-lock r\n'];
  for (let i = 0; i < 300; i++) {
    let t = texts[rand(texts.length)]!;
    for (let k = 0; k < 3; k++) {
      const at = rand(t.length + 1);
      t = rand(2) ? t.slice(0, at) + junk[rand(junk.length)] + t.slice(at) : t.slice(0, at) + t.slice(at + rand(100));
    }
    const [res] = a.analyzePackage({ files: [{ path: 'f.go', text: t }] });
    for (const f of res!.findings) {
      assert.notEqual(f.ruleId, 'internal-error', f.message);
      assert.ok(f.span.start.offset <= f.span.end.offset && f.span.end.offset <= t.length, `${f.ruleId} span out of range`);
      for (const fix of f.fixes) for (const e of fix.edits) assert.ok(e.start <= e.end && e.end <= t.length, `${fix.title} edit out of range`);
    }
  }
});

test('cond-wait-without-loop: turning if into for is safe only for a condition without calls', async () => {
  const a = await analyzer();
  const src = `package a

import "sync"

type q struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
}

func (x *q) empty() bool { return len(x.items) == 0 }

func (x *q) plain() {
	x.mu.Lock()
	if len(x.items) == 0 {
		x.cond.Wait()
	}
	x.mu.Unlock()
}

func (x *q) calls() {
	x.mu.Lock()
	if x.empty() {
		x.cond.Wait()
	}
	x.mu.Unlock()
}
`;
  const [r] = a.analyzePackage({ files: [{ path: 'a.go', text: src }], only: ['cond-wait-without-loop'] });
  assert.deepEqual(r!.findings.map((f) => f.fixes.map((x) => x.safety)), [['safe'], ['unsafe']]);
});

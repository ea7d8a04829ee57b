import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createAnalyzer } from '../../src/core/analyzer';
import { defineRule, type RuleDefinition } from '../../src/core/rule';
import { allRules } from '../../src/rules';

const init = () => ({
  runtimeWasm: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')),
  goWasm: readFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm')),
});

/** A rule that reports every call it visits, gated by words. */
const calls = (needs: RuleDefinition['needs']) =>
  defineRule({ id: 'every-call', needs, visit: { call_expression: (n, ctx) => ctx.report({ node: n, message: 'call' }) } });

const SRC = `package a

func a() { f() /* Lock in a comment counts */ }

func b() { g(); x.mu.Unlock() }

func c() { h(mu) }

func d() {
	y.
		mu.Do()
}
`;

const reported = async (rule: RuleDefinition, text = SRC): Promise<string[]> => {
  const an = await createAnalyzer(init(), [rule]);
  const [res] = an.analyzePackage({ files: [{ path: 'a.go', text }] });
  return res!.findings.map((f) => text.slice(f.span.start.offset, f.span.end.offset));
};

test('needs: a rule is visited only in declarations that have one of its words, as a whole identifier', async () => {
  assert.deepEqual(await reported(calls(['Lock'])), ['f()']);
  assert.deepEqual(await reported(calls(['Unlock', 'h'])), ['g()', 'x.mu.Unlock()', 'h(mu)']);
  // `.mu` only after a dot (also across a line break): not the argument of h.
  assert.deepEqual(await reported(calls(['.mu'])), ['g()', 'x.mu.Unlock()', 'y.\n\t\tmu.Do()']);
  assert.deepEqual(await reported(calls(['mu'])), ['g()', 'x.mu.Unlock()', 'h(mu)', 'y.\n\t\tmu.Do()']);
  assert.deepEqual(await reported(calls(['Loc', 'nlock'])), []);
  assert.deepEqual(await reported(calls(null)).then((r) => r.length), 5);
  assert.deepEqual(await reported(calls(undefined)).then((r) => r.length), 5);
});

test('needs: a callee-only rule needs its callee names; a directive in a skipped declaration is still read', async () => {
  const rule = defineRule({ id: 'close-call', callees: ['close'], visit: { call_expression: (n, ctx) => ctx.report({ node: n, message: 'close' }) } });
  const text = 'package a\n\nfunc a() { close(c) }\n\nfunc b() { f() //gopitfalls:ignore close-call no reason to\n}\n';
  const an = await createAnalyzer(init(), [rule]);
  const [res] = an.analyzePackage({ files: [{ path: 'a.go', text }] });
  assert.deepEqual(res!.findings.map((f) => f.ruleId).sort(), ['close-call', 'unused-ignore']);
});

/** Every Go file of the fixtures (the fuzz regressions included), by directory. */
function fixtureDirs(root = 'test/fixtures'): { path: string; text: string }[][] {
  const out: { path: string; text: string }[][] = [];
  const walk = (dir: string) => {
    const files: { path: string; text: string }[] = [];
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.go')) files.push({ path: p, text: readFileSync(p, 'utf8') });
    }
    if (files.length) out.push(files);
  };
  walk(root);
  return out;
}

/** Go code blocks of the rule docs, each a file of its own. */
function docBlocks(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const n of readdirSync('rules').filter((f) => f.endsWith('.md')).sort()) {
    const md = readFileSync(join('rules', n), 'utf8');
    let i = 0;
    for (const m of md.matchAll(/```go\n([^]*?)```/g)) out.push({ path: `${n}#${i++}.go`, text: m[1]! });
  }
  return out;
}

test('needs: every rule finds the same with and without its words on every fixture and doc example', async () => {
  const gated = await createAnalyzer(init());
  const ungated = await createAnalyzer(init(), allRules.map((r) => ({ ...r, needs: null })));
  const packages = [...fixtureDirs(), ...docBlocks().map((b) => [b])];
  let compared = 0;
  for (const files of packages) {
    // Files of one directory with different package clauses are analysed one by one.
    const groups = new Set(files.map((f) => /^package\s+(\w+)/m.exec(f.text)?.[1] ?? '')).size === 1 ? [files] : files.map((f) => [f]);
    for (const group of groups) {
      const a = gated.analyzePackage({ files: group });
      const b = ungated.analyzePackage({ files: group });
      assert.deepEqual(a, b, `different findings in ${group.map((f) => f.path).join(', ')}`);
      compared += a.reduce((n, r) => n + r.findings.length, 0);
    }
  }
  assert.ok(compared > 300, `only ${compared} findings compared`);
});

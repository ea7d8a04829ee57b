import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createAnalyzer } from '../../src/core/analyzer';
import { defineRule, type RuleDefinition } from '../../src/core/rule';
import { allRules } from '../../src/rules';
import { gateMatcher, identifierWords, skipKey, type Gate } from '../../src/core/gates';

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

test('gates: the words kept per declaration leave out the same rules as a scan of its text', () => {
  // Every top-level stretch of the fixtures, under gates with plain words, member words (`.name`) and
  // words that occur nowhere: the editor re-checks cached declarations from their identifiers alone.
  const gates: Gate[] = [
    { id: 'locks', words: new Set(['Lock', 'RLock', '.Unlock']) },
    { id: 'members', words: new Set(['.Add', '.Wait', '.Done']) },
    { id: 'go', words: new Set(['go', 'chan']) },
    { id: 'types', words: new Set(['Mutex', 'WaitGroup', 'Cond', 'nothingLikeThis']) },
    { id: 'never', words: new Set(['zzNowhere', '.zzNowhere']) },
  ];
  const subsets = [gates, gates.slice(1, 3), [gates[0]!, gates[4]!]];
  let compared = 0;
  const seen = new Set<string>();
  const files: string[] = [];
  const collect = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) collect(p);
      else if (n.endsWith('.go')) files.push(p);
    }
  };
  collect('test/fixtures');
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    // Declarations: from one line starting a declaration to the next (dots and words across lines too).
    const starts = [...text.matchAll(/^(func|type|var|const) /gm)].map((m) => m.index!);
    starts.push(text.length);
    for (let i = 0; i + 1 < starts.length; i++) {
      const words = identifierWords(text, starts[i]!, starts[i + 1]!);
      for (const set of subsets) {
        const m = gateMatcher(set, set.map((g) => `${g.id}:${[...g.words].join(" ")}`).join("\n"))!;
        const want = skipKey(m.inText(text, starts[i]!, starts[i + 1]!));
        assert.equal(m.keyOfWords(words), want, `${f} at ${starts[i]}`);
        seen.add(want);
        compared++;
      }
    }
  }
  assert.ok(compared > 1000, `${compared} compared`);
  // Both ways of deciding were exercised: declarations that skip each gate and that open it.
  for (const g of gates.slice(0, 4)) assert.ok([...seen].some((k) => !k.split(',').includes(g.id)), g.id);
  assert.ok([...seen].some((k) => k.includes('members')));
});

// The editor's logic that needs no VS Code: cards, actions, settings and sibling files. The real-VS-Code
// suite (npm run test:vscode) checks the same behaviour end to end; these pin the details fast.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ruleDocs } from '../../src/generated/rule-docs';
import { actionsFor, applyEdits, expandSnippet, fixAllAction, ignoreFileEdit, ignoreLineEdit } from '../../src/vscode/code-actions';
import { fixExample, hoverMarkdown, ruleCard } from '../../src/vscode/hover';
import { PackageFiles } from '../../src/vscode/packages';
import { mergeRules, readSettings } from '../../src/vscode/settings';
import { analyzer } from '../harness/engine';

const SRC = `package p

import "sync"

func run(n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		go func() {
			wg.Add(1)
			defer wg.Done()
		}()
	}
	wg.Wait()
}
`;

async function findings(text = SRC) {
  const a = await analyzer();
  return a.analyzePackage({ files: [{ path: '/w/p.go', text }], goMod: 'go 1.22' })[0]!.findings;
}

test('hover card: title, why, fix, links; never the diagnostic message; one card per rule', async () => {
  const [f] = await findings();
  assert.ok(f);
  const md = ruleCard(f, ruleDocs[f.ruleId]);
  assert.match(md, /\*\*Fix:\*\*/);
  assert.match(md, /\[Full doc\]\(command:gopitfalls\.openRuleDoc\?/);
  assert.match(md, /https:\/\/pkg\.go\.dev\/sync#WaitGroup/);
  assert.ok(!md.includes(f.message));
  assert.equal(hoverMarkdown([f, f], ruleDocs)!.split('\n---\n').length, 1);
  assert.ok(fixExample(ruleDocs['waitgroup-add-in-goroutine']!), 'the doc yields a small fix example');
});

test('code actions: fix first (preferred), then ignore line/file, then explain', async () => {
  const fs = await findings();
  const titles = actionsFor(fs, SRC).map((a) => a.title);
  assert.deepEqual(titles.slice(-3), [
    'Ignore waitgroup-add-in-goroutine on this line',
    'Ignore waitgroup-add-in-goroutine in this file',
    'Explain waitgroup-add-in-goroutine',
  ]);
  assert.ok(actionsFor(fs, SRC)[0]!.isPreferred);
});

test('"ignore on this line" inserts an indented directive above, which then silences the finding', async () => {
  const [f] = await findings();
  const e = ignoreLineEdit(SRC, f!);
  const out = applyEdits(SRC, [{ ...e, newText: expandSnippet(e.newText) }]);
  assert.match(out, /\n\t\t\t\/\/gopitfalls:ignore waitgroup-add-in-goroutine TODO: reason\n\t\t\twg\.Add\(1\)/);
  assert.deepEqual((await findings(out)).map((x) => x.ruleId), []);
  // A second rule on the same line extends the directive instead of adding another.
  const again = ignoreLineEdit(out, { ...f!, ruleId: 'copied-lock', span: { ...f!.span, start: { ...f!.span.start, offset: out.indexOf('wg.Add(1)') } } });
  assert.equal(again.snippet, undefined);
  assert.match(applyEdits(out, [again]), /gopitfalls:ignore waitgroup-add-in-goroutine,copied-lock TODO: reason/);
});

test('"ignore in this file" goes right above the package clause and silences the finding', async () => {
  const e = ignoreFileEdit(SRC, 'waitgroup-add-in-goroutine');
  const out = applyEdits(SRC, [{ ...e, newText: expandSnippet(e.newText) }]);
  assert.ok(out.startsWith('//gopitfalls:file-ignore waitgroup-add-in-goroutine TODO: reason\npackage p'));
  assert.deepEqual((await findings(out)).map((x) => x.ruleId), []);
});

test('fix-all applies only safe fixes and the result no longer has those findings', async () => {
  const fs = await findings();
  const all = fixAllAction(fs);
  assert.ok(all);
  const out = applyEdits(SRC, all.edits!);
  assert.deepEqual((await findings(out)).map((x) => x.ruleId), []);
  assert.equal(fixAllAction([{ ...fs[0]!, fixes: fs[0]!.fixes.map((x) => ({ ...x, safety: 'unsafe' as const })) }]), undefined);
});

test('settings: invalid values are reported and fall back; .gopitfalls.json wins per rule', () => {
  const known = new Set(Object.keys(ruleDocs));
  const values: Record<string, unknown> = { enable: 'yes', run: 'sometimes', maxFileSize: -1, rules: { 'copied-lock': 'loud', 'no-such-rule': 'off', 'time-after-in-loop': 'off' } };
  const { settings, problems } = readSettings((k) => values[k], known);
  assert.equal(settings.enable, true);
  assert.equal(settings.run, 'onType');
  assert.ok(settings.maxFileSize > 0);
  assert.deepEqual(settings.rules, { 'time-after-in-loop': 'off' });
  assert.equal(problems.length, 5, problems.join('\n'));
  assert.deepEqual(mergeRules(settings, { rules: { 'time-after-in-loop': 'error' }, exclude: [] }).rules, { 'time-after-in-loop': 'error' });
});

test('sibling files: same directory and package clause, open text wins over disk, changes are re-read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gp-siblings-'));
  writeFileSync(join(dir, 'a.go'), 'package p\n');
  writeFileSync(join(dir, 'b.go'), 'package p\ntype T struct{}\n');
  writeFileSync(join(dir, 'b_test.go'), 'package p_test\n');
  writeFileSync(join(dir, 'notes.txt'), 'package p\n');
  const open = new Map<string, string>();
  const files = new PackageFiles((p) => open.get(p));
  assert.deepEqual(files.siblings(join(dir, 'a.go'), 'package p\n').map((s) => s.path), [join(dir, 'b.go')]);
  open.set(join(dir, 'b.go'), 'package p\ntype U struct{}\n');
  assert.match(files.siblings(join(dir, 'a.go'), 'package p\n')[0]!.text, /type U/);
  open.clear();
  writeFileSync(join(dir, 'b.go'), 'package p\ntype V struct{}\n');
  files.invalidate(join(dir, 'b.go'));
  assert.match(files.siblings(join(dir, 'a.go'), 'package p\n')[0]!.text, /type V/);
});

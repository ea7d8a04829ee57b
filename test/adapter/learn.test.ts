// The Learn view's HTML and the teaching hovers, without VS Code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kbEntries, kbTopics } from '../../src/generated/kb';
import { ruleDocs } from '../../src/generated/rule-docs';
import { csp, entryPage, entryView, learnPage, renderMarkdown, ruleView } from '../../src/vscode/learn-html';
import { primitiveAt, primitiveMarkdown } from '../../src/vscode/primitives';

const ruleIds = new Set(Object.keys(ruleDocs));

test('markdown: raw HTML is escaped, https links go outside, other links are inert, rule ids link their docs', () => {
  const html = renderMarkdown('<script>alert(1)</script>\n\n[go](https://go.dev/ref/mem) [x](file:///etc/passwd) [y](../a.md) `copied-lock` `notarule`', ruleIds);
  assert.ok(!html.includes('<script>'));
  assert.match(html, /<a href="#" data-url="https:\/\/go\.dev\/ref\/mem"/);
  assert.ok(!/href="file:|href="\.\./.test(html), html);
  assert.match(html, /data-rule="copied-lock"/);
  assert.ok(!html.includes('data-rule="notarule"'));
});

test('pages carry a strict CSP with a nonce and no remote sources', () => {
  const policy = csp('vscode-webview://abc', 'N0NCE');
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'nonce-N0NCE'/);
  assert.ok(!/https?:/.test(policy.replace('vscode-webview://abc', '')), policy);
  const page = learnPage(kbTopics, kbEntries, 'vscode-webview://abc', 'N0NCE');
  assert.match(page, /<input id="q" type="search"/);
  assert.equal((page.match(/<script nonce="N0NCE">/g) ?? []).length, 1);
  for (const e of Object.values(kbEntries)) assert.ok(page.includes(`data-qa="${e.id}"`), e.id);
});

test('an entry page links its rules and related entries; a rule page links its Q&A', () => {
  const e = Object.values(kbEntries).find((x) => x.rules.length && x.related.length)!;
  const v = entryView(e, kbTopics, kbEntries, ruleIds);
  for (const r of e.rules) assert.ok(v.html.includes(`data-rule="${r}"`));
  for (const id of e.related.filter((x) => kbEntries[x])) assert.ok(v.html.includes(`data-qa="${id}"`));
  assert.match(entryPage(v, 'src', 'n'), /<article data-kind="qa"/);
  const d = ruleDocs['copied-lock']!;
  const rv = ruleView(d, kbEntries, ruleIds);
  for (const id of d.qa.filter((x) => kbEntries[x])) assert.ok(rv.html.includes(`data-qa="${id}"`));
});

test('teaching hovers: qualified names and keywords, not in comments, strings or other selectors', () => {
  const at = (line: string, word: string, k = 1) => primitiveAt(line, line.indexOf(word) + k)?.name;
  assert.equal(at('\tvar wg sync.WaitGroup', 'WaitGroup'), 'sync.WaitGroup');
  assert.equal(at('\tvar wg sync.WaitGroup', 'sync'), 'sync.WaitGroup');
  assert.equal(at('\tcase <-time.After(d):', 'After'), 'time.After');
  assert.equal(at('\tgo func() {', 'go', 0), 'go statement');
  assert.equal(at('\tgo worker(ch)', 'go', 0), 'go statement');
  assert.equal(at('\tselect {', 'select'), 'select');
  assert.equal(at('\tclose(done)', 'close'), 'close');
  assert.equal(at('\tch := make(chan int)', 'chan'), 'chan');
  assert.equal(at('\t// use sync.Mutex here', 'Mutex'), undefined);
  assert.equal(at('\ts := "time.After"', 'After'), undefined);
  assert.equal(at('\tx.sync.Mutex', 'Mutex'), undefined);
  assert.equal(at('\tgoal := 1', 'goal'), undefined);
  assert.equal(at('\tf.close()', 'close'), undefined);
  const p = primitiveAt('var wg sync.WaitGroup', 15)!;
  const md = primitiveMarkdown(p, (id) => (kbEntries[id] ? `command:gopitfalls.openQa?${id}` : undefined));
  assert.ok(md.split('\n').length <= 3);
  assert.match(md, /\[Learn more\]\(command:gopitfalls\.openQa/);
  assert.match(primitiveMarkdown(p, () => undefined), /\[Go docs\]\(https:\/\/pkg\.go\.dev\/sync#WaitGroup\)/);
});

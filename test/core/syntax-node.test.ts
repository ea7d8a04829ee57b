import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Language } from 'web-tree-sitter';
import { GoParser, loadGo } from '../../src/core/parser';
import { firstDifference } from '../../src/core/syntax/check';
import { syntaxRoot } from '../../src/core/syntax/node';

// SyntaxNode reads tree-sitter's memory with the struct layouts of one web-tree-sitter version. Here
// every node of every fixture, of the rule docs' code and of broken variants of them (syntax errors,
// MISSING nodes, CRLF, non-ASCII) is compared, member by member, with web-tree-sitter's own Node.

async function language(): Promise<Language> {
  return loadGo({
    runtimeWasm: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')),
    goWasm: readFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm')),
  });
}

function goFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) goFiles(p, out);
    else if (name.endsWith('.go')) out.push(p);
  }
  return out;
}

function sources(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const p of goFiles('test/fixtures')) out.push({ name: p, text: readFileSync(p, 'utf8') });
  for (const f of readdirSync('rules').filter((n) => n.endsWith('.md'))) {
    const md = readFileSync(join('rules', f), 'utf8');
    let i = 0;
    for (const m of md.matchAll(/```go\n([\s\S]*?)```/g)) out.push({ name: `${f}#${i++}`, text: m[1]! });
  }
  for (const f of readdirSync('test/fixtures/_fuzz')) {
    out.push({ name: f, text: (JSON.parse(readFileSync(join('test/fixtures/_fuzz', f), 'utf8')) as { text: string }).text });
  }
  // Broken and unusual variants: a cut in the middle, a deleted brace, CRLF and non-ASCII text.
  const some = out.slice(0, 40);
  for (const s of some) {
    out.push({ name: `${s.name} (cut)`, text: s.text.slice(0, Math.floor(s.text.length * 0.6)) });
    out.push({ name: `${s.name} (no brace)`, text: s.text.replace('{', '') });
    out.push({ name: `${s.name} (CRLF, é)`, text: s.text.replace(/\n/g, '\r\n').replace(/func /g, 'func é') });
  }
  return out;
}

function ids(nodes: readonly ({ id: number } | null)[]): number[] {
  return nodes.map((n) => n?.id ?? 0);
}

test('SyntaxNode gives what web-tree-sitter Node gives, for every node of fixtures, docs and broken code', async () => {
  const lang = await language();
  const fields = lang.fields.filter((f): f is string => typeof f === 'string');
  const parser = new GoParser(lang);
  let nodes = 0;
  let errors = 0;
  for (const { name, text } of sources()) {
    const tree = parser.parse(text);
    try {
      assert.equal(firstDifference(tree.rootNode, syntaxRoot(tree, text), fields), undefined, name);
      nodes += tree.rootNode.descendantCount;
      if (tree.rootNode.hasError) errors++;
    } finally {
      tree.delete();
    }
  }
  assert.ok(nodes > 10_000, `compared ${nodes} nodes`);
  assert.ok(errors > 20, `only ${errors} trees with syntax errors`);
});

test('a query result is located in the tree, with its parent and children', async () => {
  const lang = await language();
  const parser = new GoParser(lang);
  const text = 'package p\n\nfunc f(ch chan int) {\n\tgo func() { ch <- 1 }()\n}\n';
  const tree = parser.parse(text);
  try {
    const root = syntaxRoot(tree, text);
    const send = tree.rootNode.descendantsOfType('send_statement')[0]!;
    const ours = root.locate(send.id, send.startIndex, send.endIndex)!;
    assert.equal(ours.type, 'send_statement');
    assert.equal(ours.text, 'ch <- 1');
    assert.equal(ours.parent?.id, send.parent?.id);
    assert.equal(ours.parent?.type, 'statement_list');
    assert.deepEqual(ids(ours.children), ids(send.children));
    assert.equal(syntaxRoot(tree, text), root, 'one root object per tree');
  } finally {
    tree.delete();
  }
});

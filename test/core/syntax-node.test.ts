import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Language, Node } from 'web-tree-sitter';
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

/** Large inputs: every fixture in one file (hundreds of declarations), a long body, a long literal. */
function largeSources(): { name: string; text: string }[] {
  const all = goFiles('test/fixtures').map((p) => readFileSync(p, 'utf8').replace(/^package .*$/m, ''));
  const joined = `package big\n${all.join('\n')}`;
  const body = Array.from({ length: 300 }, (_, i) => `\tx${i} := f(${i})`).join('\n');
  const literal = Array.from({ length: 300 }, (_, i) => `${i}: "v${i}",`).join('\n');
  return [
    { name: 'all fixtures', text: joined },
    { name: 'all fixtures, a brace deleted', text: joined.replace(/\{\n/, '\n') },
    { name: 'all fixtures, `x :=` at the top level', text: joined.replace(/\nfunc /, '\nx :=\nfunc ') },
    { name: 'long body and literal', text: `package p\n\nfunc f() {\n${body}\n}\n\nvar m = map[int]string{\n${literal}\n}\n` },
  ];
}

test('children read one at a time are the same nodes, counts and positions as all of them read together', async () => {
  const lang = await language();
  const parser = new GoParser(lang);
  let lazy = 0;
  for (const { name, text } of largeSources()) {
    const tree = parser.parse(text);
    try {
      // Each node's count before its children are read (tree-sitter's count) against web-tree-sitter's;
      // the nodes with more than a few dozen children are kept for the next part.
      const wide: Node[] = [];
      const stack = [[syntaxRoot(tree, text), tree.rootNode] as const];
      while (stack.length) {
        const [o, r] = stack.pop()!;
        assert.equal(o.childCount, r.childCount, `${name}: child count of ${r.type} at ${r.startIndex}`);
        if (r.childCount > 64) wide.push(r);
        const rk = r.children;
        o.children.forEach((k, i) => stack.push([k, rk[i]!]));
      }
      assert.ok(wide.length > 0, `${name}: no node with many children`);
      // Each such node with its children forgotten: asked in a scattered order, then all read.
      const root = syntaxRoot(tree, text);
      for (const real of wide) {
        root.release();
        const ours = real.id === root.id ? root : root.locate(real.id, real.startIndex, real.endIndex)!;
        ours.release();
        const count = real.childCount;
        const order = Array.from({ length: count }, (_, i) => (i * 37) % count);
        const got = new Map<number, ReturnType<typeof ours.child>>();
        for (const i of [...new Set(order)]) {
          const c = ours.child(i)!;
          const rc = real.child(i)!;
          got.set(i, c);
          lazy++;
          assert.equal(c.id, rc.id, `${name}: child ${i} of ${real.type}`);
          assert.equal(c.type, rc.type, `${name}: type of child ${i}`);
          assert.deepEqual([c.startIndex, c.endIndex], [rc.startIndex, rc.endIndex], `${name}: span of child ${i}`);
          assert.deepEqual(c.startPosition, rc.startPosition, `${name}: start of child ${i}`);
          assert.equal(c.parent, ours, `${name}: parent of child ${i}`);
          assert.equal(c.nextSibling?.id ?? 0, rc.nextSibling?.id ?? 0, `${name}: next sibling of child ${i}`);
          assert.equal(c.previousSibling?.id ?? 0, rc.previousSibling?.id ?? 0, `${name}: previous sibling of child ${i}`);
        }
        assert.equal(ours.child(count), null);
        assert.equal(ours.child(-1), null);
        for (const [i, c] of got) assert.equal(ours.children[i], c, `${name}: child ${i} is one object however it was reached`);
      }
      // Positions looked up from a root whose children are not read (a binary search over them).
      assert.equal(root.children.length, tree.rootNode.childCount);
      for (let k = 0; k < 300; k++) {
        const s = Math.floor((k / 300) * text.length);
        const e = Math.min(text.length, s + (k % 7) * 3);
        root.release();
        assert.equal(root.descendantForIndex(s, e).id, tree.rootNode.descendantForIndex(s, e)?.id, `${name}: node at ${s}-${e}`);
      }
    } finally {
      tree.delete();
    }
  }
  assert.ok(lazy > 1000, `only ${lazy} children read one at a time`);
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Edit } from 'web-tree-sitter';
import { GoDocument } from '../../src/core/document';
import { lineStartsOf } from '../../src/core/position';
import { GoParser, loadGo } from '../../src/core/parser';
import { detachDeep, TopLevel, topEntries } from '../../src/core/top-level';
import { changedTopLevel, syntaxRoot } from '../../src/core/syntax/node';
import * as layout from '../../src/core/syntax/layout';

async function parser(): Promise<GoParser> {
  const lang = await loadGo({
    runtimeWasm: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')),
    goWasm: readFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm')),
  });
  return new GoParser(lang);
}

/** Fixture files joined into one package-less body, so edits cross many declarations and comments. */
function corpus(): string {
  const parts = ['package p\n\nimport (\n\t"sync"\n\t"time"\n)\n'];
  for (const d of readdirSync('test/fixtures').filter((x) => !x.startsWith('_')).sort().slice(0, 12)) {
    for (const f of readdirSync(join('test/fixtures', d)).filter((x) => x.endsWith('.go')).sort().slice(0, 2)) {
      const t = readFileSync(join('test/fixtures', d, f), 'utf8');
      parts.push(t.replace(/^package .*$/m, '').replace(/^import \([\s\S]*?^\)$/m, '').replace(/^import .*$/gm, ''));
    }
  }
  // A declaration tree-sitter rebuilds on every re-parse (built while it followed two readings of the
  // receive case), between the others: the entries carried past such nodes are checked too.
  parts.push(FRAGILE);
  return parts.join('\n// next file\n');
}

const FRAGILE = 'func fragile(a, b <-chan int) {\n\tfor {\n\t\tselect {\n\t\tcase v := <-a:\n\t\t\t_ = v\n\t\tcase <-b:\n\t\t}\n\t}\n}\n';

test('keys carried over by position equal the keys read afresh, through random edits', async () => {
  const p = await parser();
  const start = corpus();
  const doc = new GoDocument(p, start);
  const tracked = new TopLevel();
  tracked.update(syntaxRoot(doc.tree, doc.text), doc.text, doc.takeChanges());
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % Math.max(1, n));
  // Edits that keep, break and re-shape declarations: comments above them, braces, `;`, blank lines.
  const pieces = ['x', ' ', '\n', '}', '{', '// note\n', '/*', '*/', ';', 'func g() {}\n', '"', 'var v = 1\n', ''];
  let carried = 0;
  for (let step = 0; step < 400; step++) {
    // Back to clean code now and then: junk piling up makes tree-sitter's error recovery slow.
    if (step % 25 === 0) doc.reset(start);
    // One to three changes per update, as VS Code may batch them.
    const changes = [];
    let text = doc.text;
    for (let k = 1 + rand(3); k > 0; k--) {
      const at = rand(text.length + 1);
      const len = rand(4) === 0 ? rand(20) : 0;
      const ins = pieces[rand(pieces.length)]!;
      changes.push({ rangeOffset: at, rangeLength: Math.min(len, text.length - at), text: ins });
      text = text.slice(0, at) + ins + text.slice(Math.min(text.length, at + len));
    }
    doc.update(changes);
    // The line table the document keeps through the edits is the one a scan of its text gives.
    assert.deepEqual([...doc.lineStarts], [...lineStartsOf(doc.text)], `step ${step}: line starts`);
    if (rand(10) === 0) doc.settle();
    const taken = doc.takeChanges();
    const got = tracked.update(syntaxRoot(doc.tree, doc.text), doc.text, taken);
    const want = topEntries(syntaxRoot(doc.tree, doc.text), doc.text, true);
    assert.equal(got.length, want.length, `step ${step}: number of top-level nodes`);
    for (let i = 0; i < want.length; i++) {
      assert.deepEqual(got[i], want[i], `step ${step}: child ${i} (${want[i]!.type} at ${want[i]!.base})`);
    }
    carried += got.length;
  }
  assert.ok(carried > 1000, 'the edits left most declarations in place');
  doc.dispose();
  p.delete();
});

test('an edit to the comment above a declaration changes its key; an edit elsewhere keeps it', async () => {
  const p = await parser();
  const text = 'package p\n\n// doc of f\nfunc f() {}\n\nfunc g() {}\n';
  const doc = new GoDocument(p, text);
  const tracked = new TopLevel();
  const before = tracked.update(syntaxRoot(doc.tree, doc.text), doc.text, doc.takeChanges());
  const keyOf = (es: typeof before, type: string, n = 0) => es.filter((e) => e.type === type)[n]!.key;
  doc.update([{ rangeOffset: text.indexOf('doc'), rangeLength: 3, text: 'DOC' }]);
  const after = tracked.update(syntaxRoot(doc.tree, doc.text), doc.text, doc.takeChanges());
  assert.notEqual(keyOf(after, 'function_declaration'), keyOf(before, 'function_declaration'));
  assert.match(keyOf(after, 'function_declaration'), /DOC of f/);
  assert.equal(keyOf(after, 'function_declaration', 1), keyOf(before, 'function_declaration', 1));
  doc.dispose();
  p.delete();
});

test('the structural changes of a re-parse are the top-level nodes tree-sitter built anew, and only those', async () => {
  const p = await parser();
  const text = 'package p\n\nfunc f() {\n\tx := 1\n}\n\nfunc g() {\n\ty := 2\n}\n\nfunc h() {}\n';
  const doc = new GoDocument(p, text);
  doc.takeChanges();
  const span = (name: string) => {
    const s = doc.text.indexOf(`func ${name}`);
    return [s, doc.text.indexOf('}\n', s)];
  };
  // Typing in f: f is new, g and h are reused as they were.
  doc.update([{ rangeOffset: text.indexOf('x :='), rangeLength: 0, text: 'z' }]);
  const typed = doc.takeChanges();
  assert.deepEqual(typed.dirty, [[text.indexOf('x :='), text.indexOf('x :=') + 1]]);
  assert.deepEqual(typed.rebuilt, [[...span('f'), 'function_declaration', false]]);
  // Deleting f's closing brace re-shapes the code after it, far from the edit: every node from f on
  // is new (the edit itself is one character).
  const brace = doc.text.indexOf('}\n');
  doc.update([{ rangeOffset: brace, rangeLength: 1, text: '' }]);
  const broken = doc.takeChanges();
  const reshaped = broken.rebuilt;
  assert.ok(reshaped.length > 0);
  assert.ok(Math.max(...reshaped.map(([, e]) => e)) >= doc.text.indexOf('func h'), JSON.stringify(broken.rebuilt));
  doc.dispose();
  p.delete();
});

test('the new top-level nodes found by reference counts are those whose subtree the old tree lacks', async () => {
  const p = await parser();
  let text = corpus();
  let tree = p.parse(text);
  let seed = 11;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % Math.max(1, n));
  const pieces = ['x', '\n', '}', '{', '// c\n', '/*', '*/', ';', 'func g() {}\n', '"', ''];
  const heap = (slot: number) => ((layout.U8[slot]! & 1) === 1 ? 0 : layout.U32[slot >>> 2]!);
  const edited = (slot: number) => (layout.U8[heap(slot) + layout.H_FLAGS]! & 32) !== 0;
  let found = 0;
  for (let step = 0; step < 120; step++) {
    if (step % 30 === 0) {
      tree.delete();
      text = corpus();
      tree = p.parse(text);
    }
    const at = rand(text.length + 1);
    const len = rand(3) === 0 ? rand(30) : 0;
    const ins = pieces[rand(pieces.length)]!;
    const end = Math.min(text.length, at + len);
    const next = text.slice(0, at) + ins + text.slice(end);
    const pos = (t: string, o: number) => ({ row: t.slice(0, o).split('\n').length - 1, column: o - t.lastIndexOf('\n', o - 1) - 1 });
    tree.edit(new Edit({ startIndex: at, oldEndIndex: end, newEndIndex: at + ins.length, startPosition: pos(text, at), oldEndPosition: pos(text, end), newEndPosition: pos(next, at + ins.length) }));
    const fresh = p.parse(next, tree);
    // Every unedited subtree of the old tree (error recovery can lift one from inside a declaration
    // to the top level: it is reused as it was), then the new top-level nodes (not leaves) that are
    // none of them.
    layout.syncHeap();
    const kept = new Set<number>();
    const gather = (s: number): void => {
      for (let i = 0; i < layout.childCount(s); i++) {
        const c = layout.childrenAddress(s) + i * layout.SUBTREE_SIZE;
        if (heap(c) === 0) continue;
        if (!edited(c)) kept.add(heap(c));
        gather(c);
      }
    };
    gather((tree as unknown as { 0: number })[0]);
    const root = syntaxRoot(fresh, next);
    const want = root.children
      .filter((k) => heap(k.id) !== 0 && layout.childCount(k.id) > 0 && !kept.has(heap(k.id)))
      .map((k) => [k.startIndex, Math.max(k.startIndex, k.endIndex - 1)]);
    assert.deepEqual(changedTopLevel(root).map(([s, e]) => [s, e]), want, `step ${step}`);
    found += want.length;
    tree.delete();
    tree = fresh;
    text = next;
  }
  assert.ok(found > 120, `new nodes found: ${found}`);
  tree.delete();
  p.delete();
});

test('detachDeep copies containers with equal strings, keeps sharing and cycles, and leaves other objects', () => {
  const text = 'package p\n\nfunc worker(ch chan int) { for v := range ch { _ = v } }\n';
  const cut = (w: string) => text.slice(text.indexOf(w), text.indexOf(w) + w.length);
  const shared = { name: cut('worker'), type: { k: 'chan', elem: cut('int') } };
  const re = /x/;
  const value = { funcs: new Map([[cut('worker'), shared]]), list: [shared, shared], set: new Set([cut('func')]), re, self: undefined as unknown };
  value.self = value;
  const copy = detachDeep(value);
  assert.deepEqual(copy.funcs.get('worker'), { name: 'worker', type: { k: 'chan', elem: 'int' } });
  assert.notEqual(copy, value);
  assert.notEqual(copy.funcs, value.funcs);
  assert.notEqual(copy.list[0], shared);
  assert.equal(copy.list[0], copy.list[1]);
  assert.equal(copy.funcs.get('worker'), copy.list[0]);
  assert.deepEqual([...copy.set], ['func']);
  assert.equal(copy.re, re);
  assert.equal(copy.self, copy);
});

test('a declaration tree-sitter rebuilds with the same text keeps its entry; an edit in it or above it does not', async () => {
  const p = await parser();
  const fillers = Array.from({ length: 30 }, (_, i) => `func filler${i}() {}\n`).join('\n');
  const text = `package p\n\nfunc f() {\n\tx := 1\n}\n\n${fillers}\n// far away\n${FRAGILE}\nfunc last() {}\n`;
  const doc = new GoDocument(p, text);
  const tracked = new TopLevel();
  const before = tracked.update(syntaxRoot(doc.tree, doc.text), doc.text, doc.takeChanges());
  const far = before.find((e) => doc.text.startsWith('func fragile', e.base))!;
  const farKey = far.key;
  // Typing in f: the parse builds f and fragile anew (the scenario this is about), yet fragile's entry
  // is the one kept from before, moved, not read again: only the stretch around f is.
  doc.update([{ rangeOffset: doc.text.indexOf('x :='), rangeLength: 0, text: 'y' }]);
  const typed = doc.takeChanges();
  assert.ok(typed.rebuilt.some(([s]) => doc.text.startsWith('func fragile', s)), `fragile is rebuilt: ${JSON.stringify(typed.rebuilt)}`);
  const after = tracked.update(syntaxRoot(doc.tree, doc.text), doc.text, typed);
  const farAfter = after.find((e) => doc.text.startsWith('func fragile', e.base))!;
  assert.equal(farAfter, far, 'the same entry object, shifted');
  assert.equal(farAfter.key, farKey);
  assert.deepEqual(after, topEntries(syntaxRoot(doc.tree, doc.text), doc.text, true));
  // An edit inside it, or in the comment above it, changes its key.
  doc.update([{ rangeOffset: doc.text.indexOf('_ = v'), rangeLength: 0, text: 'w := 1; ' }]);
  const inside = tracked.update(syntaxRoot(doc.tree, doc.text), doc.text, doc.takeChanges());
  const keyInside = inside.find((e) => doc.text.startsWith('func fragile', e.base))!.key;
  assert.notEqual(keyInside, farKey);
  assert.deepEqual(inside, topEntries(syntaxRoot(doc.tree, doc.text), doc.text, true));
  doc.update([{ rangeOffset: doc.text.indexOf('far away'), rangeLength: 3, text: 'FAR' }]);
  const above = tracked.update(syntaxRoot(doc.tree, doc.text), doc.text, doc.takeChanges());
  assert.match(above.find((e) => doc.text.startsWith('func fragile', e.base))!.key, /FAR away/);
  assert.deepEqual(above, topEntries(syntaxRoot(doc.tree, doc.text), doc.text, true));
  doc.dispose();
  p.delete();
});

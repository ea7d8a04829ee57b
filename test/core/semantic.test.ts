import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Node as WasmNode, Tree } from 'web-tree-sitter';
import { GoParser, loadGo } from '../../src/core/parser';
import { FileSemantics } from '../../src/core/semantic/file';
import { mayHoldFacts, runFactQueries } from '../../src/core/semantic/file-facts';
import { collectImports } from '../../src/core/semantic/imports';
import { indexFile, lockPath, mergeIndexes } from '../../src/core/semantic/package-index';
import { typeString } from '../../src/core/semantic/types';
import { walk } from '../../src/core/semantic/walk';
import { syntaxRoot, type SyntaxNode as Node } from '../../src/core/syntax/node';

async function parse(text: string) {
  const lang = await loadGo({
    runtimeWasm: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')),
    goWasm: readFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm')),
  });
  const tree = new GoParser(lang).parse(text);
  return { rootNode: syntaxRoot(tree, text), wasm: tree, delete: () => tree.delete() };
}

/** A pre-order walk with web-tree-sitter's own TreeCursor: what walk must visit. */
function cursorWalk(tree: Tree, from: Node, visit: (n: WasmNode) => boolean | void): void {
  let start: WasmNode | null = tree.rootNode.descendantForIndex(from.startIndex, from.endIndex);
  while (start && start.id !== from.id) start = start.parent;
  const cursor = start!.walk();
  try {
    let depth = 0;
    for (;;) {
      if (visit(cursor.currentNode) !== false && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (depth === 0 || !cursor.gotoParent()) return;
        depth--;
      }
      if (depth === 0) return;
    }
  } finally {
    cursor.delete();
  }
}

function find(root: Node, pred: (n: Node) => boolean): Node {
  let hit: Node | undefined;
  walk(root, (n) => {
    if (!hit && pred(n)) hit = n;
    return !hit;
  });
  assert.ok(hit);
  return hit;
}

const SRC = `package p

import (
	s "sync"
	. "time"
	_ "embed"
	"golang.org/x/sync/errgroup"
	atom "sync/atomic"
)

type Inner struct{ mu s.RWMutex }
type Outer struct {
	Inner
	n atom.Int64
}
type NoCopy struct{}
func (*NoCopy) Lock()   {}
func (*NoCopy) Unlock() {}
type Holder struct{ _ NoCopy }
type Safe struct{ mu *s.Mutex; v atom.Value }

func mk() Outer { return Outer{} }

func f(o *Outer, xs []Inner) {
	a := *o
	b := mk()
	c := &s.WaitGroup{}
	d := new(s.Mutex)
	var e Holder
	for _, v := range xs {
		_ = v
	}
	_, _, _, _, _ = a, b, c, d, e
	var g errgroup.Group
	_ = g
	_ = Second
}
`;

test('imports: renamed, dot and blank imports', async () => {
  const tree = await parse(SRC);
  const imp = collectImports(tree.rootNode);
  assert.equal(imp.byName.get('s'), 'sync');
  assert.equal(imp.byName.get('atom'), 'sync/atomic');
  assert.equal(imp.byName.get('errgroup'), 'golang.org/x/sync/errgroup');
  assert.ok(imp.dot.has('time'));
  assert.ok(!imp.byName.has('_') && imp.paths.has('embed'));
  tree.delete();
});

test('declared types and lock paths through the package index', async () => {
  const tree = await parse(SRC);
  const idx = mergeIndexes([indexFile(tree.rootNode)]);
  const sem = new FileSemantics(tree.rootNode, idx);
  const typeOfUse = (name: string) => {
    const use = find(tree.rootNode, (n) => n.type === 'identifier' && n.text === name && n.parent?.type === 'expression_list' && n.parent.parent?.type === 'assignment_statement');
    return sem.typeOf(use);
  };
  assert.equal(typeString(typeOfUse('a')!), 'Outer');
  assert.equal(typeString(typeOfUse('b')!), 'Outer');
  assert.equal(typeString(typeOfUse('c')!), '*sync.WaitGroup');
  assert.equal(typeString(typeOfUse('d')!), '*sync.Mutex');
  assert.deepEqual(lockPath(typeOfUse('a')!, idx), ['Outer', 'Inner', 'sync.RWMutex']);
  assert.deepEqual(lockPath(typeOfUse('e')!, idx), ['Holder', 'NoCopy']);
  assert.equal(lockPath(typeOfUse('c')!, idx), undefined, 'a pointer is not a lock');
  assert.equal(lockPath({ k: 'named', pkg: '', name: 'Safe' }, idx), undefined, 'pointer field and atomic.Value are not locks');
  const v = find(tree.rootNode, (n) => n.type === 'identifier' && n.text === 'v' && n.parent?.type === 'assignment_statement' === false && n.parent?.parent?.type === 'assignment_statement');
  assert.equal(typeString(sem.typeOf(v)!), 'Inner', 'range value variable of []Inner');
  tree.delete();
});

test('scopes: shadowing and := reuse', async () => {
  const tree = await parse(`package p
func f(x int) {
	x, y := 1, 2
	{
		x := "s"
		_ = x
	}
	_ = x
	_ = y
}
`);
  const sem = new FileSemantics(tree.rootNode, mergeIndexes([indexFile(tree.rootNode)]));
  const uses: Node[] = [];
  walk(tree.rootNode, (n) => {
    if (n.type === 'identifier' && n.text === 'x' && n.parent?.parent?.type === 'assignment_statement') uses.push(n);
    return true;
  });
  assert.equal(uses.length, 2);
  assert.equal(sem.resolve(uses[0]!)!.kind, 'var', 'inner x is the block-local string');
  assert.equal(sem.resolve(uses[1]!)!.kind, 'param', 'x := reuses the parameter x in the same scope');
  tree.delete();
});

test('file facts filtered by a mentioned name match whole identifiers only, and by range', async () => {
  const tree = await parse(`package p
func f(ch, ch2 chan int, s struct{ ch chan int }) {
	close(ch)
	close(ch2)
	close(xch)
	close(s.ch)
	close(ché)
}
func g(ch chan int) { close(ch) }
`);
  const sem = new FileSemantics(tree.rootNode, mergeIndexes([indexFile(tree.rootNode)]));
  const texts = (nodes: readonly Node[]) => nodes.map((n) => n.text);
  assert.deepEqual(texts(sem.facts('closeCalls', { mentions: 'ch' })), ['close(ch)', 'close(s.ch)', 'close(ch)']);
  assert.deepEqual(texts(sem.facts('closeCalls', { mentions: 'ch2' })), ['close(ch2)']);
  assert.equal(sem.facts('closeCalls').length, 6);
  const g = tree.rootNode.namedChildren.find((n) => n?.text.startsWith('func g'))!;
  assert.deepEqual(texts(sem.facts('closeCalls', { within: [g.startIndex, g.endIndex] })), ['close(ch)']);
  assert.ok(sem.consulted.has('closeCalls\u0005ch') && sem.consulted.has('closeCalls'));
  tree.delete();
});

test('walk: the materialised pre-order matches a cursor walk, with pruning, nesting and any walk order', async () => {
  const tree = await parse(`package p

func f(ch chan int) {
	go func() { ch <- 1 }()
	for i := 0; i < 3; i++ {
		select {
		case v := <-ch:
			_ = v
		default:
		}
	}
}

func g() { defer func() { recover() }() }
`);
  const visitor = (out: string[], prune?: string) => (n: { type: string; startIndex: number }) => {
    out.push(`${n.type}@${n.startIndex}`);
    return n.type !== prune;
  };
  const ours = (node: Node, prune?: string) => {
    const out: string[] = [];
    walk(node, visitor(out, prune));
    return out;
  };
  const theirs = (t: Tree, node: Node, prune?: string) => {
    const out: string[] = [];
    cursorWalk(t, node, visitor(out, prune));
    return out;
  };
  const root = tree.rootNode;
  const inner = find(root, (n) => n.type === 'select_statement');
  for (const [node, prune] of [[inner, undefined], [root, undefined], [root, 'func_literal'], [inner, 'communication_case']] as const) {
    const expected = theirs(tree.wasm, node, prune);
    assert.ok(expected.length > 5);
    assert.deepEqual(ours(node, prune), expected, `${node.type} pruned at ${prune}`);
  }
  // A nested walk inside a visitor sees its own subtree only.
  const nested: string[] = [];
  walk(root, (n) => {
    if (n.type === 'func_literal') walk(n, (m) => void nested.push(m.type));
  });
  assert.deepEqual(nested.filter((t) => t === 'func_literal').length, 2);
  assert.ok(nested.includes('send_statement') && nested.includes('call_expression'));
  assert.ok(!nested.includes('select_statement'));
  tree.delete();
  // With syntax errors (ERROR and MISSING nodes), and a declaration without them next to one with.
  const broken = await parse('package p\n\nfunc f() {\n\tx := \n\tgo func( { y }\n}\n\nfunc g(ch chan int) { for v := range ch { _ = v } }\n\nfunc h() { a.b( }\n');
  assert.ok(broken.rootNode.hasError);
  for (const node of [broken.rootNode, ...broken.rootNode.namedChildren]) {
    for (const prune of [undefined, 'block', 'ERROR', 'for_statement']) {
      assert.deepEqual(ours(node, prune), theirs(broken.wasm, node, prune), `${node.type} pruned at ${prune}`);
    }
  }
  broken.delete();
});

test('mayHoldFacts holds for the text of every fact in the fixtures (the gate never hides one)', async () => {
  let facts = 0;
  const files = (readdirSync('test/fixtures', { recursive: true }) as string[]).filter((x) => x.endsWith('.go'));
  for (const f of files) {
    const tree = await parse(readFileSync(`test/fixtures/${f}`, 'utf8'));
    for (const [kind, nodes] of runFactQueries(tree.rootNode)) {
      for (const n of nodes) {
        facts++;
        assert.ok(mayHoldFacts(n.text), `${f}: a ${kind} fact without the gate's words: ${n.text}`);
      }
    }
    tree.delete();
  }
  assert.ok(facts > 100, `only ${facts} facts in the fixtures`);
  assert.equal(mayHoldFacts('func f() { mu.Lock(); defer mu.Unlock() }'), false);
});

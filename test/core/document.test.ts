import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { GoDocument } from '../../src/core/document';
import { lineStartsOf } from '../../src/core/position';
import { GoParser, loadGo } from '../../src/core/parser';
import { analyzer } from '../harness/engine';
import { errorRootFile } from '../harness/error-root';

const BASE = `package a

import "sync"

// héllo 😀 — non-ASCII before the edits, so UTF-16 and byte offsets differ
func f() {
	var wg sync.WaitGroup
	go func() {
		defer wg.Done()
	}()
	wg.Wait()
}
`;

test('incremental edits give the same findings as a fresh parse, and track the text', async () => {
  const a = await analyzer();
  const doc = a.openDocument('a.go', BASE);
  try {
    assert.equal(doc.analyze().findings.length, 0);
    // Type "wg.Add(1)\n\t\t" one character at a time inside the goroutine, as an editor would.
    const at = BASE.indexOf('defer wg.Done()');
    const typed = 'wg.Add(1)\n\t\t';
    for (let i = 0; i < typed.length; i++) doc.update([{ rangeOffset: at + i, rangeLength: 0, text: typed[i]! }]);
    const expected = BASE.slice(0, at) + typed + BASE.slice(at);
    assert.equal(doc.text, expected);
    const inc = doc.analyze();
    const [full] = a.analyzePackage({ files: [{ path: 'a.go', text: expected }] });
    assert.deepEqual(inc.findings, full!.findings);
    assert.equal(inc.findings[0]?.ruleId, 'waitgroup-add-in-goroutine');
    // Delete it again with one replacement edit.
    doc.update([{ rangeOffset: at, rangeLength: typed.length, text: '' }]);
    assert.equal(doc.text, BASE);
    assert.equal(doc.analyze().findings.length, 0);
  } finally {
    doc.dispose();
  }
});

test('edits that add and remove lines leave every node at the rows and columns of a fresh parse', async () => {
  const lang = await loadGo({
    runtimeWasm: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')),
    goWasm: readFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm')),
  });
  const p = new GoParser(lang);
  const doc = new GoDocument(p, BASE);
  // Rules report rows and columns read from the nodes: after edits that add, remove and rewrite
  // lines (CRLF and astral characters too), the re-parsed tree must place every node where a fresh
  // parse of the same text does.
  const positions = (tree: import('web-tree-sitter').Tree): string[] => {
    const out: string[] = [];
    const c = tree.walk();
    for (let more = true; more; ) {
      const n = c.currentNode;
      out.push(`${n.type} ${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column}`);
      if (c.gotoFirstChild()) continue;
      while (!c.gotoNextSibling()) if (!c.gotoParent()) { more = false; break; }
    }
    return out;
  };
  const edits: [string, string][] = [
    ['wg.Wait()', 'wg.Wait()\n\tx := 1\n\ty := "😀"\n'],
    ['var wg', '\t// two\n\t// lines\n\tvar wg'],
    ['\t// two\n\t// lines\n', ''],
    ['héllo 😀', 'h\r\nx'],
    ['import "sync"\n', 'import "sync"\n\nvar v = 1\n'],
    ['defer wg.Done()', 'defer wg.Done() /* a\nb */'],
  ];
  try {
    for (const [find, replace] of edits) {
      const at = doc.text.indexOf(find);
      assert.ok(at >= 0, find);
      doc.update([{ rangeOffset: at, rangeLength: find.length, text: replace }]);
      const fresh = p.parse(doc.text);
      assert.deepEqual(positions(doc.tree), positions(fresh), `after replacing ${JSON.stringify(find)}`);
      assert.deepEqual([...doc.lineStarts], [...lineStartsOf(doc.text)], `line starts after replacing ${JSON.stringify(find)}`);
      fresh.delete();
    }
  } finally {
    doc.dispose();
    p.delete();
  }
});

test('the package index comes from siblings, and a changed sibling is re-indexed', async () => {
  const a = await analyzer();
  const main = 'package a\n\nfunc (s Stats) Get() int { return 0 }\n';
  const doc = a.openDocument('a.go', main);
  try {
    const withLock = { path: 'b.go', text: 'package a\n\nimport "sync"\n\ntype Stats struct{ mu sync.Mutex }\n' };
    assert.equal(doc.analyze({ siblings: [withLock] }).findings[0]?.ruleId, 'copied-lock');
    const noLock = { path: 'b.go', text: 'package a\n\ntype Stats struct{ n int }\n' };
    assert.equal(doc.analyze({ siblings: [noLock] }).findings.length, 0);
  } finally {
    doc.dispose();
  }
});

test('after random edits, cached incremental analysis equals a fresh analysis (once settled, while the text has syntax errors)', async () => {
  const { readdirSync, readFileSync, existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const a = await analyzer();
  const sources: string[] = [BASE, BASE.replace('defer wg.Done()', 'wg.Add(1)\n\t\tdefer wg.Done()')];
  if (existsSync('test/fixtures')) {
    for (const d of readdirSync('test/fixtures')) {
      for (const f of readdirSync(join('test/fixtures', d)).filter((x) => x.endsWith('.go')).slice(0, 2)) sources.push(readFileSync(join('test/fixtures', d, f), 'utf8'));
    }
  }
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const pieces = ['\n', '}', '{', ' ', 'x', 'wg.Add(1)\n', '//gopitfalls:ignore copied-lock why\n', 'return\n', '"', '(', '//go:build go1.25\n'];
  for (const src of sources) {
    const doc = a.openDocument('p.go', src);
    try {
      for (let i = 0; i < 40; i++) {
        const t = doc.text;
        const at = rand(t.length + 1);
        const del = rand(3) === 0 ? rand(Math.min(8, t.length - at) + 1) : 0;
        doc.update([{ rangeOffset: at, rangeLength: del, text: del && rand(2) ? '' : pieces[rand(pieces.length)]! }]);
        // No time budget here: on a loaded machine a rule stopped in one run and not the other is
        // not the divergence this test looks for.
        const req = { goVersion: 21, ruleBudgetMs: 1e9 };
        const inc = doc.analyze(req);
        const [fresh] = a.analyzePackage({ files: [{ path: 'p.go', text: doc.text }], ...req });
        // Error-free text: the incremental tree is the fresh one. With syntax errors, error recovery may
        // differ until the editor settles the document (a fresh parse when typing pauses).
        if (fresh!.syntaxErrors === 0) assert.deepEqual(inc, fresh, `edit ${i} at ${at} diverged:\n${doc.text}`);
        else {
          for (const f of inc.findings) assert.ok(f.span.start.offset <= f.span.end.offset && f.span.end.offset <= doc.text.length);
          doc.settle();
          assert.deepEqual(doc.analyze(req), fresh, `edit ${i} at ${at} diverged after settle:\n${doc.text}`);
        }
      }
    } finally {
      doc.dispose();
    }
  }
});

test('a declaration is analysed again when only the comment above it changes', async () => {
  const a = await analyzer();
  const text = `package a

import "sync/atomic"

type C struct{ n int64 }

func (c *C) inc() { atomic.AddInt64(&c.n, 1) }

// reset is for tests only.
func (c *C) reset() { c.n = 0 }
`;
  const doc = a.openDocument('a.go', text);
  try {
    assert.equal(doc.analyze().findings.length, 0);
    const at = text.indexOf('// reset');
    doc.update([{ rangeOffset: at, rangeLength: '// reset is for tests only.\n'.length, text: '' }]);
    const inc = doc.analyze();
    const [fresh] = a.analyzePackage({ files: [{ path: 'a.go', text: doc.text }] });
    assert.deepEqual(inc, fresh);
    assert.equal(inc.findings[0]?.ruleId, 'mixed-atomic-plain-access');
  } finally {
    doc.dispose();
  }
});

test('a declaration is analysed again when a package constant it reads changes', async () => {
  const a = await analyzer();
  const text = `package a

import "runtime"

const workers = 4

func start() { runtime.GOMAXPROCS(workers) }
`;
  const doc = a.openDocument('a.go', text);
  try {
    assert.equal(doc.analyze().findings[0]?.ruleId, 'gomaxprocs-hardcoded');
    const at = text.indexOf('workers = 4');
    doc.update([{ rangeOffset: at, rangeLength: 0, text: 'x' }]);
    const inc = doc.analyze();
    const [fresh] = a.analyzePackage({ files: [{ path: 'a.go', text: doc.text }] });
    assert.deepEqual(inc, fresh);
    assert.equal(inc.findings.length, 0);
  } finally {
    doc.dispose();
  }
});

test('a cached declaration whose finding depends on another declaration is re-judged when that one changes', async () => {
  // loop() spins only because stop() closes events: removing the close must remove loop's finding,
  // although loop's own text never changes (its cached result records the file-wide facts it read).
  const text = `package a

var events = make(chan int)
var quit = make(chan struct{})

func use(int) {}

func loop() {
	for {
		select {
		case v := <-events:
			use(v)
		case <-quit:
			return
		}
	}
}

func stop() {
	close(events)
}
`;
  const a = await analyzer();
  const doc = a.openDocument('a.go', text);
  try {
    assert.deepEqual(doc.analyze().findings.map((f) => f.ruleId), ['closed-channel-select-spin']);
    const at = doc.text.indexOf('close(events)');
    doc.update([{ rangeOffset: at, rangeLength: 'close(events)'.length, text: 'use(0)' }]);
    const [fresh] = a.analyzePackage({ files: [{ path: 'a.go', text: doc.text }] });
    assert.deepEqual(fresh!.findings, []);
    assert.deepEqual(doc.analyze().findings, fresh!.findings);
    // And back: the close returns, so does the finding.
    doc.update([{ rangeOffset: at, rangeLength: 'use(0)'.length, text: 'close(events)' }]);
    assert.deepEqual(doc.analyze().findings.map((f) => f.ruleId), ['closed-channel-select-spin']);
  } finally {
    doc.dispose();
  }
});

test('a declaration that read facts mentioning a channel is re-judged when such a fact changes elsewhere', async () => {
  // recv-without-ok reads the closes that mention its channel: typing in a function that closes
  // another channel changes nothing for it, a close of its own channel (or its removal) does.
  const text = `package a

type Job struct{ ID int }

func (j *Job) Run() error { return nil }

type Runner struct{ jobs, done chan *Job }

func (r *Runner) Work(quit chan struct{}) error {
	for {
		var err error
		select {
		case <-quit:
			return nil
		case j := <-r.jobs:
			err = j.Run()
		}
		if err != nil {
			return err
		}
	}
}

func (r *Runner) Other() { close(r.done) }

func (r *Runner) Close() { close(r.jobz) }
`;
  const a = await analyzer();
  const doc = a.openDocument('a.go', text);
  const same = () => {
    const [fresh] = a.analyzePackage({ files: [{ path: 'a.go', text: doc.text }] });
    assert.deepEqual(doc.analyze(), fresh);
    return fresh!.findings.map((f) => f.ruleId);
  };
  try {
    assert.deepEqual(same(), []);
    doc.update([{ rangeOffset: doc.text.indexOf('close(r.done)'), rangeLength: 0, text: 'x := 1; ' }]);
    assert.deepEqual(same(), []);
    doc.update([{ rangeOffset: doc.text.indexOf('jobz'), rangeLength: 4, text: 'jobs' }]);
    assert.deepEqual(same(), ['recv-without-ok-on-closable-channel']);
    doc.update([{ rangeOffset: doc.text.indexOf('close(r.done)'), rangeLength: 0, text: 'y := 2; ' }]);
    assert.deepEqual(same(), ['recv-without-ok-on-closable-channel']);
    doc.update([{ rangeOffset: doc.text.indexOf('close(r.jobs)'), rangeLength: 'close(r.jobs)'.length, text: 'println(r.jobs)' }]);
    assert.deepEqual(same(), []);
  } finally {
    doc.dispose();
  }
});

test('a cached declaration is re-judged when a package-index entry it read changes, and only then', async () => {
  // Get copies S by value: a finding only while S holds a lock. The editor's cache keys no longer
  // include the whole index, so this relies on the read of S being recorded with Get's result.
  const text = `package a

import "sync"

type S struct {
	mu sync.Mutex
	n  int
}

func (s S) Get() int { return s.n }

func other() int { return 1 }
`;
  const a = await analyzer();
  const doc = a.openDocument('a.go', text);
  try {
    assert.deepEqual(doc.analyze().findings.map((f) => f.ruleId), ['copied-lock']);
    const at = doc.text.indexOf('mu sync.Mutex');
    doc.update([{ rangeOffset: at, rangeLength: 'mu sync.Mutex'.length, text: 'mu int' }]);
    const [fresh] = a.analyzePackage({ files: [{ path: 'a.go', text: doc.text }] });
    assert.deepEqual(fresh!.findings, []);
    assert.deepEqual(doc.analyze(), fresh);
    doc.update([{ rangeOffset: at, rangeLength: 'mu int'.length, text: 'mu sync.Mutex' }]);
    assert.deepEqual(doc.analyze().findings.map((f) => f.ruleId), ['copied-lock']);
  } finally {
    doc.dispose();
  }
});

test('a cached declaration is re-judged when the //go:build line alone changes its Go version', async () => {
  // Found by npm run fuzz: the module says 1.22, the build line keeps 1.21 loop semantics; breaking the
  // build line left the cached loop-variable-capture finding in place (the effective version, max of
  // the two, stayed 1.22, and it was all the cache keyed on).
  const text = `//go:build go1.21

package loops

import "fmt"

func downgraded(items []string) {
	for _, it := range items {
		go func() {
			fmt.Println(it)
		}()
	}
}
`;
  const a = await analyzer();
  const doc = a.openDocument('a.go', text);
  try {
    assert.deepEqual(doc.analyze({ goVersion: 22 }).findings.map((f) => f.ruleId), ['loop-variable-capture']);
    doc.update([{ rangeOffset: text.indexOf('build'), rangeLength: 0, text: 'x' }]);
    assert.deepEqual(doc.analyze({ goVersion: 22 }).findings.map((f) => f.ruleId), []);
    doc.update([{ rangeOffset: text.indexOf('build'), rangeLength: 1, text: '' }]);
    assert.deepEqual(doc.analyze({ goVersion: 22 }).findings.map((f) => f.ruleId), ['loop-variable-capture']);
  } finally {
    doc.dispose();
  }
});

test('a declaration a rule skipped for want of its words is re-judged when the words change', async () => {
  // copied-lock's words come from the package's lock-bearing types: T becomes one when a mutex is
  // added to it, and only then is f (which names T and nothing else of the kind) visited for it.
  const text = `package a

import "sync"

var _ sync.Mutex

type T struct {
	n int
}

func f(t T) {}
`;
  const a = await analyzer();
  const doc = a.openDocument('a.go', text);
  try {
    assert.deepEqual(doc.analyze().findings.map((f) => f.ruleId), []);
    const at = text.indexOf('n int');
    doc.update([{ rangeOffset: at, rangeLength: 0, text: 'mu sync.Mutex\n\t' }]);
    assert.deepEqual(doc.analyze().findings.map((f) => f.ruleId), ['copied-lock']);
    doc.update([{ rangeOffset: at, rangeLength: 'mu sync.Mutex\n\t'.length, text: '' }]);
    assert.deepEqual(doc.analyze().findings.map((f) => f.ruleId), []);
  } finally {
    doc.dispose();
  }
});

test('a keystroke that makes the root one ERROR node and the next that undoes it reuse the results from before', async () => {
  const parser = new GoParser(
    await loadGo({
      runtimeWasm: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')),
      goWasm: readFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm')),
    }),
  );
  const rootType = (text: string) => {
    const tree = parser.parse(text);
    const type = tree.rootNode.type;
    tree.delete();
    return type;
  };
  // "x :=" on the blank line after the first struct: tree-sitter recovers with an ERROR root here.
  const { text, at, broken } = errorRootFile();
  assert.equal(rootType(broken), 'ERROR', 'the premise: this edit makes the root one ERROR node');
  assert.equal(rootType(text), 'source_file');

  const a = await analyzer();
  const fresh = (t: string) => a.analyzePackage({ files: [{ path: 'a.go', text: t }] })[0]!.findings;
  const doc = a.openDocument('a.go', text);
  try {
    const before = doc.analyze().findings;
    assert.ok(before.length >= 5, `a finding in every unit: ${before.length}`);
    doc.update([{ rangeOffset: at, rangeLength: 0, text: 'x :=' }]);
    doc.analyze();
    doc.update([{ rangeOffset: at, rangeLength: 4, text: '' }]);
    const after = doc.analyze().findings;
    assert.deepEqual(after, fresh(text));
    // The same objects: every declaration's result was kept aside, not computed again.
    assert.equal(after.length, before.length);
    after.forEach((f, i) => assert.equal(f, before[i], `finding ${i} (${f.ruleId}) was recomputed`));

    // What changes while the root is an ERROR node is seen once it is not: the lock of other3 goes,
    // which changes what the kept results of its methods (other declarations) say.
    doc.update([{ rangeOffset: at, rangeLength: 0, text: 'x :=' }]);
    doc.analyze();
    const lock = doc.text.indexOf('sync.Mutex', doc.text.indexOf('type other3'));
    doc.update([{ rangeOffset: lock, rangeLength: 'sync.Mutex'.length, text: 'int' }]);
    assert.equal(rootType(doc.text), 'ERROR');
    doc.analyze();
    doc.update([{ rangeOffset: at, rangeLength: 4, text: '' }]);
    const changed = doc.analyze().findings;
    assert.deepEqual(changed, fresh(doc.text));
    assert.ok(changed.length < before.length, 'other3 without a lock has fewer findings');
  } finally {
    doc.dispose();
  }
});

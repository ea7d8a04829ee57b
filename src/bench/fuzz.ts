/**
 * npm run fuzz [-- --count N --seed S --corpus]: mutates real Go files (our fixtures and examples, plus
 * the Debian corpus with --corpus) and runs the full engine, fixes included, on each input. Checks: no
 * exception escapes, every span and related span lies inside the text and is not inverted, every fix's
 * edits are inside the text and do not overlap, no file takes more than 1 s, and the editor path (one
 * open document, each input typed over the previous one as a single change, with its caches) gives the
 * same result as a fresh analysis (once settled, when the text has syntax errors). A failing input is
 * written to test/fixtures/_fuzz/ so it becomes a regression case. Seeded and reproducible.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createAnalyzer, readWasm } from '../node/engine';
import type { FileResult } from '../core/types';
import { corpusFiles } from './corpus';
import { check } from './fuzz-check';

const args = process.argv.slice(2);
const num = (name: string, d: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const count = num('--count', 2000);
let seed = num('--seed', 1);
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % Math.max(1, n);
};

function seeds(): string[] {
  const out: string[] = [];
  const collect = (d: string) => {
    if (!existsSync(d)) return;
    for (const n of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, n.name);
      if (n.isDirectory()) collect(p);
      else if (n.name.endsWith('.go')) out.push(readFileSync(p, 'utf8'));
    }
  };
  collect('test/fixtures');
  collect('examples');
  if (args.includes('--corpus')) for (const p of corpusFiles().slice(0, 400)) out.push(readFileSync(p, 'utf8'));
  return out;
}

const JUNK = ['{', '}', '(', ')', '"', '`', '\n', '\r\n', '\uFEFF', '\u0000', '😀', '\uD800', 'go ', 'func ', 'select {', 'case <-', 'defer ', ':=', 'wg.Add(1)', 'context.WithCancel(ctx)', '//gopitfalls:ignore copied-lock x\n'];

function mutate(texts: string[]): string {
  let t = texts[rand(texts.length)]!;
  const ops = 1 + rand(4);
  for (let k = 0; k < ops; k++) {
    const at = rand(t.length + 1);
    switch (rand(9)) {
      case 0: // byte flip
        t = t.slice(0, at) + String.fromCharCode(rand(0x10000)) + t.slice(at + 1);
        break;
      case 1: // delete a random span
        t = t.slice(0, at) + t.slice(at + rand(200));
        break;
      case 2: // duplicate a span
        t = t.slice(0, at) + t.slice(at, at + rand(300)) + t.slice(at);
        break;
      case 3: {
        // splice with another file
        const o = texts[rand(texts.length)]!;
        const p = rand(o.length);
        t = t.slice(0, at) + o.slice(p, p + rand(2000));
        break;
      }
      case 4: // junk tokens, invalid UTF-16 included
        t = t.slice(0, at) + JUNK[rand(JUNK.length)] + t.slice(at);
        break;
      case 5: // line endings / BOM
        t = rand(2) ? t.replace(/\n/g, '\r\n') : '\uFEFF' + t;
        break;
      case 6: // truncate
        t = t.slice(0, at);
        break;
      case 7: // a very long line
        t = t.slice(0, at) + 'x'.repeat(5000 + rand(20000)) + t.slice(at);
        break;
      case 8: // deep nesting
        t = t.slice(0, at) + 'func f() {' + '{'.repeat(rand(3000)) + t.slice(at);
        break;
    }
  }
  return t;
}

/** What the keystroke-sized edits insert: code that makes, breaks and re-shapes declarations. */
const PIECES = ['x', ' ', '\n', '}', '{', ';', '"', '(', 'close(ch)\n', 'ch <- 1\n', '<-ch', 'mu.Lock()\n', 'wg.Add(1)\n', 'go func() {}()\n', 'var ch = make(chan int)\n', '// note\n'];

(async () => {
  const a = await createAnalyzer(readWasm(__dirname));
  const texts = seeds();
  // The editor path: one document, each input replacing the previous text as one change (the stretch
  // between their common prefix and suffix), as typing or pasting would.
  const doc = a.openDocument('fuzz.go', '');
  let failures = 0;
  let slowest = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const caseSeed = seed;
    const text = mutate(texts);
    let problems: string[] = [];
    let ms = 0;
    let edit: { rangeOffset: number; rangeLength: number; text: string } | undefined;
    const req = { goVersion: 21 + rand(5) };
    try {
      // The time limit is for one analysis of the input (the editor-path checks below are extra work).
      const s = performance.now();
      const [res] = a.analyzePackage({ files: [{ path: 'fuzz.go', text }], ...req });
      ms = performance.now() - s;
      problems = check(text, res!);
      if (res!.findings.some((f) => f.ruleId === 'internal-error')) problems.push(`internal-error: ${res!.findings.find((f) => f.ruleId === 'internal-error')!.message}`);
      const old = doc.text;
      let pre = 0;
      while (pre < old.length && pre < text.length && old[pre] === text[pre]) pre++;
      let suf = 0;
      while (suf < old.length - pre && suf < text.length - pre && old[old.length - 1 - suf] === text[text.length - 1 - suf]) suf++;
      doc.update([{ rangeOffset: pre, rangeLength: old.length - pre - suf, text: text.slice(pre, text.length - suf) }]);
      let inc = doc.analyze(req);
      if (res!.syntaxErrors > 0) {
        doc.settle();
        inc = doc.analyze(req);
      }
      // A rule stopped by its time budget in one run and not the other is not a divergence.
      const budget = (r: FileResult) => r.findings.some((f) => f.ruleId === 'internal-error');
      if (doc.text !== text) problems.push('editor path: the document text differs from the input');
      else if (!budget(inc) && !budget(res!) && !isDeepStrictEqual(inc, res)) problems.push('editor path: the result differs from a fresh analysis');
      // Then a keystroke-sized edit of the input, where most cached results are reused.
      const at = rand(text.length + 1);
      const small = { rangeOffset: at, rangeLength: rand(3) === 0 ? Math.min(rand(6), text.length - at) : 0, text: PIECES[rand(PIECES.length)]! };
      edit = small;
      doc.update([small]);
      const edited = doc.text;
      const [res2] = a.analyzePackage({ files: [{ path: 'fuzz.go', text: edited }], ...req });
      let inc2 = doc.analyze(req);
      if (res2!.syntaxErrors > 0) {
        doc.settle();
        inc2 = doc.analyze(req);
      }
      if (!budget(inc2) && !budget(res2!) && !isDeepStrictEqual(inc2, res2)) problems.push(`editor path: after typing ${JSON.stringify(small)}, the result differs from a fresh analysis`);
    } catch (e) {
      problems.push(`exception: ${(e as Error).stack ?? e}`);
    }
    slowest = Math.max(slowest, ms);
    if (ms > 1000) problems.push(`took ${ms.toFixed(0)} ms`);
    if (problems.length) {
      failures++;
      mkdirSync('test/fixtures/_fuzz', { recursive: true });
      // Everything a replay needs (test/core/fuzz-regressions.test.ts): the input, the Go version and the
      // keystroke-sized edit typed after it. An input cut from the Debian corpus (--corpus) is not ours
      // to commit: reduce it to a case of our own first.
      const file = `test/fixtures/_fuzz/seed-${caseSeed}.json`;
      writeFileSync(file, JSON.stringify({ seed: caseSeed, goVersion: req.goVersion, edit, problems, text }, null, 1) + '\n');
      console.log(`FAIL #${i} (seed ${caseSeed}) → ${file}\n  ${problems.join('\n  ')}`);
    }
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`fuzz: ${count} inputs from ${texts.length} seed files, ${failures} failures, slowest ${slowest.toFixed(0)} ms, ${secs.toFixed(1)} s`);
  process.exit(failures ? 1 : 0);
})();

/**
 * npm run fuzz [-- --count N --seed S --corpus]: mutates real Go files (our fixtures and examples, plus
 * the Debian corpus with --corpus) and runs the full engine, fixes included, on each input. Checks: no
 * exception escapes, every span and related span lies inside the text and is not inverted, every fix's
 * edits are inside the text and do not overlap, no file takes more than 1 s. A failing input is written
 * to test/fixtures/_fuzz/ so it becomes a regression case. Seeded and reproducible.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAnalyzer, readWasm } from '../node/engine';
import type { FileResult, Span } from '../core/types';
import { corpusFiles } from './corpus';

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

function check(text: string, res: FileResult): string[] {
  const bad: string[] = [];
  const span = (s: Span, what: string) => {
    if (s.start.offset < 0 || s.end.offset > text.length || s.start.offset > s.end.offset) bad.push(`${what} span out of range or inverted`);
  };
  for (const f of res.findings) {
    span(f.span, f.ruleId);
    for (const r of f.related) span(r.span, `${f.ruleId} related`);
    for (const fix of f.fixes) {
      const edits = [...fix.edits].sort((a, b) => a.start - b.start);
      edits.forEach((e, i) => {
        if (e.start < 0 || e.end > text.length || e.start > e.end) bad.push(`${f.ruleId} fix "${fix.title}" edit outside the text`);
        if (i > 0 && edits[i - 1]!.end > e.start) bad.push(`${f.ruleId} fix "${fix.title}" edits overlap`);
      });
    }
  }
  return bad;
}

(async () => {
  const a = await createAnalyzer(readWasm(__dirname));
  const texts = seeds();
  let failures = 0;
  let slowest = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const caseSeed = seed;
    const text = mutate(texts);
    let problems: string[] = [];
    const s = performance.now();
    try {
      const [res] = a.analyzePackage({ files: [{ path: 'fuzz.go', text }], goVersion: 21 + rand(5) });
      problems = check(text, res!);
      if (res!.findings.some((f) => f.ruleId === 'internal-error')) problems.push(`internal-error: ${res!.findings.find((f) => f.ruleId === 'internal-error')!.message}`);
    } catch (e) {
      problems.push(`exception: ${(e as Error).stack ?? e}`);
    }
    const ms = performance.now() - s;
    slowest = Math.max(slowest, ms);
    if (ms > 1000) problems.push(`took ${ms.toFixed(0)} ms`);
    if (problems.length) {
      failures++;
      mkdirSync('test/fixtures/_fuzz', { recursive: true });
      const file = `test/fixtures/_fuzz/seed-${caseSeed}.go.txt`;
      writeFileSync(file, text);
      console.log(`FAIL #${i} (seed ${caseSeed}) → ${file}\n  ${problems.join('\n  ')}`);
    }
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`fuzz: ${count} inputs from ${texts.length} seed files, ${failures} failures, slowest ${slowest.toFixed(0)} ms, ${secs.toFixed(1)} s`);
  process.exit(failures ? 1 : 0);
})();

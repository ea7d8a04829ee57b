import { readFileSync } from 'node:fs';
import { createAnalyzer, type Analyzer } from '../../src/core/analyzer';
import type { Fix } from '../../src/core/types';

let shared: Promise<Analyzer> | undefined;

/** One analyzer for the whole test process, with the WASM files read from node_modules. */
export function analyzer(): Promise<Analyzer> {
  shared ??= createAnalyzer({
    runtimeWasm: readFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm')),
    goWasm: readFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm')),
  });
  return shared;
}

/** Applies one fix's edits (non-overlapping, checked) to text. */
export function applyFix(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.start - a.start);
  for (let i = 1; i < edits.length; i++) {
    if (edits[i]!.end > edits[i - 1]!.start) throw new Error(`fix "${fix.title}" has overlapping edits`);
  }
  let out = text;
  for (const e of edits) {
    if (e.start < 0 || e.end > out.length || e.start > e.end) throw new Error(`fix "${fix.title}" has an edit outside the text`);
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  }
  return out;
}

/** `// want "a" "b"` expectations by 0-based line; `// fixture: go=1.25` version. */
export function parseExpectations(text: string): { wants: Map<number, string[]>; goVersion: number } {
  const wants = new Map<number, string[]>();
  text.split('\n').forEach((line, i) => {
    const m = /\/[/*]\s*want\s+((?:"[^"]*"\s*)+)/.exec(line);
    if (!m) return;
    wants.set(i, [...m[1]!.matchAll(/"([^"]*)"/g)].map((x) => x[1]!));
  });
  const v = /^\/\/\s*fixture:\s*go=1\.(\d+)/m.exec(text.slice(0, 500));
  return { wants, goVersion: v ? Number(v[1]) : 21 };
}

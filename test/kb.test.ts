import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ruleDocs } from '../src/generated/rule-docs';
import { allRules } from '../src/rules';
import { analyzer } from './harness/engine';
// @ts-expect-error plain ESM helper shared with scripts
import { loadKb, TOPICS } from '../scripts/kb-lib.mjs';

interface Entry {
  path: string;
  folder: string;
  file: string;
  fm: Record<string, unknown>;
  body: string;
  blocks: { code: string; line: number }[];
}

const { entries, problems } = loadKb('.') as { entries: Entry[]; problems: string[] };
const ids = new Set(entries.map((e) => String(e.fm.id)));
const ruleIds = new Set(allRules.map((r) => r.id));
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);

test('knowledge base entries are well-formed: id = file, known topic = folder, a question, sections', () => {
  const bad = [...problems];
  const seen = new Set<string>();
  for (const e of entries) {
    const id = String(e.fm.id ?? '');
    if (id !== e.file) bad.push(`${e.path}: id "${id}" must equal the file name`);
    if (seen.has(id)) bad.push(`${e.path}: duplicate id ${id}`);
    seen.add(id);
    if (!TOPICS.includes(String(e.fm.topic))) bad.push(`${e.path}: unknown topic "${e.fm.topic}"`);
    else if (e.fm.topic !== e.folder) bad.push(`${e.path}: topic "${e.fm.topic}" must equal its folder "${e.folder}"`);
    if (!String(e.fm.question ?? '').trim()) bad.push(`${e.path}: no question`);
    for (const s of ['## Short answer', '## Detail', '## Read more']) if (!e.body.includes(s)) bad.push(`${e.path}: missing "${s}"`);
  }
  assert.deepEqual(bad, []);
});


test('no dangling ids: rules named by entries exist, related entries exist, rule docs link existing entries', () => {
  const bad: string[] = [];
  for (const e of entries) {
    for (const r of list(e.fm.rules)) if (!ruleIds.has(r)) bad.push(`${e.path}: rules names unknown rule "${r}" (use future-rules)`);
    for (const r of list(e.fm.related)) if (!ids.has(r)) bad.push(`${e.path}: related names unknown entry "${r}"`);
  }
  for (const d of Object.values(ruleDocs)) for (const q of d.qa) if (!ids.has(q)) bad.push(`rules/${d.id}.md: qa names unknown entry "${q}"`);
  assert.deepEqual(bad, []);
});

test('every rule links the knowledge base, and entries that name a rule are linked back', () => {
  const bad: string[] = [];
  for (const r of allRules) if ((ruleDocs[r.id]?.qa ?? []).length === 0) bad.push(`rules/${r.id}.md has no qa ids`);
  for (const e of entries) {
    for (const r of list(e.fm.rules)) if (!(ruleDocs[r]?.qa ?? []).includes(String(e.fm.id))) bad.push(`${e.path} names ${r}, but rules/${r}.md does not list it in qa`);
  }
  assert.deepEqual(bad, []);
});

test('an entry lists a rule that exists under rules, never under future-rules', () => {
  const bad: string[] = [];
  for (const e of entries) for (const r of list(e.fm['future-rules'])) if (ruleIds.has(r)) bad.push(`${e.path}: ${r} exists now`);
  assert.deepEqual(bad, [], 'run `node scripts/kb-links.mjs` to move them and link the rule docs back');
});

test('Go code in the knowledge base parses with tree-sitter-go', async () => {
  const a = await analyzer();
  const bad: string[] = [];
  for (const e of entries) {
    for (const b of e.blocks) {
      const text = /^\s*(\/\/.*\n|\s)*package\s/.test(b.code) ? b.code : `package example\n\n${b.code}`;
      const [res] = a.analyzePackage({ files: [{ path: 'kb.go', text }], only: [] });
      if (res!.syntaxErrors) bad.push(`${e.path}:${b.line}: Go block does not parse`);
    }
  }
  assert.deepEqual(bad, []);
});

// Reads rules/*.md (and rules/engine/*.md) into structured docs, and renders the generated files
// (src/generated/rule-docs.ts and the README's rule table). Shared by scripts/gen.mjs and the tests.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const SECTIONS = ['What it flags', 'Why it is dangerous', 'Bad', 'Good', 'Fix', 'When it is fine', 'Known limitations'];
export const KEYS = ['id', 'title', 'category', 'severity', 'confidence', 'fix', 'since', 'go', 'qa', 'related', 'peers'];
const REQUIRED = ['id', 'title', 'category', 'severity', 'confidence', 'fix', 'since'];

export function docFiles(root) {
  const out = [];
  for (const dir of ['rules', 'rules/engine']) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs).sort()) {
      if (f.endsWith('.md') && f !== 'README.md') out.push({ path: `${dir}/${f}`, engine: dir === 'rules/engine' });
    }
  }
  return out;
}

/** Parses one doc; returns { doc, problems }. */
export function parseDoc(path, text, engine) {
  const problems = [];
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text.replace(/\r\n/g, '\n'));
  if (!m) return { doc: undefined, problems: [`${path}: missing front matter`] };
  let fm;
  try {
    fm = parseYaml(m[1]) ?? {};
  } catch (e) {
    return { doc: undefined, problems: [`${path}: front matter is not YAML: ${e.message}`] };
  }
  for (const k of Object.keys(fm)) if (!KEYS.includes(k)) problems.push(`${path}: unknown front matter key "${k}"`);
  for (const k of REQUIRED) if (fm[k] === undefined) problems.push(`${path}: front matter lacks "${k}"`);
  const body = m[2];
  const sections = {};
  const order = [];
  const parts = body.split(/^## /m);
  for (const part of parts.slice(1)) {
    const nl = part.indexOf('\n');
    const name = part.slice(0, nl).trim();
    sections[name] = part.slice(nl + 1).trim();
    order.push(name);
  }
  const expected = SECTIONS.filter((s) => order.includes(s));
  if (order.join('|') !== expected.join('|') || order.some((s) => !SECTIONS.includes(s))) {
    problems.push(`${path}: sections must be, in order: ${SECTIONS.join(' / ')} (found: ${order.join(' / ')})`);
  }
  for (const s of SECTIONS) if (!(s in sections)) problems.push(`${path}: missing section "## ${s}"`);
  const blocks = [];
  for (const name of order) {
    const re = /^```go([^\n]*)\n([\s\S]*?)^```/gm;
    let b;
    while ((b = re.exec(sections[name]))) {
      const info = b[1].trim();
      const v = /go1\.(\d+)/.exec(info);
      const offsetInBody = body.indexOf(b[0]);
      const line = text.slice(0, text.indexOf(body) + offsetInBody).split('\n').length + 1;
      blocks.push({ section: name, code: b[2], goVersion: v ? Number(v[1]) : 21, line });
    }
  }
  const firstSentence = (s) => {
    const p = firstParagraph(s);
    const m2 = /^([\s\S]*?[.!?])(\s|$)/.exec(p);
    return (m2 ? m2[1] : p).replace(/\s+/g, ' ').trim();
  };
  const doc = {
    id: fm.id,
    title: fm.title,
    category: fm.category,
    severity: fm.severity,
    confidence: fm.confidence,
    fix: fm.fix,
    since: String(fm.since ?? ''),
    ...(fm.go !== undefined ? { go: String(fm.go) } : {}),
    qa: fm.qa ?? [],
    related: fm.related ?? [],
    peers: fm.peers ?? [],
    summary: firstSentence(sections['What it flags'] ?? ''),
    why: firstParagraph(sections['Why it is dangerous'] ?? '').replace(/\s+/g, ' ').trim(),
    fixSummary: firstParagraph(sections['Fix'] ?? '').replace(/\s+/g, ' ').trim(),
    markdown: text.replace(/^---\n[\s\S]*?\n---\n/, '').trim() + '\n',
    engine,
  };
  return { doc, blocks, problems };
}

function firstParagraph(s) {
  return (s.split(/\n\s*\n/).find((p) => p.trim() && !p.trim().startsWith('```')) ?? '').trim();
}

export function loadDocs(root) {
  const docs = [];
  const problems = [];
  for (const f of docFiles(root)) {
    const text = readFileSync(join(root, f.path), 'utf8');
    const r = parseDoc(f.path, text, f.engine);
    problems.push(...r.problems);
    if (r.doc) {
      const expectedId = f.path.replace(/^.*\//, '').replace(/\.md$/, '');
      if (r.doc.id !== expectedId) problems.push(`${f.path}: id "${r.doc.id}" must equal the file name "${expectedId}"`);
      docs.push({ ...r.doc, path: f.path, blocks: r.blocks });
    }
  }
  return { docs, problems };
}

export function renderRuleDocsTs(docs) {
  const entries = docs.map(({ path: _p, blocks: _b, ...d }) => `  ${JSON.stringify(d.id)}: ${JSON.stringify(d)},`);
  return `// DO NOT EDIT: generated from rules/*.md by \`npm run gen\` (a test checks it is fresh).
import type { RuleDoc } from '../core/rule-doc';

export const ruleDocs: Record<string, RuleDoc> = {
${entries.join('\n')}
};
`;
}

export function renderReadmeTable(docs) {
  const rows = docs
    .filter((d) => !d.engine)
    .map((d) => `| [\`${d.id}\`](rules/${d.id}.md) | ${d.title} | ${d.severity} | ${d.fix === 'none' ? '—' : d.fix} | ${(d.peers ?? []).join(', ') || '—'} |`);
  return ['| Rule | What it finds | Severity | Fix | Same check elsewhere |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export const README_START = '<!-- rules:start (generated by npm run gen) -->';
export const README_END = '<!-- rules:end -->';

export function replaceReadmeTable(readme, docs) {
  const a = readme.indexOf(README_START);
  const b = readme.indexOf(README_END);
  if (a < 0 || b < a) return readme;
  return readme.slice(0, a + README_START.length) + '\n' + renderReadmeTable(docs) + '\n' + readme.slice(b);
}

// Keeps the links between rule docs and Q&A entries two-way, editing only front-matter lines.
//   node scripts/kb-links.mjs [--link rule=entry ...] [--check]
// 1. An entry's `future-rules` that now exist as rules move to its `rules`.
// 2. Every rule an entry lists in `rules` gets the entry in its doc's `qa` (appended: a doc's first qa
//    id stays its primary entry, the one hovers link).
// 3. --link rule=entry adds both directions by hand.
// --check changes nothing and exits 1 when something would change (for CI or a pre-commit hook).
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadKb } from './kb-lib.mjs';

const args = process.argv.slice(2);
const check = args.includes('--check');
const manual = [];
for (let i = 0; i < args.length; i++) if (args[i] === '--link') manual.push(args[++i].split('='));

const ruleIds = new Set(readdirSync('rules').filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => f.slice(0, -3)));
const { entries } = loadKb('.');
const byId = new Map(entries.map((e) => [String(e.fm.id), e]));
const changes = [];

/** Reads/writes a flow list `key: [a, b]` in a file's front matter. */
function getList(text, key) {
  const m = new RegExp(`^${key}:[ \\t]*\\[([^\\]\\n]*)\\]`, 'm').exec(text);
  return m ? m[1].split(',').map((s) => s.trim().replace(/^["']|["']$/g, '')).filter(Boolean) : null;
}
function setList(text, key, list) {
  const line = `${key}: [${list.join(', ')}]`;
  const re = new RegExp(`^${key}:[ \\t]*\\[[^\\]\\n]*\\]`, 'm');
  if (re.test(text)) return text.replace(re, line);
  return text.replace(/^---\n/, `---\n${line}\n`);
}
const files = new Map();
const read = (p) => files.get(p) ?? readFileSync(p, 'utf8');
function edit(p, key, fn) {
  const text = read(p);
  const before = getList(text, key) ?? [];
  const after = fn([...before]);
  if (after.join() !== before.join()) {
    files.set(p, setList(text, key, after));
    changes.push(`${p}: ${key} [${before.join(', ')}] → [${after.join(', ')}]`);
  }
}

for (const [rule, entry] of manual) {
  if (!ruleIds.has(rule)) throw new Error(`--link: no rule ${rule}`);
  if (!byId.has(entry)) throw new Error(`--link: no entry ${entry}`);
  edit(byId.get(entry).path, 'rules', (l) => (l.includes(rule) ? l : [...l, rule]));
}
for (const e of entries) {
  const future = getList(read(e.path), 'future-rules') ?? [];
  const landed = future.filter((r) => ruleIds.has(r));
  if (landed.length) {
    edit(e.path, 'future-rules', (l) => l.filter((r) => !ruleIds.has(r)));
    edit(e.path, 'rules', (l) => [...l, ...landed.filter((r) => !l.includes(r))]);
  }
  for (const r of getList(read(e.path), 'rules') ?? []) {
    const doc = join('rules', `${r}.md`);
    if (!existsSync(doc)) continue;
    edit(doc, 'qa', (l) => (l.includes(e.fm.id) ? l : [...l, String(e.fm.id)]));
  }
}
for (const c of changes) console.log(c);
if (check) process.exit(changes.length ? 1 : 0);
for (const [p, text] of files) writeFileSync(p, text);
console.log(`${changes.length} change(s) in ${files.size} file(s)`);

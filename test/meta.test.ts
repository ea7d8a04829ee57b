import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ENGINE_RULE_IDS } from '../src/core/analyzer';
import { ruleDocs } from '../src/generated/rule-docs';
import { allRules } from '../src/rules';
// @ts-expect-error plain ESM helper shared with scripts/gen.mjs
import { loadDocs, renderRuleDocsTs, replaceReadmeTable } from '../scripts/rule-docs-lib.mjs';

const sorted = (xs: Iterable<string>) => [...xs].sort();

test('docs, detectors, fixtures and the registry list the same rules', () => {
  const detectors = readdirSync('src/rules').filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, ''));
  const docs = readdirSync('rules').filter((f) => f.endsWith('.md') && f !== 'README.md').map((f) => f.replace(/\.md$/, ''));
  const fixtures = existsSync('test/fixtures') ? readdirSync('test/fixtures').filter((d) => !d.startsWith('_')) : [];
  const registry = allRules.map((r) => r.id);
  assert.deepEqual(registry, sorted(registry), 'src/rules/index.ts must list rules sorted by id');
  assert.deepEqual(sorted(registry), sorted(detectors), 'registry vs src/rules/*.ts');
  assert.deepEqual(sorted(docs), sorted(detectors), 'rules/*.md vs src/rules/*.ts');
  assert.deepEqual(sorted(fixtures), sorted(detectors), 'test/fixtures/* vs src/rules/*.ts');
  const engineDocs = existsSync('rules/engine') ? readdirSync('rules/engine').filter((f) => f.endsWith('.md')).map((f) => f.replace(/\.md$/, '')) : [];
  assert.deepEqual(sorted(engineDocs), sorted(ENGINE_RULE_IDS), 'rules/engine/*.md vs the engine findings');
});

test('rule ids are kebab-case and every rule has generated docs', () => {
  for (const r of allRules) {
    assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)+$/);
    assert.ok(ruleDocs[r.id], `no generated doc for ${r.id}: run npm run gen`);
  }
});

test('generated files are fresh (run: npm run gen)', () => {
  const { docs } = loadDocs('.');
  assert.equal(readFileSync('src/generated/rule-docs.ts', 'utf8'), renderRuleDocsTs(docs), 'src/generated/rule-docs.ts is stale: run npm run gen');
  const readme = readFileSync('README.md', 'utf8');
  assert.equal(readme, replaceReadmeTable(readme, docs), 'the README rule table is stale: run npm run gen');
  assert.ok(readme.includes('<!-- rules:start'), 'README lacks the rule table markers');
});

test('src/core and src/rules stay editor- and I/O-free', () => {
  const bad: string[] = [];
  const scan = (dir: string) => {
    for (const f of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, f.name);
      if (f.isDirectory()) scan(p);
      else if (p.endsWith('.ts')) {
        const text = readFileSync(p, 'utf8');
        if (/from ['"](vscode|node:fs|fs|node:child_process|child_process|node:path|path)['"]/.test(text)) bad.push(p);
        if (dir.startsWith('src/rules') && /from ['"]\.\/(?!index)[a-z-]+['"]/.test(text) && !p.endsWith('index.ts')) bad.push(`${p} imports another rule`);
      }
    }
  };
  scan('src/core');
  scan('src/rules');
  assert.deepEqual(bad, []);
});

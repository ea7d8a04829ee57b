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

test("the extension never reaches the CLI's process-wide V8 settings", () => {
  // Relative imports (static, `export … from` and `import(…)` alike) followed from the extension's two
  // entry points: nothing they load may set V8 flags, which would hold for every extension in the host.
  const importPattern = /(?:from\s+|import\s*\(?\s*|require\(\s*)['"](\.[^'"]+)['"]/g;
  const resolveTs = (from: string, spec: string): string | undefined => {
    const base = join(from, '..', spec);
    return [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
  };
  const reached = new Set<string>();
  const visit = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(importPattern)) {
      const next = resolveTs(file, m[1]!);
      if (next) visit(next);
    }
  };
  visit('src/vscode/extension.ts');
  visit('src/vscode/scan-worker.ts');
  assert.ok(reached.has(join('src', 'cli', 'job.ts')), 'the import walk should reach the shared CLI job runner');
  const setters = [...reached].filter((p) => /from ['"](?:node:)?v8['"]|setFlagsFromString/.test(readFileSync(p, 'utf8')));
  assert.deepEqual(setters, []);
  assert.ok(!reached.has(join('src', 'cli', 'v8-settings.ts')));
});

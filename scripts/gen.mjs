// npm run gen: rules/*.md → src/generated/rule-docs.ts, the README rule table, and package.json's
// settings contribution (scripts/gen-manifest.ts, which needs the generated docs).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { loadDocs, renderRuleDocsTs, replaceReadmeTable } from './rule-docs-lib.mjs';
import { loadKb, renderKbTs } from './kb-lib.mjs';

const { docs, problems } = loadDocs('.');
for (const p of problems) console.error(p);
mkdirSync('src/generated', { recursive: true });
writeFileSync('src/generated/rule-docs.ts', renderRuleDocsTs(docs));
if (existsSync('README.md')) writeFileSync('README.md', replaceReadmeTable(readFileSync('README.md', 'utf8'), docs));
const kb = loadKb('.');
writeFileSync('src/generated/kb.ts', renderKbTs(kb.entries));
console.log(`generated ${docs.length} rule docs and ${kb.entries.length} Q&A entries`);
const manifest = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/gen-manifest.ts'], { stdio: 'inherit' });
if (manifest.status !== 0) process.exit(1);
process.exit(problems.length ? 1 : 0);

// npm run gen: rules/*.md → src/generated/rule-docs.ts and the README rule table.
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { loadDocs, renderRuleDocsTs, replaceReadmeTable } from './rule-docs-lib.mjs';

const { docs, problems } = loadDocs('.');
for (const p of problems) console.error(p);
mkdirSync('src/generated', { recursive: true });
writeFileSync('src/generated/rule-docs.ts', renderRuleDocsTs(docs));
if (existsSync('README.md')) writeFileSync('README.md', replaceReadmeTable(readFileSync('README.md', 'utf8'), docs));
console.log(`generated ${docs.length} rule docs`);
process.exit(problems.length ? 1 : 0);

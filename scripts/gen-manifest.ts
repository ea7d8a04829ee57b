// Part of `npm run gen`: writes package.json's `contributes.configuration` from the rule docs (one
// severity enum per rule), so the settings UI lists exactly the registered rules. A test checks it.
import { readFileSync, writeFileSync } from 'node:fs';
import { ruleDocs } from '../src/generated/rule-docs';
import { configurationContribution } from '../src/vscode/settings';

const path = 'package.json';
const text = readFileSync(path, 'utf8');
const pkg = JSON.parse(text);
pkg.contributes ??= {};
pkg.contributes.configuration = configurationContribution(ruleDocs);
const out = `${JSON.stringify(pkg, null, 2)}\n`;
if (out !== text) writeFileSync(path, out);
console.log(`package.json: ${Object.keys(pkg.contributes.configuration.properties['gopitfalls.rules'].properties).length} rules in gopitfalls.rules`);

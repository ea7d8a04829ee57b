// The extension manifest (package.json) against the code: settings generated from the rule docs, every
// registered command declared, the injection grammar valid, engines low enough for VS Code 1.100.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { ruleDocs } from '../../src/generated/rule-docs';
import { configurationContribution } from '../../src/vscode/settings';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

test('contributes.configuration is generated from the rule docs (run npm run gen when it is not)', () => {
  assert.deepEqual(pkg.contributes.configuration, configurationContribution(ruleDocs));
});

test('every command the extension registers is declared, and every declared command is registered', () => {
  const src = readdirSync('src/vscode')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(`src/vscode/${f}`, 'utf8'))
    .join('\n');
  const registered = new Set([...src.matchAll(/registerCommand\(\s*'([^']+)'/g)].map((m) => m[1]));
  const declared = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
  assert.ok(registered.size >= 5, 'found the registerCommand calls');
  assert.deepEqual([...registered].sort(), [...declared].sort());
});

test('activation, engines and the directive grammar fit VS Code 1.100 beside the Go extension', () => {
  assert.ok(pkg.activationEvents.includes('onLanguage:go'));
  assert.ok(pkg.activationEvents.includes('workspaceContains:**/*.go'));
  assert.match(pkg.engines.vscode, /^\^1\.(\d+)\.0$/);
  assert.ok(Number(/^\^1\.(\d+)/.exec(pkg.engines.vscode)![1]) <= 100, 'engines.vscode must accept 1.100');
  assert.ok(pkg.devDependencies['@types/vscode'].startsWith('1.100'), '@types/vscode matches engines.vscode');
  assert.equal(pkg.contributes.languages, undefined, 'no language of our own: the Go extension owns "go"');
  const [g] = pkg.contributes.grammars;
  assert.deepEqual(g.injectTo, ['source.go']);
  const grammar = JSON.parse(readFileSync(g.path, 'utf8'));
  assert.equal(grammar.scopeName, g.scopeName);
  const re = new RegExp(grammar.repository.directive.match.replace('(?<=//|// )', '(?<=//|// )'));
  const m = re.exec('x := 1 //gopitfalls:ignore copied-lock,time-after-in-loop the value is never shared');
  assert.ok(m, 'the directive pattern matches a directive');
  assert.equal(m[1], 'gopitfalls:ignore');
  assert.equal(m[2], 'copied-lock,time-after-in-loop');
  assert.equal(re.exec('// see gopitfalls docs'), null);
});

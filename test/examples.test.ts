import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { allRules } from '../src/rules';
import { analyzer } from './harness/engine';

/** The README promises that `npx gopitfalls examples` shows every rule's finding. */
test('examples/ makes every rule fire', async () => {
  const a = await analyzer();
  const files = readdirSync('examples')
    .filter((f) => f.endsWith('.go'))
    .map((f) => ({ path: join('examples', f), text: readFileSync(join('examples', f), 'utf8') }));
  const goMod = readFileSync('examples/go.mod', 'utf8');
  const fired = new Set(a.analyzePackage({ files, goMod }).flatMap((r) => r.findings.map((f) => f.ruleId)));
  assert.deepEqual(allRules.map((r) => r.id).filter((id) => !fired.has(id)), [], 'rules with no example');
  assert.ok(!fired.has('internal-error'));
});

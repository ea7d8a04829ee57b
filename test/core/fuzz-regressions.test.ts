import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { check } from '../../src/bench/fuzz-check';
import type { FileResult } from '../../src/core/types';
import { analyzer } from '../harness/engine';

/**
 * Every input `npm run fuzz` saved (test/fixtures/_fuzz/*.json) is replayed: the fresh analysis keeps
 * its spans and fixes inside the text, and the editor path (the input typed into an open document, then the
 * keystroke-sized edit the fuzzer typed after it, settled where the text has syntax errors) gives what
 * a fresh analysis of the same text gives.
 */
interface Case {
  seed: number;
  goVersion: number;
  edit?: { rangeOffset: number; rangeLength: number; text: string };
  text: string;
}

const dir = join(__dirname, '..', 'fixtures', '_fuzz');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

const rules = (r: FileResult) => r.findings.map((f) => `${f.ruleId}@${f.span.start.line}:${f.span.start.character}`);

test('the fuzzer has saved cases to replay', () => {
  assert.ok(files.length > 0);
});

for (const name of files) {
  test(`fuzz case ${name}`, async () => {
    const c = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Case;
    const a = await analyzer();
    const req = { goVersion: c.goVersion };
    const [fresh] = a.analyzePackage({ files: [{ path: 'fuzz.go', text: c.text }], ...req });
    assert.deepEqual(check(c.text, fresh!), []);
    const doc = a.openDocument('fuzz.go', '');
    try {
      doc.update([{ rangeOffset: 0, rangeLength: 0, text: c.text }]);
      let inc = doc.analyze(req);
      if (fresh!.syntaxErrors > 0 && doc.settle()) inc = doc.analyze(req);
      assert.deepEqual(rules(inc), rules(fresh!));
      assert.deepEqual(inc, fresh);
      if (!c.edit) return;
      doc.update([c.edit]);
      const [fresh2] = a.analyzePackage({ files: [{ path: 'fuzz.go', text: doc.text }], ...req });
      assert.deepEqual(check(doc.text, fresh2!), []);
      let inc2 = doc.analyze(req);
      if (fresh2!.syntaxErrors > 0 && doc.settle()) inc2 = doc.analyze(req);
      assert.deepEqual(rules(inc2), rules(fresh2!), `after typing ${JSON.stringify(c.edit)}`);
      assert.deepEqual(inc2, fresh2);
    } finally {
      doc.dispose();
    }
  });
}

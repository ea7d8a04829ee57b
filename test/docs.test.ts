import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzer, applyFix } from './harness/engine';
// @ts-expect-error plain ESM helper shared with scripts/gen.mjs
import { loadDocs } from '../scripts/rule-docs-lib.mjs';

interface Block { section: string; code: string; goVersion: number; line: number }
interface Doc { id: string; path: string; engine: boolean; fix: string; blocks: Block[] }

/**
 * Docs are tests (Biome/Ruff): each Bad block gives exactly one finding of the doc's rule, every other
 * Go block none; every block parses; the Bad finding's fixes apply, re-parse and remove it.
 */
const { docs, problems } = loadDocs('.') as { docs: Doc[]; problems: string[] };

test('rule docs have valid front matter and sections', () => {
  assert.deepEqual(problems, []);
});

for (const doc of docs) {
  describe(`doc: ${doc.path}`, () => {
    if (!doc.engine) {
      test('has a Bad and a Good example', () => {
        assert.ok(doc.blocks.some((b) => b.section === 'Bad'), 'no go block under ## Bad');
        assert.ok(doc.blocks.some((b) => b.section === 'Good'), 'no go block under ## Good');
      });
    }
    doc.blocks.forEach((b) => {
      test(`${b.section} block at ${doc.path}:${b.line}`, async () => {
        const a = await analyzer();
        const text = /^\s*(\/\/.*\n|\s)*package\s/.test(b.code) ? b.code : `package example\n\n${b.code}`;
        const only = doc.engine ? [] : [doc.id];
        const [res] = a.analyzePackage({ files: [{ path: 'example.go', text }], only, goVersion: b.goVersion });
        assert.equal(res!.syntaxErrors, 0, `block does not parse cleanly:\n${text}`);
        if (doc.engine) return;
        const mine = res!.findings.filter((f) => f.ruleId === doc.id);
        const show = mine.map((f) => `  line ${f.span.start.line + 1}: ${f.message}`).join('\n');
        if (b.section === 'Bad') {
          assert.equal(mine.length, 1, `a Bad block must give exactly one ${doc.id} finding, got ${mine.length}:\n${show}\n${text}`);
          if (doc.fix !== 'none') {
            for (const fix of mine[0]!.fixes) {
              const fixed = applyFix(text, fix);
              const [after] = a.analyzePackage({ files: [{ path: 'example.go', text: fixed }], only, goVersion: b.goVersion });
              assert.equal(after!.syntaxErrors, 0, `fix "${fix.title}" breaks the syntax:\n${fixed}`);
              assert.equal(after!.findings.filter((f) => f.ruleId === doc.id).length, 0, `fix "${fix.title}" leaves the finding:\n${fixed}`);
            }
          }
        } else {
          assert.equal(mine.length, 0, `a ${b.section} block must give no ${doc.id} finding:\n${show}\n${text}`);
        }
      });
    });
  });
}

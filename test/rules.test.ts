import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzer, applyFix, parseExpectations } from './harness/engine';

/**
 * go/analysis semantics over test/fixtures/<rule-id>/: every finding must be wanted on its start line
 * (`// want "rule-id"`), every want must be met ("Noisy" / "Missing" in failures). Only the rule under
 * test runs; all files of a directory form one package. Every fix must apply cleanly, re-parse without
 * syntax errors and remove the finding.
 */
const root = 'test/fixtures';
const dirs = existsSync(root) ? readdirSync(root).filter((d) => !d.startsWith('_')).sort() : [];

for (const id of dirs) {
  describe(`fixtures: ${id}`, () => {
    const dir = join(root, id);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.go'))
      .sort()
      .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
    test('has at least one want', () => {
      assert.ok(files.some((f) => parseExpectations(f.text).wants.size > 0), `${dir} has no // want line`);
    });
    for (const file of files) {
      test(file.path, async () => {
        const a = await analyzer();
        const { wants, goVersion } = parseExpectations(file.text);
        const [res] = a.analyzePackage({ files, targets: [file.path], only: [id], goVersion });
        assert.ok(res);
        assert.equal(res.syntaxErrors, 0, `${file.path} does not parse cleanly`);
        const problems: string[] = [];
        const met = new Map<number, string[]>();
        for (const f of res.findings) {
          const line = f.span.start.line;
          const want = wants.get(line) ?? [];
          const used = met.get(line) ?? [];
          if (want.filter((w) => w === f.ruleId).length > used.filter((u) => u === f.ruleId).length) {
            used.push(f.ruleId);
            met.set(line, used);
          } else {
            problems.push(`Noisy: ${file.path}:${line + 1}: ${f.ruleId}: ${f.message}`);
          }
        }
        for (const [line, ids] of wants) {
          const used = [...(met.get(line) ?? [])];
          for (const w of ids) {
            const k = used.indexOf(w);
            if (k >= 0) used.splice(k, 1);
            else problems.push(`Missing: ${file.path}:${line + 1}: want "${w}"`);
          }
        }
        assert.deepEqual(problems, []);

        // Fixes: each applies cleanly, re-parses, and removes its finding.
        const before = res.findings.filter((f) => f.ruleId === id).length;
        for (const f of res.findings) {
          for (const fix of f.fixes) {
            const fixed = applyFix(file.text, fix);
            const others = files.map((x) => (x.path === file.path ? { path: x.path, text: fixed } : x));
            const [after] = a.analyzePackage({ files: others, targets: [file.path], only: [id], goVersion });
            assert.equal(after!.syntaxErrors, 0, `fix "${fix.title}" at ${file.path}:${f.span.start.line + 1} breaks the syntax:\n${fixed}`);
            const n = after!.findings.filter((x) => x.ruleId === id).length;
            assert.ok(n < before, `fix "${fix.title}" at ${file.path}:${f.span.start.line + 1} does not remove the finding`);
          }
        }
      });
    }
  });
}

// Developer aid: `npx tsx test/harness/dev-run.ts file.go [go-minor]` prints findings of one file.
import { readFileSync } from 'node:fs';
import { analyzer } from './engine';

(async () => {
  const [path, v] = process.argv.slice(2);
  const a = await analyzer();
  const [res] = a.analyzePackage({ files: [{ path: path!, text: readFileSync(path!, 'utf8') }], goVersion: v ? Number(v) : undefined });
  for (const f of res!.findings) {
    console.log(`${path}:${f.span.start.line + 1}:${f.span.start.character + 1}: ${f.severity} ${f.ruleId}: ${f.message}`);
    for (const r of f.related) console.log(`    related ${r.span.start.line + 1}: ${r.message}`);
    for (const x of f.fixes) console.log(`    fix: ${x.title}`);
  }
  console.log(`syntax errors: ${res!.syntaxErrors}`);
})();

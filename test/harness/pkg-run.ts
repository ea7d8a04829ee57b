import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzer } from '/work/main/test/harness/engine';
(async () => {
  const [dir, v, only] = process.argv.slice(2);
  const files = readdirSync(dir!).filter((f) => f.endsWith('.go')).map((f) => ({ path: join(dir!, f), text: readFileSync(join(dir!, f), 'utf8') }));
  const a = await analyzer();
  const res = a.analyzePackage({ files, goVersion: v ? Number(v) : undefined, only: only ? only.split(',') : undefined });
  for (const r of res) {
    const lines = files.find((f) => f.path === r.path)!.text.split('\n');
    const wants = new Set<number>();
    lines.forEach((l, i) => { if (/\/\/ want|\/\/@ diag|\/\/ MATCH/.test(l)) wants.add(i); });
    const hit = new Set<number>();
    for (const f of r.findings) {
      const ln = f.span.start.line; const rel = f.related.map((x) => x.span.start.line);
      const ok = wants.has(ln);
      if (ok) hit.add(ln); for (const x of rel) if (wants.has(x)) hit.add(x);
      console.log(`${ok ? 'OK   ' : 'EXTRA'} ${r.path}:${ln + 1}: ${f.ruleId}: ${f.message}`);
    }
    for (const w of wants) if (!hit.has(w)) console.log(`MISS  ${r.path}:${w + 1}: ${lines[w]!.trim()}`);
  }
})();

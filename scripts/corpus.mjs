// npm run corpus: scans real Go code that no one here wrote (Debian -dev packages, read in place,
// never copied) and prints findings per rule, files, lines and wall time; writes every finding to
// test-output/corpus-findings.json and a seeded sample with code context to test-output/corpus-sample.md.
//
//   node scripts/corpus.mjs [--sample N] [--seed N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Debian package → the source roots it installs. Later issues add rows. */
export const CORPUS = [
  { pkg: 'golang-etcd-server-dev', roots: ['/usr/share/gocode/src/go.etcd.io/etcd'] },
  { pkg: 'golang-google-grpc-dev', roots: ['/usr/share/gocode/src/google.golang.org/grpc'] },
  { pkg: 'golang-github-docker-docker-dev', roots: ['/usr/share/gocode/src/github.com/docker/docker'] },
];

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const sampleSize = arg('--sample', 20);
let seed = arg('--seed', 1);

function ensurePackages() {
  const missing = CORPUS.filter((c) => !c.roots.every(existsSync)).map((c) => c.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`corpus: sources missing; install as root: apt-get install -y ${missing.join(' ')}`);
    process.exit(2);
  }
  console.log(`installing ${missing.join(', ')} …`);
  let r = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'ignore' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    r = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit' });
  }
  if (r.status !== 0) process.exit(2);
}

function countGo(root) {
  let files = 0;
  let lines = 0;
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        if (n !== 'vendor' && n !== 'testdata' && !n.startsWith('.') && !n.startsWith('_')) walk(p);
      } else if (n.endsWith('.go')) {
        files++;
        lines += readFileSync(p, 'utf8').split('\n').length - 1;
      }
    }
  };
  walk(root);
  return { files, lines };
}

if (!existsSync('dist/cli.js')) spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
ensurePackages();
const roots = CORPUS.flatMap((c) => c.roots);
let files = 0;
let lines = 0;
for (const r of roots) {
  const c = countGo(r);
  files += c.files;
  lines += c.lines;
}
const t0 = performance.now();
const r = spawnSync(process.execPath, ['dist/cli.js', '--format', 'json', '--no-color', ...roots], { encoding: 'utf8', maxBuffer: 1 << 30 });
const wall = (performance.now() - t0) / 1000;
if (r.status === 2 || !r.stdout) {
  console.error(`corpus: gopitfalls failed (exit ${r.status}): ${r.stderr}`);
  process.exit(2);
}
const out = JSON.parse(r.stdout);
const byRule = new Map();
for (const f of out.findings) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);

console.log(`corpus: ${roots.join(', ')}`);
console.log(`files ${files}, lines ${lines}, wall time ${wall.toFixed(2)} s (${Math.round(lines / wall)} lines/s)`);
console.log(`findings ${out.findings.length} (${((out.findings.length / lines) * 1000).toFixed(3)} per 1000 lines), errors ${out.errors.length}`);
for (const [rule, n] of [...byRule].sort()) console.log(`  ${rule.padEnd(36)} ${String(n).padStart(5)}  ${((n / lines) * 1000).toFixed(4)} per 1000 lines`);

mkdirSync('test-output', { recursive: true });
writeFileSync('test-output/corpus-findings.json', JSON.stringify(out, null, 2));
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pool = [...out.findings];
const sample = [];
while (sample.length < sampleSize && pool.length) sample.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
const md = sample.map((f, i) => {
  const text = readFileSync(f.path, 'utf8').split('\n');
  const from = Math.max(0, f.line - 4);
  const ctx = text.slice(from, f.line + 3).map((l, k) => `${String(from + k + 1).padStart(5)}${from + k + 1 === f.line ? '>' : ' '} ${l}`);
  return `## ${i + 1}. ${f.ruleId} — ${f.path}:${f.line}\n\n${f.message}\n\n\`\`\`go\n${ctx.join('\n')}\n\`\`\`\n\nVerdict: \n`;
});
writeFileSync('test-output/corpus-sample.md', `# Corpus sample (seed ${arg('--seed', 1)}, ${sample.length} of ${out.findings.length})\n\n${md.join('\n')}`);
console.log(`wrote test-output/corpus-findings.json and test-output/corpus-sample.md (${sample.length} findings to read)`);

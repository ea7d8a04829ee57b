// npm run corpus: scans real Go code that no one here wrote (Debian -dev packages, read in place,
// never copied) and prints findings per rule, files, lines and wall time; writes every finding to
// test-output/corpus-findings.json and a seeded sample with code context to test-output/corpus-sample.md.
//
//   node scripts/corpus.mjs [--sample N] [--seed N] [--per-root]
//
//   --sample N   findings in the sample to read (default 20)
//   --seed N     seed of the sample (default 1); the same seed and findings give the same sample
//   --per-root   one CLI process per source root instead of one over all of them
//
// Exit status: 0 unless the CLI crashed (exit 2, a signal, or output that is not JSON) or the sources
// could not be installed (2).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = '/usr/share/gocode/src';

/**
 * Debian package → the source roots it installs (under /usr/share/gocode/src; read in place). Roots
 * are resolved through symlinks (github.com/coreos/etcd is a link to go.etcd.io/etcd) and scanned
 * once. The Docker package also ships a few files of docker/cli, moby/buildkit, libnetwork and
 * moby/ipvs; only Docker's own tree is scanned.
 */
export const CORPUS = [
  { name: 'etcd 3.4', pkg: 'golang-etcd-server-dev', roots: ['go.etcd.io/etcd'] },
  { name: 'gRPC-Go 1.33', pkg: 'golang-google-grpc-dev', roots: ['google.golang.org/grpc'] },
  { name: 'Docker (moby) 20.10', pkg: 'golang-github-docker-docker-dev', roots: ['github.com/docker/docker'] },
  { name: 'containerd 1.6', pkg: 'golang-github-containerd-containerd-dev', roots: ['github.com/containerd/containerd'] },
  { name: 'HashiCorp Raft 1.1', pkg: 'golang-github-hashicorp-raft-dev', roots: ['github.com/hashicorp/raft'] },
  { name: 'Prometheus client_golang 1.14', pkg: 'golang-github-prometheus-client-golang-dev', roots: ['github.com/prometheus/client_golang'] },
];

const argv = process.argv.slice(2);
const num = (name, dflt) => {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    console.error(`corpus: ${name} needs a non-negative integer`);
    process.exit(2);
  }
  return v;
};
const sampleSize = num('--sample', 20);
const seed0 = num('--seed', 1);
const perRoot = argv.includes('--per-root');

const abs = (r) => (r.startsWith('/') ? r : join(SRC, r));

function ensurePackages() {
  const missing = CORPUS.filter((c) => !c.roots.every((r) => existsSync(abs(r)))).map((c) => c.pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`corpus: sources missing; install as root: apt-get install -y ${missing.join(' ')}`);
    process.exit(2);
  }
  console.log(`installing ${missing.join(', ')} …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'ignore', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore', env });
    r = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
  }
  if (r.status !== 0) {
    console.error(`corpus: apt-get install -y ${missing.join(' ')} failed`);
    process.exit(2);
  }
}

/**
 * .go files and lines under root, skipping what the CLI skips when walking: vendor/, testdata/,
 * node_modules/ and directories starting with "." or "_". Symlinks are not followed.
 */
function countGo(root) {
  let files = 0;
  let lines = 0;
  const walk = (d) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      const n = ent.name;
      if (ent.isDirectory()) {
        if (n !== 'vendor' && n !== 'testdata' && n !== 'node_modules' && !n.startsWith('.') && !n.startsWith('_')) walk(join(d, n));
      } else if (ent.isFile() && n.endsWith('.go')) {
        files++;
        const text = readFileSync(join(d, n), 'utf8');
        lines += text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      }
    }
  };
  walk(root);
  return { files, lines };
}

function runCli(roots) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['dist/cli.js', '--format', 'json', '--no-color', ...roots], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = (performance.now() - t0) / 1000;
  let out = null;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    /* reported below */
  }
  if (r.status === 2 || r.status === null || !out || !Array.isArray(out.findings)) {
    console.error(`corpus: gopitfalls crashed (exit ${r.status ?? r.signal}${out ? '' : ', output is not JSON'}) on ${roots.join(' ')}`);
    if (r.stderr) console.error(r.stderr.slice(0, 4000));
    if (!out && r.stdout) console.error(`stdout began: ${r.stdout.slice(0, 500)}`);
    process.exit(2);
  }
  return { out, wall };
}

function main() {
  process.chdir(fileURLToPath(new URL('..', import.meta.url)));
  if (!existsSync('dist/cli.js')) {
    const b = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
    if (b.status !== 0) process.exit(2);
  }
  ensurePackages();

  // Resolve symlinks and drop roots already inside another root.
  const seen = new Set();
  const roots = [];
  for (const c of CORPUS)
    for (const r of c.roots) {
      const real = realpathSync(abs(r));
      if (seen.has(real)) continue;
      seen.add(real);
      roots.push({ corpus: c.name, path: real, ...countGo(real) });
    }
  const nested = roots.filter((r) => roots.some((o) => o !== r && r.path.startsWith(o.path + sep)));
  const scanned = roots.filter((r) => !nested.includes(r));
  const files = scanned.reduce((s, r) => s + r.files, 0);
  const lines = scanned.reduce((s, r) => s + r.lines, 0);

  let findings = [];
  let errors = [];
  let wall = 0;
  let version = '';
  for (const group of perRoot ? scanned.map((r) => [r.path]) : [scanned.map((r) => r.path)]) {
    const { out, wall: w } = runCli(group);
    findings.push(...out.findings);
    errors.push(...(out.errors ?? []));
    wall += w;
    version = out.version;
  }
  const rootOf = (p) => scanned.find((r) => p === r.path || p.startsWith(r.path + sep));
  findings = findings.map((f) => ({ ...f, path: f.path.startsWith('/') ? f.path : join(process.cwd(), f.path) }));

  const per1k = (n, l) => (l ? ((n / l) * 1000).toFixed(4) : '-');
  console.log(`gopitfalls ${version} over ${scanned.length} source roots (${perRoot ? 'one CLI process per root' : 'one CLI process'}):`);
  for (const r of scanned) {
    const n = findings.filter((f) => rootOf(f.path) === r).length;
    console.log(`  ${r.corpus.padEnd(22)} ${r.path}  ${r.files} files, ${r.lines} lines, ${n} findings (${per1k(n, r.lines)} per 1000 lines)`);
  }
  console.log(`total: ${files} files, ${lines} lines, wall time ${wall.toFixed(2)} s (${Math.round(lines / wall)} lines/s)`);
  console.log(`findings ${findings.length} (${per1k(findings.length, lines)} per 1000 lines), errors ${errors.length}`);
  const byRule = new Map();
  for (const f of findings) byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
  console.log(`  ${'rule'.padEnd(36)} ${'count'.padStart(6)}  per 1000 lines`);
  for (const [rule, n] of [...byRule].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    console.log(`  ${rule.padEnd(36)} ${String(n).padStart(6)}  ${per1k(n, lines)}`);
  for (const e of errors.slice(0, 10)) console.log(`  error: ${e.path}: ${e.message}`);
  if (errors.length > 10) console.log(`  … ${errors.length - 10} more errors in test-output/corpus-findings.json`);

  mkdirSync('test-output', { recursive: true });
  writeFileSync(
    'test-output/corpus-findings.json',
    JSON.stringify(
      {
        tool: 'gopitfalls',
        version,
        roots: scanned.map(({ corpus, path, files: f, lines: l }) => ({ corpus, path, files: f, lines: l })),
        files,
        lines,
        wallSeconds: Number(wall.toFixed(3)),
        byRule: Object.fromEntries(byRule),
        findings,
        errors,
      },
      null,
      2,
    ),
  );

  // Seeded sample (a 31-bit LCG, then a partial Fisher–Yates over findings in a stable order).
  let seed = seed0;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x80000000;
  const pool = [...findings].sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
  const sample = [];
  while (sample.length < sampleSize && pool.length) sample.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
  const cache = new Map();
  const text = (p) => {
    if (!cache.has(p)) cache.set(p, readFileSync(p, 'utf8').split('\n'));
    return cache.get(p);
  };
  const context = (path, line, around = 3, endLine = line) => {
    const t = text(path);
    const from = Math.max(1, line - around);
    const to = Math.min(t.length, endLine + around);
    const out = [];
    for (let k = from; k <= to; k++) out.push(`${String(k).padStart(5)}${k >= line && k <= endLine ? '>' : ' '} ${t[k - 1].replace(/\r$/, '')}`);
    return out.join('\n');
  };
  const md = sample.map((f, i) => {
    const root = rootOf(f.path);
    const shown = root ? `${root.corpus}: ${relative(root.path, f.path)}` : f.path;
    const end = f.endLine && f.endLine - f.line <= 3 ? f.endLine : f.line;
    const rel = (f.related ?? [])
      .map((r) => `- related ${r.path === f.path ? '' : `${r.path}:`}${r.line}:${r.column}: ${r.message}\n\n\`\`\`go\n${context(r.path, r.line, 1)}\n\`\`\``)
      .join('\n');
    const fixes = (f.fixes ?? []).map((x) => `${x.title} (${x.safety})`).join('; ');
    return [
      `## ${i + 1}. ${f.ruleId} — ${shown}:${f.line}:${f.column}`,
      '',
      `${f.path}:${f.line}:${f.column} (${f.severity})`,
      '',
      `> ${f.message}`,
      '',
      '```go',
      context(f.path, f.line, 3, end),
      '```',
      ...(rel ? ['', rel] : []),
      ...(fixes ? ['', `Fixes offered: ${fixes}`] : []),
      '',
      'Verdict (true positive / false positive / debatable, and why): ',
      '',
    ].join('\n');
  });
  writeFileSync(
    'test-output/corpus-sample.md',
    `# Corpus sample: ${sample.length} of ${findings.length} findings (seed ${seed0})\n\n` +
      `gopitfalls ${version}; ${files} files, ${lines} lines in ${scanned.map((r) => r.corpus).join(', ')}. ` +
      `Lines marked > are the finding's. Regenerate with \`npm run corpus -- --seed ${seed0} --sample ${sampleSize}\`.\n\n` +
      md.join('\n'),
  );
  console.log(`wrote test-output/corpus-findings.json and test-output/corpus-sample.md (${sample.length} findings to read, seed ${seed0})`);
  process.exit(0);
}

main();

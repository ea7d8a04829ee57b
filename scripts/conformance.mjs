// npm run conformance: runs our rules over go vet's and staticcheck's own test data, in place (never
// copied), and compares with their annotations: recall on annotated lines, and our findings on lines
// they do not annotate. Installs the Debian packages that ship that data when they are missing.
//
//   node scripts/conformance.mjs [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SRC = '/usr/share/gocode/src';
const VET = `${SRC}/golang.org/x/tools/go/analysis/passes`;
const SC = `${SRC}/honnef.co/go/tools/staticcheck/testdata/src/example.com`;

/**
 * One row per peer analyzer: where its test data is, which of our rules it corresponds to, and the
 * floor. `relatedCounts`: the peer also annotates a second line (lostcancel marks the leaking return);
 * a related location of our finding on that line counts, since that is what the user is shown.
 */
export const ANALYZERS = [
  { name: 'go vet copylock', pkg: 'golang-golang-x-tools-dev', dirs: [`${VET}/copylock/testdata/src/a`], rule: 'copied-lock', floor: 0.85 },
  {
    name: 'go vet lostcancel',
    pkg: 'golang-golang-x-tools-dev',
    dirs: ['a', 'b', 'typeparams'].map((d) => `${VET}/lostcancel/testdata/src/${d}`),
    rule: 'missing-defer-cancel',
    floor: 0.9,
    relatedCounts: true,
  },
  { name: 'staticcheck SA2000 (CheckWaitgroupAdd)', pkg: 'golang-honnef-go-tools-dev', dirs: [`${SC}/CheckWaitgroupAdd`], rule: 'waitgroup-add-in-goroutine', floor: 1 },
  {
    name: 'staticcheck SA1015 (CheckLeakyTimeTick)',
    pkg: 'golang-honnef-go-tools-dev',
    dirs: [`${SC}/CheckLeakyTimeTick`, `${SC}/CheckLeakyTimeTick-main`],
    rule: 'time-after-in-loop',
    floor: 1,
  },
  { name: 'staticcheck SA2001 (CheckEmptyCriticalSection)', pkg: 'golang-honnef-go-tools-dev', dirs: [`${SC}/CheckEmptyCriticalSection`], rule: 'empty-critical-section', floor: 0.9 },
  { name: 'staticcheck SA2003 (CheckDeferLock)', pkg: 'golang-honnef-go-tools-dev', dirs: [`${SC}/CheckDeferLock`], rule: 'deferred-lock-after-lock', floor: 0.9 },
  { name: 'go vet sigchanyzer', pkg: 'golang-golang-x-tools-dev', dirs: [`${VET}/sigchanyzer/testdata/src/a`], rule: 'signal-notify-unbuffered', floor: 0.9 },
  { name: 'staticcheck SA1017 (CheckUnbufferedSignalChan)', pkg: 'golang-honnef-go-tools-dev', dirs: [`${SC}/CheckUnbufferedSignalChan`], rule: 'signal-notify-unbuffered', floor: 0.9 },
  { name: 'go vet atomic', pkg: 'golang-golang-x-tools-dev', dirs: [`${VET}/atomic/testdata/src/a`], rule: 'atomic-self-assignment', floor: 0.9 },
  { name: 'staticcheck SA5003 (CheckDeferInInfiniteLoop)', pkg: 'golang-honnef-go-tools-dev', dirs: [`${SC}/CheckDeferInInfiniteLoop`], rule: 'defer-in-endless-loop', floor: 0.9 },
  { name: 'staticcheck SA9001 (CheckDubiousDeferInChannelRangeLoop)', pkg: 'golang-honnef-go-tools-dev', dirs: [`${SC}/CheckDubiousDeferInChannelRangeLoop`], rule: 'defer-in-channel-range', floor: 0.9 },
  { name: 'staticcheck SA6002 (CheckSyncPoolValue)', pkg: 'golang-honnef-go-tools-dev', dirs: [`${SC}/CheckSyncPoolValue`], rule: 'sync-pool-non-pointer', floor: 0.9 },
  { name: 'staticcheck SA5002 (CheckInfiniteEmptyLoop)', pkg: 'golang-honnef-go-tools-dev', dirs: [`${SC}/CheckInfiniteEmptyLoop`], rule: 'busy-wait-spin-loop', floor: 0.9 },
  { name: 'staticcheck SA5004 (CheckLoopEmptyDefault)', pkg: 'golang-honnef-go-tools-dev', dirs: [`${SC}/CheckLoopEmptyDefault`], rule: 'select-default-busy-loop', floor: 0.9 },
  { name: 'staticcheck SA1012 (checkStdlibUsageNilContext)', pkg: 'golang-honnef-go-tools-dev', dirs: [`${SC}/checkStdlibUsageNilContext`], rule: 'nil-context', floor: 0.9 },
  { name: 'go vet testinggoroutine', pkg: 'golang-golang-x-tools-dev', dirs: [`${VET}/testinggoroutine/testdata/src/a`], rule: 'testing-fatal-in-goroutine', floor: 0.9 },
  // staticcheck reports at the go statement, vet and we at the call; our related location is the go statement.
  { name: 'staticcheck SA2002 (CheckConcurrentTesting)', pkg: 'golang-honnef-go-tools-dev', dirs: [`${SC}/CheckConcurrentTesting`], rule: 'testing-fatal-in-goroutine', floor: 0.9, relatedCounts: true },
];
/** Findings of the mapped rules on unannotated lines, across all the files above. */
export const MAX_UNANNOTATED = 2;

const json = process.argv.includes('--json');
const log = (...a) => {
  if (!json) console.log(...a);
};

function ensurePackages() {
  const missing = [...new Set(ANALYZERS.filter((a) => !a.dirs.every(existsSync)).map((a) => a.pkg))];
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`conformance: test data missing; install as root: apt-get install -y ${missing.join(' ')}`);
    process.exit(2);
  }
  log(`installing ${missing.join(', ')} …`);
  let r = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'ignore' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    r = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'inherit' });
  }
  if (r.status !== 0) {
    console.error('conformance: apt-get install failed');
    process.exit(2);
  }
}

/** Lines (1-based) carrying an expectation: `// want "…"` (go vet) or `//@ diag(…)` (staticcheck). */
function annotations(text) {
  const out = new Map();
  text.split('\n').forEach((line, i) => {
    const m = /\/[/*]\s*want\s+(.*)$/.exec(line) ?? /\/\/@\s*diag\((.*)\)/.exec(line);
    if (m) out.set(i + 1, m[1].trim());
  });
  return out;
}

function goFiles(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.go') && statSync(join(dir, f)).isFile())
    .map((f) => join(dir, f));
}

function runCli(dirs) {
  const r = spawnSync(process.execPath, ['dist/cli.js', '--format', 'json', '--no-color', ...dirs], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status === 2 || !r.stdout) {
    console.error(`conformance: gopitfalls failed (exit ${r.status}): ${r.stderr}`);
    process.exit(2);
  }
  return JSON.parse(r.stdout);
}

if (!existsSync('dist/cli.js')) execFileSync('npm', ['run', 'build'], { stdio: 'inherit' });
ensurePackages();

const results = [];
let unannotatedTotal = 0;
for (const a of ANALYZERS) {
  const out = runCli(a.dirs);
  const files = a.dirs.flatMap(goFiles);
  const abs = (p) => (p.startsWith('/') ? p : join(process.cwd(), p));
  const mine = out.findings.filter((f) => f.ruleId === a.rule).map((f) => ({ ...f, path: abs(f.path), related: f.related.map((r) => ({ ...r, path: abs(r.path) })) }));
  const others = out.findings.filter((f) => f.ruleId !== a.rule);
  let annotated = 0;
  let hit = 0;
  const missed = [];
  const extra = [];
  for (const file of files) {
    const want = annotations(readFileSync(file, 'utf8'));
    const inFile = mine.filter((f) => f.path === file);
    for (const [line, text] of want) {
      annotated++;
      const ok = inFile.some((f) => f.line === line) || (a.relatedCounts && inFile.some((f) => f.related.some((r) => r.path === file && r.line === line)));
      if (ok) hit++;
      else missed.push(`${file}:${line}: ${text}`);
    }
    for (const f of inFile) {
      const annotatedRelated = a.relatedCounts && f.related.some((r) => r.path === file && want.has(r.line));
      if (!want.has(f.line) && !annotatedRelated) extra.push(`${file}:${f.line}: ${f.message}`);
    }
  }
  unannotatedTotal += extra.length;
  const recall = annotated ? hit / annotated : 1;
  results.push({ analyzer: a.name, rule: a.rule, annotated, hit, recall, floor: a.floor, unannotated: extra, missed, otherRules: others.length });
  log(`\n${a.name} → ${a.rule}`);
  log(`  annotated lines ${annotated}, hit ${hit}, recall ${(recall * 100).toFixed(1)}% (floor ${a.floor * 100}%)`);
  log(`  our findings on unannotated lines: ${extra.length}`);
  for (const e of extra) log(`    + ${e}`);
  for (const m of missed) log(`    - missed ${m}`);
  if (others.length) log(`  (information: ${others.length} findings of our other rules in these files)`);
}

const floors = results.map((r) => ({ name: `${r.analyzer} recall ≥ ${r.floor * 100}%`, pass: r.recall >= r.floor }));
floors.push({ name: `findings on unannotated lines ≤ ${MAX_UNANNOTATED} (got ${unannotatedTotal})`, pass: unannotatedTotal <= MAX_UNANNOTATED });
log('\nFloors:');
for (const f of floors) log(`  ${f.pass ? 'PASS' : 'FAIL'}  ${f.name}`);
if (json) console.log(JSON.stringify({ results, floors }, null, 2));
process.exit(floors.every((f) => f.pass) ? 0 : 1);

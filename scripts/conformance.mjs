// npm run conformance: runs our rules over go vet's and staticcheck's own test data, in place (never
// copied), and compares with their annotations: recall on annotated lines, and our findings on lines
// they do not annotate. Installs the Debian packages that ship that data when they are missing.
//
//   node scripts/conformance.mjs [--json] [--annotations] [--only TEXT]
//
//   --json         the report goes to stderr, machine-readable results to stdout
//   --annotations  only find the test data and count its annotations (no CLI run)
//   --only TEXT    only the analyzers whose name or rule contains TEXT (floors of the others are skipped)
//
// Exit status: 0 every floor passes, 1 a floor fails, 2 the test data or the CLI could not be used.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = '/usr/share/gocode/src';
const XTOOLS = `${SRC}/golang.org/x/tools`;
const VET = `${XTOOLS}/go/analysis/passes`;
const STATICCHECK = `${SRC}/honnef.co/go/tools`;
const SC = `${STATICCHECK}/staticcheck/testdata/src/example.com`;

const XTOOLS_PKG = 'golang-golang-x-tools-dev';
const STATICCHECK_PKG = 'golang-honnef-go-tools-dev';

/**
 * Where a go vet pass keeps its test data: `passes/<pass>/testdata/src/<pkg>`. Without `pkgs`, every
 * package directly under testdata/src (stub dependencies such as golang.org/x/sync are left out).
 */
export const vet = (pass, pkgs) => ({ kind: 'vet', pass, pkgs });
/**
 * A staticcheck check by code and (older layouts) test directory name. Found in the installed version:
 * newer `staticcheck/<code>/testdata/go1.N/…` (go1.N sets --go-version), or older
 * `staticcheck/testdata/src/…` as listed for the code in staticcheck/lint_test.go (its Version sets it).
 */
export const staticcheck = (code, check) => ({ kind: 'staticcheck', code, check });

/**
 * One row per peer analyzer: where its test data is (`from`, or explicit `dirs`), which of our rules
 * it corresponds to, and the recall floor (null: reported for information, no floor, and its findings
 * on unannotated lines are not counted against MAX_UNANNOTATED). `relatedCounts`: the peer also
 * annotates a second line (lostcancel marks the leaking return); a related location of our finding on
 * that line counts, since that is what the user is shown.
 */
export const ANALYZERS = [
  { name: 'go vet copylock', from: vet('copylock', ['a']), rule: 'copied-lock', floor: 0.85 },
  { name: 'go vet lostcancel', from: vet('lostcancel'), rule: 'missing-defer-cancel', floor: 0.9, relatedCounts: true },
  { name: 'staticcheck SA2000 (CheckWaitgroupAdd)', from: staticcheck('SA2000', 'CheckWaitgroupAdd'), rule: 'waitgroup-add-in-goroutine', floor: 1 },
  { name: 'staticcheck SA1015 (CheckLeakyTimeTick)', from: staticcheck('SA1015', 'CheckLeakyTimeTick'), rule: 'time-after-in-loop', floor: 1 },
  { name: 'staticcheck SA2001 (CheckEmptyCriticalSection)', from: staticcheck('SA2001', 'CheckEmptyCriticalSection'), rule: 'empty-critical-section', floor: 0.9 },
  { name: 'staticcheck SA2003 (CheckDeferLock)', from: staticcheck('SA2003', 'CheckDeferLock'), rule: 'deferred-lock-after-lock', floor: 0.9 },
  { name: 'go vet sigchanyzer', from: vet('sigchanyzer', ['a']), rule: 'signal-notify-unbuffered', floor: 0.9 },
  { name: 'staticcheck SA1017 (CheckUnbufferedSignalChan)', from: staticcheck('SA1017', 'CheckUnbufferedSignalChan'), rule: 'signal-notify-unbuffered', floor: 0.9 },
  { name: 'go vet atomic', from: vet('atomic', ['a']), rule: 'atomic-self-assignment', floor: 0.9 },
  { name: 'staticcheck SA5003 (CheckDeferInInfiniteLoop)', from: staticcheck('SA5003', 'CheckDeferInInfiniteLoop'), rule: 'defer-in-endless-loop', floor: 0.9 },
  { name: 'staticcheck SA9001 (CheckDubiousDeferInChannelRangeLoop)', from: staticcheck('SA9001', 'CheckDubiousDeferInChannelRangeLoop'), rule: 'defer-in-channel-range', floor: 0.9 },
  { name: 'staticcheck SA6002 (CheckSyncPoolValue)', from: staticcheck('SA6002', 'CheckSyncPoolValue'), rule: 'sync-pool-non-pointer', floor: 0.9 },
  { name: 'staticcheck SA5002 (CheckInfiniteEmptyLoop)', from: staticcheck('SA5002', 'CheckInfiniteEmptyLoop'), rule: 'busy-wait-spin-loop', floor: 0.9 },
  { name: 'staticcheck SA5004 (CheckLoopEmptyDefault)', from: staticcheck('SA5004', 'CheckLoopEmptyDefault'), rule: 'select-default-busy-loop', floor: 0.9 },
  { name: 'staticcheck SA1012 (checkStdlibUsageNilContext)', from: staticcheck('SA1012', 'checkStdlibUsageNilContext'), rule: 'nil-context', floor: 0.9 },
  { name: 'go vet testinggoroutine', from: vet('testinggoroutine', ['a']), rule: 'testing-fatal-in-goroutine', floor: 0.9 },
  // vet's own test runs this data without a module, i.e. with the shared loop variables of Go < 1.22
  // (newer vet skips files of Go >= 1.22): analyse it as Go 1.21.
  { name: 'go vet loopclosure', from: vet('loopclosure', ['a', 'subtests']), rule: 'loop-variable-capture', floor: 0.9, goVersion: '1.21' },
  // staticcheck reports at the go statement, vet and we at the call; our related location is the go statement.
  { name: 'staticcheck SA2002 (CheckConcurrentTesting)', from: staticcheck('SA2002', 'CheckConcurrentTesting'), rule: 'testing-fatal-in-goroutine', floor: 0.9, relatedCounts: true },
  // Information only: the passes' generic test packages.
  { name: 'go vet copylock (typeparams)', from: vet('copylock', ['typeparams']), rule: 'copied-lock', floor: null },
  { name: 'go vet atomic (typeparams)', from: vet('atomic', ['typeparams']), rule: 'atomic-self-assignment', floor: null },
  { name: 'go vet testinggoroutine (typeparams)', from: vet('testinggoroutine', ['typeparams']), rule: 'testing-fatal-in-goroutine', floor: null },
  { name: 'go vet loopclosure (typeparams)', from: vet('loopclosure', ['typeparams']), rule: 'loop-variable-capture', floor: null, goVersion: '1.21' },
];
/** Findings of the mapped rules on unannotated lines, across all the files of rows with a floor. */
export const MAX_UNANNOTATED = 2;

// ---------------------------------------------------------------------------------------------------
// Annotations

/**
 * The comments of a Go file: text (with its // or /* *\/ markers), the line it starts on, and the
 * offset of its text, so that a note inside a multi-line block comment gets its own line. Strings,
 * raw strings and rune literals are skipped, so "// want" inside a string is not a comment.
 */
export function goComments(src) {
  const out = [];
  const lineStarts = [0];
  for (let i = 0; i < src.length; i++) if (src[i] === '\n') lineStarts.push(i + 1);
  const lineAt = (off) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '/') {
      let j = src.indexOf('\n', i);
      if (j < 0) j = n;
      out.push({ text: src.slice(i, j).replace(/\r$/, ''), offset: i, line: lineAt(i), lineAt });
      i = j;
    } else if (c === '/' && src[i + 1] === '*') {
      let j = src.indexOf('*/', i + 2);
      j = j < 0 ? n : j + 2;
      out.push({ text: src.slice(i, j), offset: i, line: lineAt(i), lineAt });
      i = j;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < n && src[i] !== c && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '`') {
      const j = src.indexOf('`', i + 1);
      i = j < 0 ? n : j + 1;
    } else i++;
  }
  return out;
}

/** A tiny text/scanner: idents, ints, "strings", `raw strings`, and single punctuation runes. */
function scanTokens(text) {
  const toks = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      toks.push({ kind: 'ident', text: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+/.exec(text.slice(i));
      toks.push({ kind: 'int', text: m[0] });
      i += m[0].length;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const raw = text.slice(i, j + 1);
      let value;
      try {
        value = JSON.parse(raw.replace(/\\([^"\\/bfnrtu])/g, '\\\\$1'));
      } catch {
        value = raw.slice(1, -1);
      }
      toks.push({ kind: 'string', text: value });
      i = j + 1;
    } else if (c === '`') {
      let j = text.indexOf('`', i + 1);
      if (j < 0) j = text.length;
      toks.push({ kind: 'string', text: text.slice(i + 1, j) });
      i = j + 1;
    } else {
      toks.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return toks;
}

/**
 * go vet (analysistest): a comment whose text, after the // or /* *\/ markers and any leading
 * "…// " (comments on comments), starts with `want`, then `+N` (line delta), "regex" or `regex`
 * (a diagnostic), and name:"regex" (a fact, not a diagnostic).
 */
function vetExpectations(comment) {
  let text = comment.text.startsWith('//') ? comment.text.slice(2) : comment.text.replace(/^\/\*/, '').replace(/\*\/$/, '');
  const k = text.indexOf('// want');
  if (k >= 0) text = text.slice(k + 3);
  text = text.trim();
  if (!text.startsWith('want')) return [];
  const toks = scanTokens(text.slice(4));
  let delta = 0;
  const out = [];
  for (let t = 0; t < toks.length; t++) {
    const tok = toks[t];
    if (tok.kind === 'punct' && tok.text === '+' && toks[t + 1]?.kind === 'int') delta = Number(toks[++t].text);
    else if (tok.kind === 'string') out.push({ kind: 'diag', pattern: tok.text });
    else if (tok.kind === 'ident' && toks[t + 1]?.text === ':' && toks[t + 2]?.kind === 'string') {
      out.push({ kind: 'fact', name: tok.text, pattern: toks[t + 2].text });
      t += 2;
    } else break; // analysistest rejects the comment; what was read so far is kept
  }
  return out.map((e) => ({ ...e, line: comment.line + delta }));
}

/**
 * staticcheck (x/tools go/expect notes): `//@ diag(`regex`)`, `/*@ diag("regex"), fact(x, "…") *\/`;
 * a note's line is the line its name is on. Older staticcheck: `// MATCH "text"` or `// MATCH /regex/`.
 */
function staticcheckExpectations(comment) {
  let body = comment.text.startsWith('//') ? comment.text.slice(2) : comment.text.replace(/^\/\*/, '').replace(/\*\/$/, '');
  let bodyOffset = comment.offset + 2;
  const out = [];
  // go/expect's getAdjustedNote: "// //@note()" is a note too (first '@' after index 2, right after "//").
  const at = body.indexOf('@');
  if (at > 2 && body.slice(at - 2, at) === '//') {
    body = body.slice(at);
    bodyOffset += at;
  }
  if (body.startsWith('@')) {
    const re = /\b(diag|fact)\s*\(/g;
    let m;
    while ((m = re.exec(body))) {
      const args = scanTokens(body.slice(m.index + m[0].length));
      const line = comment.lineAt(bodyOffset + m.index);
      if (m[1] === 'diag') out.push({ kind: 'diag', pattern: args.find((a) => a.kind === 'string')?.text ?? '', line });
      else out.push({ kind: 'fact', name: args[0]?.text, pattern: args.find((a) => a.kind === 'string')?.text ?? '', line });
      // skip past this note's argument list (strings may hold parentheses)
      let depth = 1;
      let j = m.index + m[0].length;
      while (j < body.length && depth > 0) {
        const ch = body[j];
        if (ch === '"' || ch === '`') {
          const end = ch === '`' ? body.indexOf('`', j + 1) : (() => { let q = j + 1; while (q < body.length && body[q] !== '"') q += body[q] === '\\' ? 2 : 1; return q; })();
          j = end < 0 ? body.length : end + 1;
          continue;
        }
        if (ch === '(') depth++;
        if (ch === ')') depth--;
        j++;
      }
      re.lastIndex = j;
    }
    return out;
  }
  const match = /^\s*MATCH\s+(?:"((?:[^"\\]|\\.)*)"|\/(.*)\/)\s*$/.exec(body);
  if (match) out.push({ kind: 'diag', pattern: match[1] ?? match[2], line: comment.line });
  return out;
}

/**
 * Expectations of one file: Map line → [{kind: 'diag'|'fact', pattern, text}]. Both dialects are read
 * in every file (a file uses one or the other); only 'diag' entries make a line annotated.
 */
export function annotations(src) {
  const byLine = new Map();
  for (const c of goComments(src)) {
    const exps = [...vetExpectations(c), ...staticcheckExpectations(c)];
    for (const e of exps) {
      if (!byLine.has(e.line)) byLine.set(e.line, []);
      byLine.get(e.line).push({ ...e, text: c.text.trim() });
    }
  }
  return byLine;
}

/** Lines with at least one diagnostic expectation: Map line → the annotation comment's text. */
export function annotatedLines(src) {
  const out = new Map();
  for (const [line, exps] of annotations(src)) {
    const diags = exps.filter((e) => e.kind === 'diag');
    if (diags.length) out.set(line, { text: diags[0].text, patterns: diags.map((d) => d.pattern) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Finding the test data in the installed versions

const isDir = (p) => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
const goFilesIn = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.go') && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => join(dir, f));

/** Directories under root (itself included) that hold .go files. */
function packageDirs(root) {
  const out = [];
  const walk = (d) => {
    if (goFilesIn(d).length) out.push(d);
    for (const n of readdirSync(d).sort()) if (isDir(join(d, n))) walk(join(d, n));
  };
  walk(root);
  return out;
}

/** staticcheck/lint_test.go (older layout): code → [{dir, version}]. */
let lintTestCache;
function staticcheckLintTests() {
  if (lintTestCache) return lintTestCache;
  lintTestCache = new Map();
  for (const cat of ['staticcheck', 'simple', 'stylecheck', 'quickfix']) {
    const f = `${STATICCHECK}/${cat}/lint_test.go`;
    if (!existsSync(f)) continue;
    const parts = readFileSync(f, 'utf8').split(/"([A-Z]+\d+)":/);
    for (let k = 1; k < parts.length; k += 2) {
      const tests = [...parts[k + 1].matchAll(/\{([^{}]*\bDir:[^{}]*)\}/g)].map((t) => ({
        dir: join(STATICCHECK, cat, 'testdata', 'src', /\bDir:\s*"([^"]+)"/.exec(t[1])[1]),
        version: /\bVersion:\s*"([^"]+)"/.exec(t[1])?.[1] ?? null,
      }));
      if (tests.length) lintTestCache.set(parts[k], tests);
    }
  }
  return lintTestCache;
}

/** A go.mod in dir or in a directory between it and root. */
function hasGoMod(root, dir) {
  for (let d = dir; d.startsWith(root); d = join(d, '..')) {
    if (existsSync(join(d, 'go.mod'))) return true;
    if (d === root) break;
  }
  return false;
}

/** → [{dir, version}] (version null: the nearest go.mod decides), or throws saying what is missing. */
export function resolveDirs(row) {
  if (row.dirs) return row.dirs.map((dir) => ({ dir, version: row.goVersion ?? null }));
  const from = row.from;
  if (from.kind === 'vet') {
    const src = `${VET}/${from.pass}/testdata/src`;
    if (!isDir(src)) throw new Error(`no ${src}`);
    const names = from.pkgs ?? readdirSync(src).filter((n) => !n.includes('.') && isDir(join(src, n)) && goFilesIn(join(src, n)).length);
    return names.sort().map((n) => {
      const dir = join(src, n);
      if (!isDir(dir)) throw new Error(`no ${dir}`);
      // A package with its own go.mod (the newer txtar-style layouts) keeps the version that go.mod says.
      return { dir, version: row.goVersion && !hasGoMod(src, dir) ? row.goVersion : null };
    });
  }
  if (from.kind === 'staticcheck') {
    // newer: staticcheck/sa1015/testdata/go1.N/<anything>/x.go
    const newer = `${STATICCHECK}/staticcheck/${from.code.toLowerCase()}/testdata`;
    if (isDir(newer)) {
      return packageDirs(newer).map((dir) => {
        const v = relative(newer, dir)
          .split(sep)
          .map((part) => /^go(1\.\d+)$/.exec(part)?.[1])
          .filter(Boolean)
          .pop();
        return { dir, version: v ?? null };
      });
    }
    // older: listed in lint_test.go
    const listed = staticcheckLintTests().get(from.code);
    if (listed?.length) {
      for (const t of listed) if (!isDir(t.dir)) throw new Error(`no ${t.dir} (listed for ${from.code} in lint_test.go)`);
      return listed;
    }
    // oldest: by check name
    for (const base of [SC, `${STATICCHECK}/staticcheck/testdata/src`]) {
      const found = readdirSync(base).filter((n) => n === from.check || n.startsWith(`${from.check}_`) || n.startsWith(`${from.check}-`));
      if (found.length) return found.sort().map((n) => ({ dir: join(base, n), version: /_go1(\d+)$/.exec(n) ? `1.${/_go1(\d+)$/.exec(n)[1]}` : null }));
    }
    throw new Error(`no test data for ${from.code} (${from.check}) in ${STATICCHECK}/staticcheck`);
  }
  throw new Error(`row ${row.name}: neither dirs nor from`);
}

const rowPkg = (row) => row.pkg ?? (row.from?.kind === 'staticcheck' ? STATICCHECK_PKG : XTOOLS_PKG);

// ---------------------------------------------------------------------------------------------------
// Running

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const annotationsOnly = argv.includes('--annotations');
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
/** With --json, stdout carries only JSON; the report goes to stderr. */
const log = (...a) => (json ? console.error(...a) : console.log(...a));
const fail = (msg) => {
  console.error(`conformance: ${msg}`);
  process.exit(2);
};

function ensurePackages(rows) {
  const roots = { [XTOOLS_PKG]: VET, [STATICCHECK_PKG]: `${STATICCHECK}/staticcheck` };
  const missing = [...new Set(rows.map(rowPkg))].filter((p) => !roots[p] || !isDir(roots[p]));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) fail(`test data missing; install as root: apt-get install -y ${missing.join(' ')}`);
  log(`installing ${missing.join(', ')} …`);
  let r = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore' });
    r = spawnSync('apt-get', ['install', '-y', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  if (r.status !== 0) fail(`apt-get install -y ${missing.join(' ')} failed`);
}

function runCli(dirs, version) {
  const args = ['dist/cli.js', '--format', 'json', '--no-color', ...(version ? ['--go-version', version] : []), ...dirs];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  let out;
  try {
    out = JSON.parse(r.stdout);
  } catch {
    out = null;
  }
  if (r.status === 2 || r.status === null || !out) fail(`gopitfalls failed (exit ${r.status ?? r.signal}) on ${dirs.join(' ')}: ${r.stderr || r.stdout.slice(0, 500)}`);
  return out;
}

const real = (p) => {
  try {
    return realpathSync(resolve(p));
  } catch {
    return resolve(p);
  }
};
const short = (p) => p.replace(`${VET}/`, 'passes/').replace(`${STATICCHECK}/`, 'honnef.co/go/tools/');
const pct = (x) => `${(x * 100).toFixed(1)}%`;

function main() {
  const rows = only ? ANALYZERS.filter((a) => a.name.includes(only) || a.rule.includes(only)) : ANALYZERS;
  if (rows.length === 0) fail(`no analyzer matches --only ${only}`);
  const root = fileURLToPath(new URL('..', import.meta.url));
  process.chdir(root);
  if (!annotationsOnly && !existsSync('dist/cli.js')) execFileSync('npm', ['run', 'build'], { stdio: ['ignore', json ? 2 : 'inherit', 'inherit'] });
  ensurePackages(rows);

  const results = [];
  for (const a of rows) {
    let dirs;
    try {
      dirs = resolveDirs(a);
    } catch (e) {
      log(`\n${a.name} → ${a.rule}\n  test data not found: ${e.message}`);
      results.push({ analyzer: a.name, rule: a.rule, floor: a.floor, error: e.message, annotated: 0, hit: 0, recall: 0, unannotated: [], missed: [], otherRules: [] });
      continue;
    }
    const files = dirs.flatMap((d) => goFilesIn(d.dir));
    const want = new Map(files.map((f) => [f, annotatedLines(readFileSync(f, 'utf8'))]));
    const expectations = [...want.values()].reduce((s, m) => s + [...m.values()].reduce((t, v) => t + v.patterns.length, 0), 0);
    const annotated = [...want.values()].reduce((s, m) => s + m.size, 0);
    const dirText = dirs.map((d) => `${short(d.dir)}${d.version ? ` (--go-version ${d.version})` : ''}`).join(', ');
    if (annotationsOnly) {
      log(`${a.name}: ${files.length} files, ${annotated} annotated lines, ${expectations} expected diagnostics — ${dirText}`);
      results.push({ analyzer: a.name, rule: a.rule, dirs, files: files.length, annotated, expectations });
      continue;
    }

    // One CLI run per Go version.
    const byVersion = new Map();
    for (const d of dirs) byVersion.set(d.version, [...(byVersion.get(d.version) ?? []), d.dir]);
    const findings = [];
    const errors = [];
    for (const [version, ds] of byVersion) {
      const out = runCli(ds, version);
      findings.push(...out.findings.map((f) => ({ ...f, path: real(f.path), related: (f.related ?? []).map((r) => ({ ...r, path: real(r.path) })) })));
      errors.push(...out.errors);
    }
    const wantReal = new Map([...want].map(([f, m]) => [real(f), { file: f, lines: m }]));
    const mine = findings.filter((f) => f.ruleId === a.rule);
    let hit = 0;
    const missed = [];
    const unannotated = [];
    for (const [rf, { file, lines }] of wantReal) {
      const inFile = mine.filter((f) => f.path === rf);
      for (const [line, { text }] of [...lines].sort((x, y) => x[0] - y[0])) {
        const ok = inFile.some((f) => f.line === line) || (a.relatedCounts && inFile.some((f) => f.related.some((r) => r.path === rf && r.line === line)));
        if (ok) hit++;
        else missed.push({ path: file, line, annotation: text });
      }
      const src = readFileSync(file, 'utf8').split('\n');
      for (const f of inFile.sort((x, y) => x.line - y.line)) {
        const annotatedRelated = a.relatedCounts && f.related.some((r) => r.path === rf && lines.has(r.line));
        if (lines.has(f.line) || annotatedRelated) continue;
        // The peer's own comment on the line, e.g. copylock's "// WANTED: An error here :(" (its known false negative).
        const note = /\/\/\s*(WANTED|TODO|FIXME|BUG|false negative)\b.*$/i.exec(src[f.line - 1] ?? '')?.[0];
        unannotated.push({ path: file, line: f.line, column: f.column, message: f.message, ...(note ? { peerComment: note } : {}) });
      }
    }
    const inFiles = new Set(wantReal.keys());
    const otherRules = findings
      .filter((f) => f.ruleId !== a.rule && inFiles.has(f.path))
      .map((f) => ({ path: wantReal.get(f.path).file, line: f.line, ruleId: f.ruleId, message: f.message }));
    const recall = annotated ? hit / annotated : 1;
    results.push({
      analyzer: a.name,
      rule: a.rule,
      dirs,
      files: files.length,
      annotated,
      expectations,
      hit,
      recall,
      floor: a.floor,
      unannotated,
      missed,
      otherRules,
      errors,
    });

    log(`\n${a.name} → ${a.rule}${a.floor == null ? ' (information, no floor)' : ''}`);
    log(`  test data: ${dirText}`);
    log(`  annotated lines ${annotated} (${expectations} expected diagnostics), hit ${hit}, recall ${pct(recall)}${a.floor == null ? '' : ` (floor ${a.floor * 100}%)`}`);
    log(`  our findings on unannotated lines: ${unannotated.length}`);
    for (const u of unannotated) log(`    + ${short(u.path)}:${u.line}: ${u.message}${u.peerComment ? `   [line's own comment: ${u.peerComment}]` : ''}`);
    if (missed.length) log(`  missed annotated lines: ${missed.length}`);
    for (const m of missed) log(`    - ${short(m.path)}:${m.line}: ${m.annotation}`);
    if (otherRules.length) log(`  information (not counted): ${otherRules.length} findings of our other rules in these files`);
    for (const o of otherRules) log(`    · ${short(o.path)}:${o.line}: [${o.ruleId}] ${o.message}`);
    for (const e of errors) log(`  error: ${e.path}: ${e.message}`);
  }

  if (annotationsOnly) {
    if (json) console.log(JSON.stringify({ results }, null, 2));
    process.exit(results.some((r) => r.error) ? 2 : 0);
  }

  const floored = results.filter((r) => r.floor != null);
  const unannotatedTotal = floored.reduce((s, r) => s + r.unannotated.length, 0);
  const floors = floored.map((r) => ({
    name: `${r.analyzer} recall ${r.error ? 'n/a (no test data)' : pct(r.recall)} ≥ ${r.floor * 100}%`,
    pass: !r.error && r.recall >= r.floor,
  }));
  floors.push({ name: `findings on unannotated lines ${unannotatedTotal} ≤ ${MAX_UNANNOTATED}`, pass: unannotatedTotal <= MAX_UNANNOTATED });

  log('\nSummary:');
  log(`  ${'analyzer'.padEnd(58)} ${'rule'.padEnd(28)} annotated   hit  recall  unannotated`);
  for (const r of results)
    log(`  ${r.analyzer.padEnd(58)} ${r.rule.padEnd(28)} ${String(r.annotated).padStart(9)} ${String(r.hit).padStart(5)} ${pct(r.recall).padStart(7)} ${String(r.unannotated.length).padStart(12)}${r.floor == null ? '  (info)' : ''}`);
  log('\nFloors:');
  for (const f of floors) log(`  ${f.pass ? 'PASS' : 'FAIL'}  ${f.name}`);
  if (json) console.log(JSON.stringify({ results, floors, unannotatedTotal, maxUnannotated: MAX_UNANNOTATED }, null, 2));
  process.exit(floors.every((f) => f.pass) ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

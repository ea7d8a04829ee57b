#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { excludeMatcher, loadConfigFile } from '../node/config-file';
import { HELP, parseCliArgs, type CliOptions } from './args';
import { changedSince, touches, type ChangedLines } from './diff';
import { formatGithub } from './formatters/github';
import { formatJson } from './formatters/json';
import { formatSarif } from './formatters/sarif';
import { formatText } from './formatters/text';
import type { DirJob } from './job';
import { VERSION } from './meta';
import { runJobs, workerCount } from './pool';
import { progressReporter } from './progress';
import { compareReported, displayPath, type Report, type ReportedFinding, type ReportError } from './report';
import { explainRule, knownRuleIds, listRules, unknownIds } from './rules-info';
import { applyCliV8Settings } from './v8-settings';
import { collectGoFiles } from './walk';

export interface Output {
  write(text: string): void;
  isTTY?: boolean;
}

/** What the CLI touches of its process, so tests can run it in-process. */
export interface CliIO {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: Output;
  stderr: Output;
  readStdin(): Promise<string>;
}

const USAGE_HINT = 'run gopitfalls --help for usage';

/** Runs the CLI and resolves with its exit status: 0 no findings, 1 findings, 2 usage or I/O error. */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const warn = (msg: string) => io.stderr.write(`gopitfalls: ${msg}\n`);
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) {
    warn(`${parsed.message}\n${USAGE_HINT}`);
    return 2;
  }
  const o = parsed.options;
  if (o.help) return io.stdout.write(HELP), 0;
  if (o.version) return io.stdout.write(`${VERSION}\n`), 0;
  if (o.list) return io.stdout.write(listRules()), 0;
  if (o.explain !== undefined) {
    const r = explainRule(o.explain);
    if (r.ok) return io.stdout.write(r.text), 0;
    warn(r.message);
    return 2;
  }
  const unknown = unknownIds([...(o.rules ?? []), ...o.disable]);
  if (unknown.length) {
    warn(`unknown rule id${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; known rules: ${knownRuleIds().join(', ')}`);
    return 2;
  }
  try {
    return await analyse(o, io, warn);
  } catch (e) {
    warn((e as Error).message ?? String(e));
    return 2;
  }
}

async function analyse(o: CliOptions, io: CliIO, warn: (m: string) => void): Promise<number> {
  const { cwd } = io;
  const loaded = loadConfigFile({ cwd, explicit: o.config, knownRuleIds: new Set(knownRuleIds()) });
  if (loaded.unreadable) {
    warn(`cannot read config ${loaded.unreadable}`);
    return 2;
  }
  for (const p of loaded.problems) warn(`warning: ${p}`);
  const config = { ...loaded.config, rules: { ...loaded.config.rules } };
  for (const id of o.disable) config.rules[id] = 'off';
  const excluded = excludeMatcher(loaded.root, config.exclude);

  const errors: ReportError[] = [];
  const jobs: DirJob[] = [];
  let changed: ChangedLines | undefined;
  const common = { goVersion: o.goVersion, config, only: o.rules };
  const limits = { maxFileSize: o.maxFileSize };
  if (o.stdin) {
    const text = await io.readStdin();
    const file = resolve(cwd, o.stdinFilename ?? '<stdin>');
    if (!excluded(file)) {
      jobs.push({ dir: dirname(file), targets: [file], overrides: [[file, text]], siblings: o.stdinFilename !== undefined, ...common });
    }
  } else {
    const walked = collectGoFiles(o.paths.length ? o.paths : ['.'], cwd);
    errors.push(...walked.errors);
    for (const w of walked.warnings) warn(`warning: ${w}`);
    let files = walked.files.filter((f) => !excluded(f));
    if (o.diff !== undefined) {
      changed = (await changedSince(o.diff, cwd)).changed;
      files = files.filter((f) => changed!.has(real(f)));
    }
    const byDir = new Map<string, string[]>();
    for (const f of files) {
      const list = byDir.get(dirname(f));
      if (list) list.push(f);
      else byDir.set(dirname(f), [f]);
    }
    for (const [dir, targets] of [...byDir].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) jobs.push({ dir, targets, ...common, ...limits });
  }

  const fileCount = jobs.reduce((n, j) => n + j.targets.length, 0);
  const progress = progressReporter(io.stderr, jobs.length);
  const results = await runJobs(jobs, workerCount(fileCount, jobs.length, o.jobs), progress.update).finally(progress.done);

  const findings: ReportedFinding[] = [];
  let filesAnalysed = 0;
  let filesWithSyntaxErrors = 0;
  const jobWarnings = new Set<string>();
  for (const r of results) for (const w of r.warnings ?? []) jobWarnings.add(w);
  for (const w of [...jobWarnings].sort()) warn(`warning: ${w}`);
  for (const r of results) {
    for (const e of r.errors) errors.push({ path: displayPath(cwd, e.path), message: e.message });
    for (const { result, bom } of r.files) {
      filesAnalysed++;
      if (result.syntaxErrors) filesWithSyntaxErrors++;
      const path = o.stdin && o.stdinFilename === undefined ? '<stdin>' : displayPath(cwd, result.path);
      const lines = changed?.get(real(result.path));
      for (const finding of result.findings) {
        if (changed && !touches(lines, finding.span.start.line + 1, finding.span.end.line + 1)) continue;
        findings.push({ path, finding, bom });
      }
    }
  }
  findings.sort(compareReported);
  errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const e of errors) warn(`${e.path}: ${e.message}`);

  const report: Report = { version: VERSION, cwd, findings, errors, filesAnalysed, filesWithSyntaxErrors, ruleIds: knownRuleIds() };
  const color = !o.noColor && !!io.stdout.isTTY && !io.env.NO_COLOR;
  io.stdout.write(
    o.format === 'json' ? formatJson(report)
    : o.format === 'sarif' ? formatSarif(report)
    : o.format === 'github' ? formatGithub(report)
    : formatText(report, { color }),
  );
  if (errors.length && filesAnalysed === 0) return 2;
  return findings.length ? 1 : 0;
}

const reals = new Map<string, string>();
/** The real path (symbolic links resolved) git's paths are compared with; the path itself if missing. */
function real(path: string): string {
  let r = reals.get(path);
  if (r === undefined) {
    try {
      r = realpathSync(path);
    } catch {
      r = path;
    }
    reals.set(path, r);
  }
  return r;
}

function nodeIO(): CliIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    },
  };
}

if (require.main === module) {
  // Before any worker starts (see v8-settings.ts); only here, where the CLI is the process.
  applyCliV8Settings(process.env);
  // `gopitfalls | head`: a closed pipe ends the run quietly instead of with a stack trace
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  run(process.argv.slice(2), nodeIO()).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`gopitfalls: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}

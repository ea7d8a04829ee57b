import { parseArgs } from 'node:util';
import { parseGoVersion } from '../core/go-version';
import { DEFAULT_CLI_MAX_FILE_SIZE, parseSize } from '../core/input-checks';

export const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface CliOptions {
  paths: string[];
  format: Format;
  diff?: string;
  /** --rule: run only these (undefined: all). */
  rules?: string[];
  disable: string[];
  explain?: string;
  list: boolean;
  stdin: boolean;
  stdinFilename?: string;
  /** --go-version as a Go 1 minor version (1.22 → 22). */
  goVersion?: number;
  config?: string;
  noColor: boolean;
  version: boolean;
  help: boolean;
  /** --jobs: worker threads (1: analyse in this thread). */
  jobs?: number;
  /** --max-file-size in bytes: larger files are skipped with a message. */
  maxFileSize: number;
}

export const HELP = `Usage: gopitfalls [options] [paths…]

Finds Go concurrency pitfalls in the .go files under paths (default: .). Directories are walked
honouring .gitignore files; vendor/, testdata/, node_modules/ and directories starting with "." or "_"
are skipped unless named. Each package is analysed with all its files in the directory.

Options:
  --format text|json|sarif|github  output format (default: text)
  --diff <git-ref>                 only findings on lines added or changed since the merge base of
                                   HEAD and <git-ref>, uncommitted and untracked changes included
  --rule a,b                       run only these rules
  --disable a,b                    do not run these rules
  --go-version 1.N                 Go version to assume instead of go.mod's \`go\` line
  --config PATH                    config file (default: .gopitfalls.json in the current directory,
                                   else at the git top level)
  --stdin                          analyse standard input…
  --stdin-filename F               …as file F (its package's other files are read from disk)
  --explain <rule-id|qa-id>        print a rule's documentation or a Q&A entry
  --list                           list the rules and the Q&A topics and entries
  --jobs N                         worker threads (default: one per core; 1 for small runs)
  --max-file-size SIZE             skip larger files with a message (default: 5MB; e.g. 800KB, 20MB)
  --no-color                       no colours in text output (also NO_COLOR=1)
  --version                        print the version
  -h, --help                       print this help

Exit status: 0 no findings, 1 findings, 2 usage or I/O error.
GOPITFALLS_V8_DEFAULTS=1 keeps Node's default V8 settings (the CLI tunes two for batch runs).
`;

const split = (values: string[] | undefined) =>
  values?.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);

export type ParsedArgs = { ok: true; options: CliOptions } | { ok: false; message: string };

export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  let v;
  try {
    v = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        diff: { type: 'string' },
        rule: { type: 'string', multiple: true },
        disable: { type: 'string', multiple: true },
        explain: { type: 'string' },
        list: { type: 'boolean' },
        stdin: { type: 'boolean' },
        'stdin-filename': { type: 'string' },
        'go-version': { type: 'string' },
        config: { type: 'string' },
        jobs: { type: 'string' },
        'max-file-size': { type: 'string' },
        'no-color': { type: 'boolean' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  const { values, positionals } = v;
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) return { ok: false, message: `--format must be one of ${FORMATS.join(', ')} (got "${values.format}")` };
  let goVersion: number | undefined;
  if (values['go-version'] !== undefined) {
    goVersion = parseGoVersion(values['go-version']);
    if (goVersion === undefined || !/^(go)?1\.\d+(\.\d+)?$/.test(values['go-version'].trim())) {
      return { ok: false, message: `--go-version must look like 1.22 (got "${values['go-version']}")` };
    }
  }
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) return { ok: false, message: `--jobs must be a whole number from 1 (got "${values.jobs}")` };
  }
  let maxFileSize = DEFAULT_CLI_MAX_FILE_SIZE;
  if (values['max-file-size'] !== undefined) {
    const n = parseSize(values['max-file-size']);
    if (n === undefined) return { ok: false, message: `--max-file-size must be a size such as 5000000, 800KB or 5MB (got "${values['max-file-size']}")` };
    maxFileSize = n;
  }
  if (values['stdin-filename'] !== undefined && !values.stdin) return { ok: false, message: '--stdin-filename needs --stdin' };
  if (values.stdin && positionals.length) return { ok: false, message: '--stdin analyses standard input; do not also name paths' };
  if (values.stdin && values.diff !== undefined) return { ok: false, message: '--diff reads the work tree; it cannot be combined with --stdin' };
  if (values.diff !== undefined && !values.diff.trim()) return { ok: false, message: '--diff needs a git ref' };
  return {
    ok: true,
    options: {
      paths: positionals,
      format,
      diff: values.diff,
      rules: split(values.rule),
      disable: split(values.disable) ?? [],
      explain: values.explain,
      list: !!values.list,
      stdin: !!values.stdin,
      stdinFilename: values['stdin-filename'],
      goVersion,
      config: values.config,
      noColor: !!values['no-color'],
      version: !!values.version,
      help: !!values.help,
      jobs,
      maxFileSize,
    },
  };
}

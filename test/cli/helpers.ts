import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { run, type CliIO } from '../../src/cli/main';

/** A Go file where waitgroup-add-in-goroutine fires once, on line 8 (wg.Add(1), column 3). */
export const WG_BAD = `package a

import "sync"

func f() {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1)
		wg.Done()
	}()
	wg.Wait()
}
`;

export const CLEAN = `package a

func ok() int { return 1 }
`;

export const withPackage = (text: string, name: string) => text.replace(/^package \w+/, `package ${name}`);

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir with these files (path → content); removed after the test file. */
export function tmpTree(files: Record<string, string> = {}): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'gopitfalls-')));
  made.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with cwd and the given standard input. */
export async function runCli(
  argv: string[],
  opts: { cwd: string; stdin?: string; env?: Record<string, string>; tty?: boolean },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    cwd: opts.cwd,
    env: opts.env ?? {},
    stdout: { write: (s) => void (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s) => void (stderr += s), isTTY: false },
    readStdin: async () => opts.stdin ?? '',
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** The findings of a JSON run as "path:line:col rule" strings. */
export function jsonFindings(stdout: string): string[] {
  const doc = JSON.parse(stdout) as { findings: { path: string; line: number; column: number; ruleId: string }[] };
  return doc.findings.map((f) => `${f.path}:${f.line}:${f.column} ${f.ruleId}`);
}

// The SARIF 2.1.0 schema as published (draft-04), from @microsoft/jest-sarif. unicodeRegExp is off: the
// schema's language pattern has a stray ']' that only non-unicode regular expressions accept.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const sarifSchema = ajv.compile(
  JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')),
);

/** Whether a parsed log is valid SARIF 2.1.0 (a plain boolean: ajv's guard would narrow the log to unknown). */
export function sarifValid(log: unknown): boolean {
  return sarifSchema(log) as boolean;
}

export function sarifErrors(): string {
  return ajv.errorsText(sarifSchema.errors);
}

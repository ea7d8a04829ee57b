import { isAbsolute, relative, sep } from 'node:path';
import type { Finding, Severity } from '../core/types';

export interface ReportedFinding {
  /** Display path: relative to the working directory, with "/" separators. */
  path: string;
  finding: Finding;
  /** The file on disk starts with a byte-order mark that the analysed text left out. */
  bom: boolean;
}

export interface ReportError {
  path: string;
  message: string;
}

/** Everything a formatter needs; the same whatever the worker timing was. */
export interface Report {
  version: string;
  /** The working directory display paths are relative to. */
  cwd: string;
  /** Sorted by path, line, column, rule id. */
  findings: ReportedFinding[];
  errors: ReportError[];
  filesAnalysed: number;
  /** Files with syntax errors (findings inside the broken regions are dropped). */
  filesWithSyntaxErrors: number;
  /** Every rule id the engine knows, sorted: SARIF lists them all. */
  ruleIds: readonly string[];
}

/** A path as shown to the user: relative to cwd and "/"-separated when under cwd, else absolute. */
export function displayPath(cwd: string, abs: string): string {
  if (!isAbsolute(abs)) return abs;
  const rel = relative(cwd, abs);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return abs;
  return (rel || '.').split(sep).join('/');
}

const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

export function compareReported(a: ReportedFinding, b: ReportedFinding): number {
  const x = a.finding.span.start;
  const y = b.finding.span.start;
  return (
    cmp(a.path, b.path) ||
    cmp(x.line, y.line) ||
    cmp(x.character, y.character) ||
    cmp(a.finding.ruleId, b.finding.ruleId) ||
    cmp(a.finding.message, b.finding.message)
  );
}

export function countBySeverity(findings: readonly ReportedFinding[]): Record<Severity, number> {
  const n: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) n[f.finding.severity]++;
  return n;
}

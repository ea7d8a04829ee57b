import type { Severity } from '../../core/types';
import { countBySeverity, type Report } from '../report';

const SGR = { reset: '\x1b[0m', bold: '\x1b[1m', dim: '\x1b[2m', red: '\x1b[31m', yellow: '\x1b[33m', cyan: '\x1b[36m' };
const SEVERITY_COLOUR: Record<Severity, string> = { error: SGR.red, warning: SGR.yellow, info: SGR.cyan };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `path:line:col: severity rule-id: message`, one line per finding (clickable in terminals and
 * editors), each related location on an indented `path:line:col: note: …` line, then a summary.
 */
export function formatText(report: Report, opts: { color: boolean }): string {
  const paint = (code: string, s: string) => (opts.color ? `${code}${s}${SGR.reset}` : s);
  const lines: string[] = [];
  for (const { path, finding: f } of report.findings) {
    const at = `${path}:${f.span.start.line + 1}:${f.span.start.character + 1}`;
    lines.push(`${paint(SGR.bold, at)}: ${paint(SEVERITY_COLOUR[f.severity], f.severity)} ${paint(SGR.dim, f.ruleId)}: ${f.message}`);
    for (const r of f.related) {
      lines.push(`  ${path}:${r.span.start.line + 1}:${r.span.start.character + 1}: ${paint(SGR.dim, 'note')}: ${r.message}`);
    }
  }
  lines.push(summary(report));
  return `${lines.join('\n')}\n`;
}

export function summary(report: Report): string {
  const files = plural(report.filesAnalysed, 'file');
  let s: string;
  if (report.findings.length === 0) s = `no findings in ${files}`;
  else {
    const n = countBySeverity(report.findings);
    const parts = [
      n.error ? plural(n.error, 'error') : '',
      n.warning ? plural(n.warning, 'warning') : '',
      n.info ? `${n.info} info` : '',
    ].filter(Boolean);
    s = `${plural(report.findings.length, 'finding')} (${parts.join(', ')}) in ${files}`;
  }
  if (report.filesWithSyntaxErrors) {
    s += `; ${plural(report.filesWithSyntaxErrors, 'file')} with syntax errors (nothing is reported inside them)`;
  }
  if (report.errors.length) s += `; ${plural(report.errors.length, 'path')} could not be analysed (see standard error)`;
  return s;
}

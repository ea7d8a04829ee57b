import type { Severity } from '../../core/types';
import type { Report } from '../report';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** GitHub's escaping of a workflow command's message. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub's escaping of a workflow command's property value (also ":" and ","). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands: one annotation per finding, error/warning/notice by severity. */
export function formatGithub(report: Report): string {
  const lines: string[] = [];
  for (const { path, finding: f } of report.findings) {
    const props = [
      `file=${escapeProperty(path)}`,
      `line=${f.span.start.line + 1}`,
      `col=${f.span.start.character + 1}`,
      `endLine=${f.span.end.line + 1}`,
      `endColumn=${f.span.end.character + 1}`,
      `title=${escapeProperty(f.ruleId)}`,
    ];
    lines.push(`::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(f.message)}`);
  }
  for (const e of report.errors) {
    lines.push(`::error file=${escapeProperty(e.path)},title=gopitfalls::${escapeData(`cannot analyse ${e.path}: ${e.message}`)}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

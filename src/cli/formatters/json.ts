import type { Report } from '../report';

/**
 * The machine-readable output the evaluation scripts read. Lines and columns are 1-based, columns in
 * UTF-16 code units; the end column is the one just past the range.
 */
export function formatJson(report: Report): string {
  const doc = {
    tool: 'gopitfalls',
    version: report.version,
    findings: report.findings.map(({ path, finding: f }) => ({
      path,
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      line: f.span.start.line + 1,
      column: f.span.start.character + 1,
      endLine: f.span.end.line + 1,
      endColumn: f.span.end.character + 1,
      related: f.related.map((r) => ({
        path,
        line: r.span.start.line + 1,
        column: r.span.start.character + 1,
        message: r.message,
      })),
      fixes: f.fixes.map((x) => ({ title: x.title, safety: x.safety })),
    })),
    errors: report.errors.map((e) => ({ path: e.path, message: e.message })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

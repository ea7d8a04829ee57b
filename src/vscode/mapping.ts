/**
 * Finding → diagnostic, in two steps: `toDiagnosticData` is pure data (unit-tested without VS Code), and
 * `toDiagnostic` builds the VS Code object from it through the API object it is given (the real `vscode`
 * module in the extension, a small stub in tests).
 */
import type * as vscode from 'vscode';
import type { Finding, Severity } from '../core/types';

/** Diagnostic `source`: what the Problems view shows and what filters and Error Lens match on. */
export const SOURCE = 'gopitfalls';

export interface PositionData {
  line: number;
  character: number;
}

export interface RangeData {
  start: PositionData;
  end: PositionData;
}

export interface DiagnosticData {
  range: RangeData;
  message: string;
  severity: Severity;
  source: typeof SOURCE;
  /** The rule id, linked to the rule's doc (`codeDescription`). */
  code: { value: string; target: string };
  related: { range: RangeData; message: string }[];
  /** Faded rendering (an ignore directive that suppresses nothing). */
  unnecessary: boolean;
}

const range = (s: Finding['span']): RangeData => ({
  start: { line: s.start.line, character: s.start.character },
  end: { line: s.end.line, character: s.end.character },
});

/** `docTarget(ruleId)` is the URI (as a string) of the rule's doc. */
export function toDiagnosticData(f: Finding, docTarget: (ruleId: string) => string): DiagnosticData {
  return {
    range: range(f.span),
    message: f.message,
    severity: f.severity,
    source: SOURCE,
    code: { value: f.ruleId, target: docTarget(f.ruleId) },
    related: f.related.map((r) => ({ range: range(r.span), message: r.message })),
    unnecessary: !!f.unnecessary,
  };
}

/** The parts of the `vscode` module that `toDiagnostic` uses. */
export type DiagnosticApi = Pick<
  typeof vscode,
  'Diagnostic' | 'DiagnosticRelatedInformation' | 'DiagnosticSeverity' | 'DiagnosticTag' | 'Location' | 'Position' | 'Range' | 'Uri'
>;

export function toSeverity(vs: Pick<typeof vscode, 'DiagnosticSeverity'>, s: Severity): vscode.DiagnosticSeverity {
  return s === 'error' ? vs.DiagnosticSeverity.Error : s === 'info' ? vs.DiagnosticSeverity.Information : vs.DiagnosticSeverity.Warning;
}

export function toRange(vs: Pick<typeof vscode, 'Range' | 'Position'>, r: RangeData): vscode.Range {
  return new vs.Range(new vs.Position(r.start.line, r.start.character), new vs.Position(r.end.line, r.end.character));
}

export function toDiagnostic(vs: DiagnosticApi, uri: vscode.Uri, d: DiagnosticData): vscode.Diagnostic {
  const diag = new vs.Diagnostic(toRange(vs, d.range), d.message, toSeverity(vs, d.severity));
  diag.source = d.source;
  diag.code = { value: d.code.value, target: vs.Uri.parse(d.code.target) };
  if (d.related.length) {
    diag.relatedInformation = d.related.map(
      (r) => new vs.DiagnosticRelatedInformation(new vs.Location(uri, toRange(vs, r.range)), r.message),
    );
  }
  if (d.unnecessary) diag.tags = [vs.DiagnosticTag.Unnecessary];
  return diag;
}

/** The rule id of one of our diagnostics, or undefined for another source's. */
export function ruleIdOf(d: Pick<vscode.Diagnostic, 'source' | 'code'>): string | undefined {
  if (d.source !== SOURCE) return undefined;
  const c = d.code;
  if (typeof c === 'string') return c;
  if (c && typeof c === 'object') return String(c.value);
  return undefined;
}

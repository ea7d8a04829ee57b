import { deleteRange } from './edits';
import type { LineMap } from './position';
import type { Finding, Span } from './types';

/**
 * `//gopitfalls:ignore <rule-id>[,<rule-id>] <reason>`: on a line with code, it covers that line; alone
 * on its line, it covers the next line. `//gopitfalls:file-ignore <rule-id>[,…] <reason>` covers the file.
 * A directive without a reason or with an unknown rule id is reported (malformed-ignore) and suppresses
 * nothing; one that suppresses nothing is reported (unused-ignore), unless a rule it names did not run.
 */
export interface Directive {
  kind: 'ignore' | 'file-ignore';
  ruleIds: string[];
  reason: string;
  span: Span;
  /** The line it covers (ignore), or -1 (file-ignore). */
  line: number;
  used: boolean;
}

const DIRECTIVE = /^\/\/\s?gopitfalls:(ignore|file-ignore)\b(.*)$/;

export function parseDirectives(
  comments: { start: number; end: number; text: string }[],
  fileText: string,
  lines: LineMap,
): Directive[] {
  const out: Directive[] = [];
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m) continue;
    const rest = m[2]!.trim();
    const [ids = '', ...reason] = rest.split(/\s+/);
    const span = lines.span(c.start, c.end);
    const lineStart = fileText.lastIndexOf('\n', c.start - 1) + 1;
    const trailing = fileText.slice(lineStart, c.start).trim() !== '';
    out.push({
      kind: m[1] as Directive['kind'],
      ruleIds: ids.split(',').filter(Boolean),
      reason: reason.join(' '),
      span,
      line: m[1] === 'file-ignore' ? -1 : trailing ? span.start.line : span.start.line + 1,
      used: false,
    });
  }
  return out;
}

export interface SuppressionOutcome {
  kept: Finding[];
  directiveFindings: Finding[];
}

export function applySuppression(
  findings: Finding[],
  directives: Directive[],
  knownRuleIds: ReadonlySet<string>,
  ranRuleIds: ReadonlySet<string>,
  text: string,
): SuppressionOutcome {
  const directiveFindings: Finding[] = [];
  const valid: Directive[] = [];
  for (const d of directives) {
    const unknown = d.ruleIds.filter((id) => !knownRuleIds.has(id));
    let problem = '';
    if (d.ruleIds.length === 0) problem = `gopitfalls:${d.kind} needs a rule id and a reason`;
    else if (unknown.length) problem = `gopitfalls:${d.kind} names unknown rule ${unknown.map((u) => `"${u}"`).join(', ')}`;
    else if (!d.reason) problem = `gopitfalls:${d.kind} ${d.ruleIds.join(',')} needs a reason after the rule id`;
    if (problem) {
      directiveFindings.push({ ruleId: 'malformed-ignore', severity: 'warning', message: problem, span: d.span, related: [], fixes: [] });
    } else {
      valid.push(d);
    }
  }
  const kept: Finding[] = [];
  for (const f of findings) {
    const d = valid.find((x) => x.ruleIds.includes(f.ruleId) && (x.line === -1 || x.line === f.span.start.line));
    if (d) d.used = true;
    else kept.push(f);
  }
  for (const d of valid) {
    if (d.used || !d.ruleIds.every((id) => ranRuleIds.has(id))) continue;
    directiveFindings.push({
      ruleId: 'unused-ignore',
      severity: 'warning',
      message: `gopitfalls:${d.kind} ${d.ruleIds.join(',')} suppresses nothing`,
      span: d.span,
      related: [],
      fixes: [
        {
          title: 'Remove the unused directive',
          safety: 'safe',
          edits: [deleteRange(text, d.span.start.offset, d.span.end.offset)],
        },
      ],
      unnecessary: true,
    });
  }
  return { kept, directiveFindings };
}

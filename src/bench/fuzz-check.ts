import type { FileResult, Span } from '../core/types';

/**
 * What is wrong with one analysis of text, as the fuzzer judges it (none: []): a span or related span
 * outside the text or inverted, a fix edit outside the text, or edits of one fix that overlap. Shared by
 * `npm run fuzz` and the replay of its saved cases (test/core/fuzz-regressions.test.ts).
 */
export function check(text: string, res: FileResult): string[] {
  const bad: string[] = [];
  const span = (s: Span, what: string) => {
    if (s.start.offset < 0 || s.end.offset > text.length || s.start.offset > s.end.offset) bad.push(`${what} span out of range or inverted`);
  };
  for (const f of res.findings) {
    span(f.span, f.ruleId);
    for (const r of f.related) span(r.span, `${f.ruleId} related`);
    for (const fix of f.fixes) {
      const edits = [...fix.edits].sort((a, b) => a.start - b.start);
      edits.forEach((e, i) => {
        if (e.start < 0 || e.end > text.length || e.start > e.end) bad.push(`${f.ruleId} fix "${fix.title}" edit outside the text`);
        if (i > 0 && edits[i - 1]!.end > e.start) bad.push(`${f.ruleId} fix "${fix.title}" edits overlap`);
      });
    }
  }
  return bad;
}

/**
 * Code actions as plain data, in vscode-eslint's order: each fix of a finding (the first safe one
 * preferred), "Ignore <rule> on this line", "Ignore <rule> in this file", "Explain <rule>"; plus the
 * safe fix-all behind `source.fixAll.gopitfalls`. Edits are UTF-16 offsets into the analysed text; the
 * adapter turns them into a WorkspaceEdit only when the document still has that text. Pure.
 */
import type { Finding, TextEdit } from '../core/types';

export const FIX_ALL_KIND = 'source.fixAll.gopitfalls';
export const IGNORE_PLACEHOLDER = 'TODO: reason';

export interface EditData extends TextEdit {
  /** The new text is a snippet (VS Code SnippetString syntax): its placeholder is selected after the edit. */
  snippet?: boolean;
}

export interface ActionData {
  title: string;
  kind: 'quickfix' | typeof FIX_ALL_KIND;
  /** The findings the action resolves (attached to the code action as its diagnostics). */
  findings: Finding[];
  isPreferred?: boolean;
  edits?: EditData[];
  command?: { command: string; title: string; arguments: unknown[] };
}

/** Escapes text for a snippet body ($, } and \ are special). */
export function snippetEscape(s: string): string {
  return s.replace(/[$}\\]/g, '\\$&');
}

function lineBounds(text: string, offset: number): { start: number; end: number } {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  if (end < 0) end = text.length;
  if (end > start && text[end - 1] === '\r') end--;
  return { start, end };
}

const DIRECTIVE = /\/\/\s?gopitfalls:(ignore|file-ignore)[ \t]+(\S+)/;

/**
 * Adds ruleId to an existing directive's id list when the directive already covers the line
 * (`//gopitfalls:ignore a reason` → `//gopitfalls:ignore a,rule reason`). Undefined when there is none
 * (or it already names the rule, which would leave nothing to do).
 */
function extendDirective(text: string, lineStart: number, lineEnd: number, kind: 'ignore' | 'file-ignore', ruleId: string): EditData | undefined {
  const line = text.slice(lineStart, lineEnd);
  const m = DIRECTIVE.exec(line);
  if (!m || m[1] !== kind) return undefined;
  const ids = m[2]!.split(',');
  if (ids.includes(ruleId)) return undefined;
  const at = lineStart + m.index + m[0].length;
  return { start: at, end: at, newText: `,${ruleId}` };
}

/**
 * The edit behind "Ignore <rule> on this line": a directive alone on the line above the finding (it
 * covers the next line), indented like that line, with the reason placeholder as a snippet tab stop. When
 * a directive already covers the line (above it, or at its end), the rule is added to its list instead.
 */
export function ignoreLineEdit(text: string, finding: Finding): EditData {
  const { start, end } = lineBounds(text, finding.span.start.offset);
  const trailing = extendDirective(text, start, end, 'ignore', finding.ruleId);
  const line = text.slice(start, end);
  if (trailing && line.slice(0, line.search(DIRECTIVE)).trim() !== '') return trailing;
  if (start > 0) {
    const above = lineBounds(text, start - 1);
    const aboveLine = text.slice(above.start, above.end);
    if (/^\s*\/\/\s?gopitfalls:ignore\b/.test(aboveLine)) {
      const e = extendDirective(text, above.start, above.end, 'ignore', finding.ruleId);
      if (e) return e;
    }
  }
  const indent = /^[\t ]*/.exec(line)![0];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return {
    start,
    end: start,
    newText: `${snippetEscape(indent)}//gopitfalls:ignore ${finding.ruleId} \${1:${IGNORE_PLACEHOLDER}}${eol}`,
    snippet: true,
  };
}

/**
 * The edit behind "Ignore <rule> in this file": `//gopitfalls:file-ignore <rule> TODO: reason` on its
 * own line above the package clause (after a leading build constraint / copyright block it would be
 * inside the file's doc comment, so it goes right before `package`), or the rule added to an existing
 * file-ignore directive.
 */
export function ignoreFileEdit(text: string, ruleId: string): EditData {
  for (const m of text.matchAll(/^[\t ]*\/\/\s?gopitfalls:file-ignore\b.*$/gm)) {
    const e = extendDirective(text, m.index!, m.index! + m[0].length, 'file-ignore', ruleId);
    if (e) return e;
  }
  const pkg = /^package\s/m.exec(text);
  const at = pkg ? pkg.index : 0;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { start: at, end: at, newText: `//gopitfalls:file-ignore ${ruleId} \${1:${IGNORE_PLACEHOLDER}}${eol}`, snippet: true };
}

/** Engine findings about directives cannot themselves be ignored by a directive. */
const NOT_IGNORABLE = new Set(['malformed-ignore', 'unused-ignore', 'internal-error']);

export interface ActionOptions {
  /** Command that opens a rule's doc (its only argument is the rule id). */
  explainCommand?: string;
}

/** The quick fixes for the findings at the cursor (or in the selection), in display order. */
export function actionsFor(findings: readonly Finding[], text: string, o: ActionOptions = {}): ActionData[] {
  const explain = o.explainCommand ?? 'gopitfalls.openRuleDoc';
  const fixes: ActionData[] = [];
  const ignores: ActionData[] = [];
  const explains: ActionData[] = [];
  const seenRule = new Set<string>();
  let preferredGiven = false;
  for (const f of findings) {
    f.fixes.forEach((fix) => {
      const preferred = !preferredGiven && fix.safety === 'safe' && fix === f.fixes.find((x) => x.safety === 'safe');
      if (preferred) preferredGiven = true;
      fixes.push({
        title: fix.safety === 'unsafe' ? `${fix.title} (unsafe)` : fix.title,
        kind: 'quickfix',
        findings: [f],
        isPreferred: preferred || undefined,
        edits: fix.edits.map((e) => ({ ...e })),
      });
    });
    if (seenRule.has(f.ruleId)) continue;
    seenRule.add(f.ruleId);
    if (!NOT_IGNORABLE.has(f.ruleId)) {
      ignores.push({ title: `Ignore ${f.ruleId} on this line`, kind: 'quickfix', findings: [f], edits: [ignoreLineEdit(text, f)] });
      ignores.push({ title: `Ignore ${f.ruleId} in this file`, kind: 'quickfix', findings: [f], edits: [ignoreFileEdit(text, f.ruleId)] });
    }
    explains.push({
      title: `Explain ${f.ruleId}`,
      kind: 'quickfix',
      findings: [f],
      command: { command: explain, title: `Explain ${f.ruleId}`, arguments: [f.ruleId] },
    });
  }
  return [...fixes, ...ignores, ...explains];
}

/**
 * Fix-all: the first safe fix of every finding, skipping any whose edits overlap an edit already taken
 * (they would need a second pass on the new text; the next save or fix-all takes them). Undefined when
 * nothing is safely fixable.
 */
export function fixAllAction(findings: readonly Finding[]): ActionData | undefined {
  const taken: TextEdit[] = [];
  const fixed: Finding[] = [];
  const overlaps = (a: TextEdit, b: TextEdit) =>
    a.start < b.end && b.start < a.end ? true : a.start === b.start && a.end === b.end ? true : a.start === a.end && b.start === b.end && a.start === b.start;
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.safety === 'safe');
    if (!fix) continue;
    if (fix.edits.some((e) => taken.some((t) => overlaps(e, t)))) continue;
    taken.push(...fix.edits);
    fixed.push(f);
  }
  if (!taken.length) return undefined;
  taken.sort((a, b) => a.start - b.start || a.end - b.end);
  return { title: 'Fix all safely fixable Go concurrency pitfalls', kind: FIX_ALL_KIND, findings: fixed, edits: taken.map((e) => ({ ...e })) };
}

/** Applies non-overlapping edits to text (what VS Code does with them; used by tests and golden checks). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** A snippet's text as inserted: tab stops and placeholders replaced by their default text, escapes undone. */
export function expandSnippet(s: string): string {
  return s.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '').replace(/\\([$}\\])/g, '$1');
}

/**
 * The hover card on a flagged range, as Markdown: the rule's title, why it is dangerous (2–4 lines), the
 * fix in one line with a small example, and links (the full doc, the related Q&A entry, the official Go
 * doc). Everything comes from the generated rule docs; nothing repeats the diagnostic's own message,
 * which VS Code already shows above the card. Pure: no VS Code import.
 */
import type { RuleDoc } from '../core/rule-doc';
import type { Finding } from '../core/types';

/** Commands the hover's links may run (the MarkdownString trusts exactly these). */
export const HOVER_COMMANDS = ['gopitfalls.openRuleDoc', 'gopitfalls.openQa'] as const;

export function commandUri(command: (typeof HOVER_COMMANDS)[number], ...args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/** The official Go documentation a rule is about; per rule where one page fits, else by category. */
const GO_DOC_BY_RULE: Record<string, { label: string; url: string }> = {
  'waitgroup-add-in-goroutine': { label: 'sync.WaitGroup', url: 'https://pkg.go.dev/sync#WaitGroup' },
  'time-after-in-loop': { label: 'time.After', url: 'https://pkg.go.dev/time#After' },
  'copied-lock': { label: 'sync.Mutex', url: 'https://pkg.go.dev/sync#Mutex' },
  'missing-defer-cancel': { label: 'context.WithCancel', url: 'https://pkg.go.dev/context#WithCancel' },
  'leaky-unbuffered-result-channel': { label: 'Go memory model', url: 'https://go.dev/ref/mem' },
  'nil-context': { label: 'context.TODO', url: 'https://pkg.go.dev/context#TODO' },
  'signal-notify-unbuffered': { label: 'signal.Notify', url: 'https://pkg.go.dev/os/signal#Notify' },
  'sync-pool-non-pointer': { label: 'sync.Pool', url: 'https://pkg.go.dev/sync#Pool' },
  'testing-fatal-in-goroutine': { label: 'testing.T.FailNow', url: 'https://pkg.go.dev/testing#T.FailNow' },
  'atomic-self-assignment': { label: 'sync/atomic', url: 'https://pkg.go.dev/sync/atomic' },
  'select-default-busy-loop': { label: 'Select statements', url: 'https://go.dev/ref/spec#Select_statements' },
};
const GO_DOC_BY_CATEGORY: Record<string, { label: string; url: string }> = {
  goroutine: { label: 'Go memory model', url: 'https://go.dev/ref/mem' },
  channel: { label: 'Go memory model', url: 'https://go.dev/ref/mem' },
  mutex: { label: 'sync.Mutex', url: 'https://pkg.go.dev/sync#Mutex' },
  waitgroup: { label: 'sync.WaitGroup', url: 'https://pkg.go.dev/sync#WaitGroup' },
  context: { label: 'context', url: 'https://pkg.go.dev/context' },
  timer: { label: 'time', url: 'https://pkg.go.dev/time' },
  select: { label: 'Select statements', url: 'https://go.dev/ref/spec#Select_statements' },
  atomic: { label: 'sync/atomic', url: 'https://pkg.go.dev/sync/atomic' },
};

export function goDocFor(doc: Pick<RuleDoc, 'id' | 'category'>): { label: string; url: string } | undefined {
  return GO_DOC_BY_RULE[doc.id] ?? GO_DOC_BY_CATEGORY[doc.category];
}

/** Sentences of a paragraph (a period, ! or ? followed by white space and a capital, a backtick or a quote). */
export function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?])\s+(?=[A-Z`"“(])/)
    .filter(Boolean);
}

/** Leading sentences up to about `budget` characters (at least one, at most `max`). */
export function leadingSentences(text: string, budget: number, max: number): string {
  const out: string[] = [];
  let used = 0;
  for (const s of sentences(text)) {
    if (out.length && (used + s.length > budget || out.length >= max)) break;
    out.push(s);
    used += s.length + 1;
  }
  return out.join(' ');
}

/** The Go code blocks of one `## Section` of a rule doc. */
export function sectionCodeBlocks(markdown: string, section: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${section}`);
  if (start < 0) return [];
  const blocks: string[] = [];
  let cur: string[] | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (!cur && /^## /.test(l)) break;
    if (!cur && /^```go\b/.test(l)) cur = [];
    else if (cur && /^```\s*$/.test(l)) {
      blocks.push(cur.join('\n'));
      cur = undefined;
    } else if (cur) cur.push(l);
  }
  return blocks;
}

/**
 * A few lines that show the fix: the lines of the doc's first Good example that are not in its first Bad
 * example (a line diff), each with the lines around it for context, dedented. Undefined when the doc
 * has no such pair or the change is too large for a hover.
 */
export function fixExample(doc: Pick<RuleDoc, 'markdown'>, maxLines = 7): string | undefined {
  const bad = sectionCodeBlocks(doc.markdown, 'Bad')[0];
  const good = sectionCodeBlocks(doc.markdown, 'Good')[0];
  if (bad === undefined || good === undefined) return undefined;
  const a = bad.split('\n');
  const b = good.split('\n');
  const key = (s: string) => s.trim();
  // LCS table over trimmed lines; examples are a few dozen lines, so O(n·m) is nothing.
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i]![j] = key(a[i]!) === key(b[j]!) ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
    }
  }
  const added = new Array<boolean>(m).fill(false);
  for (let i = 0, j = 0; j < m; ) {
    if (i < n && key(a[i]!) === key(b[j]!)) {
      i++;
      j++;
    } else if (i < n && dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else added[j++] = true;
  }
  // Each changed line with its neighbours for context (not blank lines or lone closing brackets).
  const context = (j: number) => j >= 0 && j < m && !added[j] && !/^[\s})\]]*$/.test(b[j]!);
  const show = new Set<number>();
  for (let j = 0; j < m; j++) {
    if (!added[j] || !b[j]!.trim()) continue;
    show.add(j);
    if (context(j - 1)) show.add(j - 1);
    if (context(j + 1)) show.add(j + 1);
  }
  if (!show.size) return undefined;
  const picked = [...show].sort((x, y) => x - y);
  const out: string[] = [];
  for (let k = 0; k < picked.length; k++) {
    if (k && picked[k]! > picked[k - 1]! + 1) out.push('…');
    out.push(b[picked[k]!]!);
  }
  if (out.length > maxLines) return undefined;
  const indent = Math.min(...out.filter((l) => l !== '…').map((l) => /^[\t ]*/.exec(l)![0].length));
  return out.map((l) => (l === '…' ? '// …' : l.slice(indent).replace(/\t/g, '    '))).join('\n');
}

export interface HoverLinks {
  /** Link target that opens the rule's full doc. */
  doc: (ruleId: string) => string;
  /** Link target that opens a Q&A entry. */
  qa: (qaId: string) => string;
}

export const commandLinks: HoverLinks = {
  doc: (id) => commandUri('gopitfalls.openRuleDoc', id),
  qa: (id) => commandUri('gopitfalls.openQa', id),
};

/** Escapes text that goes into Markdown outside code (our doc text already is Markdown, so only brackets of link labels). */
const label = (s: string) => s.replace(/[[\]]/g, '\\$&');

/** The card for one rule (the first finding of each rule under the cursor). */
export function ruleCard(finding: Finding, doc: RuleDoc | undefined, links: HoverLinks = commandLinks): string {
  if (!doc) return `**${finding.ruleId}**`;
  const parts: string[] = [];
  parts.push(`**${doc.title}** · \`${doc.id}\``);
  const why = leadingSentences(doc.why, 360, 3);
  if (why) parts.push(why);
  const fix = leadingSentences(doc.fixSummary, 200, 1);
  if (fix) parts.push(`**Fix:** ${fix}`);
  const example = doc.engine ? undefined : fixExample(doc);
  if (example) parts.push('```go\n' + example + '\n```');
  const linkList = [`[Full doc](${links.doc(doc.id)})`];
  if (doc.qa[0]) linkList.push(`[Q&A: ${label(doc.qa[0])}](${links.qa(doc.qa[0])})`);
  const go = goDocFor(doc);
  if (go) linkList.push(`[${label(go.label)}](${go.url})`);
  parts.push(linkList.join(' · '));
  // Never repeat the diagnostic's message: VS Code shows it right above this card.
  return parts.filter((p) => !p.includes(finding.message)).join('\n\n');
}

/** The hover Markdown for the findings under the cursor (one card per rule), or undefined. */
export function hoverMarkdown(findings: readonly Finding[], docs: Readonly<Record<string, RuleDoc>>, links: HoverLinks = commandLinks): string | undefined {
  const seen = new Set<string>();
  const cards: string[] = [];
  for (const f of findings) {
    if (seen.has(f.ruleId)) continue;
    seen.add(f.ruleId);
    cards.push(ruleCard(f, docs[f.ruleId], links));
  }
  return cards.length ? cards.join('\n\n---\n\n') : undefined;
}

/** Whether a 0-based position lies inside a finding's span (end inclusive, so the cursor at the end counts). */
export function spanContains(f: Finding, line: number, character: number): boolean {
  const { start, end } = f.span;
  if (line < start.line || line > end.line) return false;
  if (line === start.line && character < start.character) return false;
  if (line === end.line && character > end.character) return false;
  return true;
}

/**
 * The hover and code-action providers: thin adapters from the pure card/action builders (hover.ts,
 * code-actions.ts) to VS Code objects, working only on the findings of the document's current version.
 */
import * as vscode from 'vscode';
import { ruleDocs } from '../generated/rule-docs';
import type { Finding } from '../core/types';
import { actionsFor, fixAllAction, FIX_ALL_KIND, type ActionData, type EditData } from './code-actions';
import { HOVER_COMMANDS, hoverMarkdown, spanContains, type HoverLinks } from './hover';
import type { LiveAnalysis } from './live';
import { toRange } from './mapping';

export const FIX_ALL = vscode.CodeActionKind.SourceFixAll.append('gopitfalls');

export class HoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly live: LiveAnalysis,
    private readonly links: HoverLinks,
    /** Teaching hover for a word when nothing is flagged there (issue 4), or undefined. */
    private readonly teach?: (doc: vscode.TextDocument, pos: vscode.Position) => vscode.Hover | undefined,
  ) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const r = this.live.current(doc);
    const here = r?.findings.filter((f) => spanContains(f, pos.line, pos.character)) ?? [];
    if (!here.length) return this.teach?.(doc, pos);
    const md = hoverMarkdown(here, ruleDocs, this.links);
    if (!md) return undefined;
    const content = new vscode.MarkdownString(md);
    content.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
    const f = here[0]!;
    return new vscode.Hover(content, toRange(vscode, f.span));
  }
}

export class CodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL],
  };

  constructor(private readonly live: LiveAnalysis) {}

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    const r = this.live.current(doc);
    if (!r) return [];
    const out: vscode.CodeAction[] = [];
    const wantsFixAll = ctx.only && (FIX_ALL.contains(ctx.only) || ctx.only.contains(FIX_ALL));
    if (wantsFixAll) {
      const all = fixAllAction(r.findings);
      if (all) out.push(this.toAction(doc, r.text, all));
      return out;
    }
    if (ctx.only && !ctx.only.contains(vscode.CodeActionKind.QuickFix) && !vscode.CodeActionKind.QuickFix.contains(ctx.only)) return out;
    const here = this.live.findingsIn(doc, range);
    for (const a of actionsFor(here, r.text)) out.push(this.toAction(doc, r.text, a, ctx));
    return out;
  }

  private toAction(doc: vscode.TextDocument, text: string, a: ActionData, ctx?: vscode.CodeActionContext): vscode.CodeAction {
    const kind = a.kind === FIX_ALL_KIND ? FIX_ALL : vscode.CodeActionKind.QuickFix;
    const action = new vscode.CodeAction(a.title, kind);
    if (a.isPreferred) action.isPreferred = true;
    action.diagnostics = matchingDiagnostics(a.findings, ctx);
    if (a.edits?.length) {
      const edit = new vscode.WorkspaceEdit();
      const pos = positionsIn(text);
      edit.set(
        doc.uri,
        a.edits.map((e: EditData) => {
          const range = new vscode.Range(pos(e.start), pos(e.end));
          return e.snippet ? new vscode.SnippetTextEdit(range, new vscode.SnippetString(e.newText)) : new vscode.TextEdit(range, e.newText);
        }),
      );
      // The offsets refer to the analysed text: apply only while the document still holds it.
      action.edit = doc.getText() === text ? edit : undefined;
      if (!action.edit) action.disabled = { reason: 'The file changed since it was analysed; try again in a moment.' };
    }
    if (a.command) action.command = a.command;
    return action;
  }
}

/** Line/character of a UTF-16 offset in text (the analysed text, not the live document). */
export function positionsIn(text: string): (offset: number) => vscode.Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return new vscode.Position(lo, offset - starts[lo]!);
  };
}

function matchingDiagnostics(findings: readonly Finding[], ctx?: vscode.CodeActionContext): vscode.Diagnostic[] | undefined {
  if (!ctx) return undefined;
  const out = ctx.diagnostics.filter((d) =>
    findings.some(
      (f) =>
        d.source === 'gopitfalls' &&
        (typeof d.code === 'object' ? String(d.code.value) : String(d.code)) === f.ruleId &&
        d.range.start.line === f.span.start.line &&
        d.range.start.character === f.span.start.character,
    ),
  );
  return out.length ? out : undefined;
}

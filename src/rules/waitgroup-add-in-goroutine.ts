import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { PKG } from '../core/semantic/imports';
import { callArgs, enclosingFunction, field, indentAt, lineStartOffset, namedChildren, selectorCall, statementsOf, unparen, walk, within } from '../core/semantic/nodes';
import { isNamedOrPointer } from '../core/semantic/types';
import { deleteRange } from '../core/edits';
import type { Fix } from '../core/types';

/**
 * `wg.Add` inside the goroutine it counts: Wait can run before the Add and return early.
 * Goes beyond go vet's waitgroup (which looks only at the literal's first statement) to any Add in the
 * literal, but keeps its precision with two conditions: the receiver must be a sync.WaitGroup by its
 * declaration (or be waited on with .Wait() by the function that starts the goroutine), and a goroutine
 * that starts goroutines of its own after the Add is counting for them, which is correct.
 */
export default defineRule({
  id: 'waitgroup-add-in-goroutine',
  // Visits go statements only.
  needs: ['go'],
  requiresImport: [PKG.sync],
  visit: {
    go_statement(goStmt, ctx) {
      const call = goStmt.namedChild(0);
      if (!call || call.type !== 'call_expression') return;
      const callee = unparen(field(call, 'function')!);
      if (callee.type === 'func_literal') checkLiteral(goStmt, call, callee, ctx);
      else if (callee.type === 'identifier') checkNamedWorker(goStmt, call, callee, ctx);
    },
  },
});

function checkLiteral(goStmt: Node, call: Node, lit: Node, ctx: RuleContext): void {
  const body = field(lit, 'body');
  if (!body) return;
  const adds: Node[] = [];
  const gos: Node[] = [];
  walk(body, (n) => {
    if (n.type === 'func_literal') return false;
    if (n.type === 'go_statement') gos.push(n);
    if (n.type === 'call_expression' && selectorCall(n)?.name === 'Add') adds.push(n);
    return true;
  });
  for (const add of adds) {
    // A goroutine that starts goroutines after this Add counts for them: that is the correct order.
    if (gos.some((g) => g.startIndex > add.endIndex)) continue;
    const recv = selectorCall(add)!.operand;
    if (!isWaitGroup(recv, goStmt, ctx)) continue;
    ctx.report({
      node: add,
      message: `${recv.text}.Add called inside the goroutine it counts; Wait may return before it runs`,
      related: [{ node: goStmt, message: 'the goroutine is started here; call Add before this statement' }],
      fixes: fixes(goStmt, call, lit, add, ctx),
    });
  }
}

/** `go worker(&wg)` where worker (same package) calls Add on that parameter. */
function checkNamedWorker(goStmt: Node, call: Node, callee: Node, ctx: RuleContext): void {
  const local = ctx.sem.resolve(callee);
  if (local && local.kind !== 'func') return;
  const info = ctx.sem.index.funcs.get(callee.text);
  if (!info) return;
  callArgs(call).forEach((_arg, i) => {
    const p = info.params[i];
    if (!p || !isNamedOrPointer(p.type, PKG.sync, 'WaitGroup') || !p.paramCalls.includes('Add')) return;
    if (p.startsGoroutines) return;
    ctx.report({
      node: call,
      message: `${callee.text} calls ${p.name}.Add inside the goroutine it counts; Wait may return before it runs`,
      related: [],
    });
  });
}

function isWaitGroup(recv: Node, goStmt: Node, ctx: RuleContext): boolean {
  const t = ctx.sem.typeOf(recv);
  if (t) return isNamedOrPointer(t, PKG.sync, 'WaitGroup');
  // Type unknown (e.g. a field of a type from another package): accept when the function that starts
  // the goroutine waits on the same receiver.
  const fn = enclosingFunction(goStmt);
  if (!fn) return false;
  let waits = false;
  walk(fn, (n) => {
    if (waits || (n.type === 'go_statement' && n.id === goStmt.id)) return false;
    const sc = selectorCall(n);
    if (sc?.name === 'Wait' && sc.operand.text === recv.text) waits = true;
    return !waits;
  });
  return waits;
}

function fixes(goStmt: Node, call: Node, lit: Node, add: Node, ctx: RuleContext): Fix[] {
  const out: Fix[] = [];
  const text = ctx.file.text;
  const stmt = add.parent;
  const body = field(lit, 'body')!;
  const stmts = statementsOf(body);
  if (!stmt || stmt.type !== 'expression_statement' || !stmts.some((s) => s.id === stmt.id)) return out;
  const outer = outerText(add, call, lit, ctx);
  const goLineStart = lineStartOffset(text, goStmt.startIndex);
  if (outer === undefined || text.slice(goLineStart, goStmt.startIndex).trim() !== '') return out;
  const indent = indentAt(text, goStmt.startIndex);
  out.push({
    title: `Move ${outer}.Add before the go statement`,
    safety: 'safe',
    edits: [{ start: goLineStart, end: goLineStart, newText: `${indent}${outer}${add.text.slice(selectorCall(add)!.operand.text.length)}\n` }, deleteRange(text, stmt.startIndex, stmt.endIndex)],
  });
  // wg.Go (Go 1.25): `go func() { wg.Add(1); defer wg.Done(); … }()` → `wg.Go(func() { … })`.
  const recv = selectorCall(add)!.operand.text;
  const next = stmts[1];
  const v = ctx.file.goVersion;
  if (
    v !== undefined && v >= 25 && stmts[0]?.id === stmt.id && outer === recv &&
    /^\.Add\(\s*1\s*\)$/.test(add.text.slice(recv.length)) &&
    namedChildren(field(lit, 'parameters')).length === 0 && callArgs(call).length === 0 &&
    next?.type === 'defer_statement' && next.namedChild(0)?.text === `${recv}.Done()`
  ) {
    out.push({
      title: `Use ${recv}.Go instead of Add, Done and go`,
      safety: 'safe',
      edits: [
        { start: goStmt.startIndex, end: lit.startIndex, newText: `${recv}.Go(` },
        deleteRange(text, stmt.startIndex, stmt.endIndex),
        deleteRange(text, next.startIndex, next.endIndex),
        { start: lit.endIndex, end: call.endIndex, newText: ')' },
      ],
    });
  }
  return out;
}

/**
 * The receiver as written outside the goroutine: the same text when it is not declared inside the
 * literal, or the caller's argument when it is one of the literal's parameters (`func(wg *sync.WaitGroup)
 * {…}(&wg)` → wg). Undefined when the Add's arguments use the literal's own variables.
 */
function outerText(add: Node, call: Node, lit: Node, ctx: RuleContext): string | undefined {
  const args = field(add, 'arguments')!;
  let local = false;
  walk(args, (n) => {
    if (n.type === 'identifier') {
      const d = ctx.sem.resolve(n);
      if (d && within(d.nameNode, lit)) local = true;
    }
    return !local;
  });
  if (local) return undefined;
  const recv = selectorCall(add)!.operand;
  const root = recv.type === 'identifier' ? recv : recv.type === 'selector_expression' ? leftmost(recv) : undefined;
  if (!root) return undefined;
  const d = ctx.sem.resolve(root);
  if (!d || !within(d.nameNode, lit)) return recv.text;
  if (d.kind !== 'param' || root.id !== recv.id) return undefined;
  const params = namedChildren(field(lit, 'parameters')).flatMap((p) => p.childrenForFieldName('name'));
  const i = params.findIndex((p) => p?.id === d.nameNode.id);
  const arg = callArgs(call)[i];
  if (!arg) return undefined;
  const a = unparen(arg);
  if (a.type === 'unary_expression' && a.child(0)?.type === '&') return field(a, 'operand')?.text;
  return a.type === 'identifier' ? a.text : undefined;
}

function leftmost(sel: Node): Node | undefined {
  let n: Node | null = sel;
  while (n && n.type === 'selector_expression') n = field(n, 'operand');
  return n?.type === 'identifier' ? n : undefined;
}

import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { PKG } from '../core/semantic/imports';
import { callArgs, enclosingFunction, enclosingLoop, field, FUNCTION_TYPES, indentAt, lineStartOffset, selectorCall, statementsOf, unparen, walk, within } from '../core/semantic/nodes';
import { isNamedOrPointer } from '../core/semantic/types';
import { deleteRange } from '../core/edits';
import type { Fix } from '../core/types';

/**
 * WaitGroup.Done used so that the count cannot come out right:
 * - skipped: a goroutine (a `go func(){…}` literal, or a function with a WaitGroup parameter) calls
 *   `wg.Done()` as a plain statement after a `return` that leaves without any Done; Wait blocks forever;
 * - twice: the same goroutine also defers `wg.Done()`; the counter goes negative, which panics;
 * - deferred by the waiter: `defer wg.Done()` in the function that then calls `wg.Wait()`; Wait cannot
 *   return while that Done is pending.
 * A Done inside a loop of the goroutine (one Done per item) is not judged.
 */
export default defineRule({
  id: 'waitgroup-done-misuse',
  requiresImport: [PKG.sync],
  callees: ['Done'],
  visit: {
    call_expression(call, ctx) {
      const sc = selectorCall(call);
      if (!sc || sc.name !== 'Done' || callArgs(call).length !== 0) return;
      const stmt = call.parent;
      if (!stmt) return;
      const fn = enclosingFunction(call);
      if (!fn) return;
      if (stmt.type === 'defer_statement') checkDeferredInWaiter(call, stmt, sc.operand, fn, ctx);
      else if (stmt.type === 'expression_statement') checkPlain(call, stmt, sc.operand, fn, ctx);
    },
  },
});

/** The function is a goroutine's body: a `go func(){…}()` literal, or a declaration with the WaitGroup as a parameter. */
function goroutineBody(fn: Node, recv: Node, ctx: RuleContext): boolean {
  if (fn.type === 'func_literal') {
    const call = fn.parent?.type === 'call_expression' ? fn.parent : null;
    return !!call && call.parent?.type === 'go_statement' && unparen(field(call, 'function')!).id === fn.id;
  }
  if (recv.type !== 'identifier') return false;
  const d = ctx.sem.resolve(recv);
  return d?.kind === 'param';
}

function checkPlain(call: Node, stmt: Node, recv: Node, fn: Node, ctx: RuleContext): void {
  if (!goroutineBody(fn, recv, ctx) || !isWaitGroup(recv, fn, ctx)) return;
  const body = field(fn, 'body');
  if (!body) return;
  const name = recv.text;
  // Also deferred in the same goroutine: two Done calls for one Add.
  const deferred = findDeferredDone(body, name);
  if (deferred) {
    ctx.report({
      node: call,
      message: `${name}.Done is called here and also deferred in the same goroutine; the second Done drives the counter below zero, which panics`,
      related: [{ node: deferred, message: 'the deferred Done' }],
    });
    return;
  }
  if (enclosingLoop(call)) return; // one Done per item: a counting scheme this rule does not judge
  const skipping = earlyReturns(body, call).find((r) => !doneBefore(r, body, name));
  if (!skipping) return;
  ctx.report({
    node: call,
    message: `${name}.Done is skipped by an earlier return, and ${name}.Wait then blocks forever; defer it at the top instead`,
    related: [{ node: skipping, message: 'this return leaves without calling Done' }],
    fixes: deferFix(call, stmt, body, ctx),
  });
}

/** `defer wg.Done()` followed by `wg.Wait()` in the same function: Wait waits for this very Done. */
function checkDeferredInWaiter(call: Node, deferStmt: Node, recv: Node, fn: Node, ctx: RuleContext): void {
  const list = deferStmt.parent;
  if (!list) return;
  const name = recv.text;
  let wait: Node | undefined;
  walk(list, (n) => {
    if (wait) return false;
    if (n.startIndex < deferStmt.endIndex && n.endIndex <= deferStmt.endIndex) return false;
    if (FUNCTION_TYPES.has(n.type)) return false;
    if (n.type === 'go_statement' || n.type === 'defer_statement') return false;
    const sc = selectorCall(n);
    if (sc && sc.name === 'Wait' && sc.operand.text === name && callArgs(n).length === 0 && n.startIndex > deferStmt.endIndex) wait = n;
    return true;
  });
  if (!wait) return;
  const t = ctx.sem.typeOf(recv);
  if (t ? !isNamedOrPointer(t, PKG.sync, 'WaitGroup') : !callsOn(fn, name, 'Add')) return;
  ctx.report({
    node: call,
    message: `${name}.Done is deferred in the function that waits on ${name}; Wait cannot return while this Done is pending`,
    related: [{ node: wait, message: `${name}.Wait runs before the deferred Done` }],
  });
}

function isWaitGroup(recv: Node, fn: Node, ctx: RuleContext): boolean {
  const t = ctx.sem.typeOf(recv);
  if (t) return isNamedOrPointer(t, PKG.sync, 'WaitGroup');
  // Type unknown: accept when the function that starts the goroutine calls Add or Wait on it.
  if (fn.type !== 'func_literal') return false;
  const outer = enclosingFunction(fn);
  return !!outer && (callsOn(outer, recv.text, 'Wait') || callsOn(outer, recv.text, 'Add'));
}

function callsOn(fn: Node, recv: string, method: string): boolean {
  let found = false;
  walk(fn, (n) => {
    if (found) return false;
    const sc = selectorCall(n);
    if (sc && sc.name === method && sc.operand.text === recv) found = true;
    return !found;
  });
  return found;
}

/** A `defer X.Done()` or `defer func(){ … X.Done() … }()` in body, outside other func literals. */
function findDeferredDone(body: Node, recv: string): Node | undefined {
  let out: Node | undefined;
  walk(body, (n) => {
    if (out || n.type === 'func_literal') return false;
    if (n.type === 'defer_statement') {
      const c = n.namedChild(0);
      if (c && (isDone(c, recv) || (c.type === 'call_expression' && field(c, 'function')?.type === 'func_literal' && containsDone(field(c, 'function')!, recv, true)))) out = n;
      return false;
    }
    return true;
  });
  return out;
}

function isDone(n: Node, recv: string): boolean {
  const sc = selectorCall(n);
  return !!sc && sc.name === 'Done' && sc.operand.text === recv && callArgs(n).length === 0;
}

function containsDone(node: Node, recv: string, intoLiteral = false): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (n.type === 'func_literal' && !(intoLiteral && n.id === node.id)) return false;
    if (isDone(n, recv)) found = true;
    return !found;
  });
  return found;
}

/** Return statements of body (outside nested func literals) that come before the Done. */
function earlyReturns(body: Node, done: Node): Node[] {
  const out: Node[] = [];
  walk(body, (n) => {
    if (n.startIndex >= done.startIndex) return false;
    if (n.type === 'func_literal') return false;
    if (n.type === 'return_statement') out.push(n);
    return true;
  });
  return out;
}

/** Some statement before r on its way up to body calls X.Done (the hand-written Done-then-return). */
function doneBefore(r: Node, body: Node, recv: string): boolean {
  for (let cur: Node = r, p = r.parent; p && within(p, body); cur = p, p = p.parent) {
    for (let c = p.firstNamedChild; c && c.endIndex <= cur.startIndex; c = c.nextNamedSibling) {
      if (containsDone(c, recv)) return true;
    }
    if (p.id === body.id) break;
  }
  return false;
}

/**
 * The Done is the last statement of the goroutine and nothing else is deferred there: `defer X.Done()`
 * as the first statement runs at the same point on the normal path and on every early return too.
 */
function deferFix(call: Node, stmt: Node, body: Node, ctx: RuleContext): Fix[] {
  const stmts = statementsOf(body);
  if (stmts[stmts.length - 1]?.id !== stmt.id || stmts.length < 2) return [];
  let otherDefer = false;
  walk(body, (n) => {
    if (otherDefer || n.type === 'func_literal') return false;
    if (n.type === 'defer_statement') otherDefer = true;
    return !otherDefer;
  });
  if (otherDefer) return [];
  const text = ctx.file.text;
  const first = stmts[0]!;
  if (text.slice(lineStartOffset(text, first.startIndex), first.startIndex).trim() !== '') return [];
  return [{
    title: `Defer ${call.text} at the top of the goroutine`,
    safety: 'safe',
    edits: [
      { start: first.startIndex, end: first.startIndex, newText: `defer ${call.text}\n${indentAt(text, first.startIndex)}` },
      deleteRange(text, stmt.startIndex, stmt.endIndex),
    ],
  }];
}

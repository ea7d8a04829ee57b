import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import type { GoType } from '../core/semantic/types';
import { callArgs, field, FUNCTION_TYPES, selectorCall, statementsOf, unparen, walk } from '../core/semantic/nodes';

/**
 * `c.Wait()` on a sync.Cond whose only guard is an `if`: the statement is in the then-branch of an if
 * statement, and no for loop lies between it and its function. After Wait returns, the condition the if
 * tested may be false again (another goroutine took the lock first, or Broadcast woke several waiters).
 * A Wait with no if and no loop around it is not judged (it may be a deliberate "wait for the next
 * broadcast"); neither is a Wait in an else branch or a switch case.
 */
export default defineRule({
  id: 'cond-wait-without-loop',
  requiresImport: ['sync'],
  callees: ['Wait'],
  visit: {
    call_expression(call, ctx) {
      const sc = selectorCall(call);
      if (!sc || sc.name !== 'Wait' || callArgs(call).length !== 0) return;
      if (call.parent?.type !== 'expression_statement') return;
      if (!isCond(sc.operand, ctx)) return;
      const guard = ifGuard(call.parent);
      if (!guard) return;
      ctx.report({
        node: call,
        message: `${sc.operand.text}.Wait() is guarded by an if, not a for loop: when Wait returns the condition may be false again, so re-check it in a loop`,
        related: [{ node: guard, message: 'the condition is tested once here; make this if a for loop' }],
        fixes: loopFix(guard, call.parent),
      });
    },
  },
});

function isCondType(t: GoType | undefined): boolean {
  if (t?.k === 'pointer') t = t.elem;
  return t?.k === 'named' && t.pkg === 'sync' && t.name === 'Cond';
}

/** A *sync.Cond or sync.Cond value: by its declared type, or a variable initialised from sync.NewCond. */
function isCond(operand: Node, ctx: RuleContext): boolean {
  const e = unparen(operand);
  if (isCondType(ctx.sem.typeOf(e))) return true;
  if (e.type !== 'identifier') return false;
  const d = ctx.sem.resolve(e);
  const v = d?.valueNode ? unparen(d.valueNode) : null;
  return !!v && ctx.sem.packageCall(v, 'sync') === 'NewCond';
}

/** The if statement whose then-branch holds stmt, when no loop (or function) lies between them. */
function ifGuard(stmt: Node): Node | null {
  let guard: Node | null = null;
  let child = stmt;
  for (let p = stmt.parent; p; child = p, p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return guard;
    if (p.type === 'for_statement') return null;
    if (p.type === 'if_statement' && !guard) {
      if (field(p, 'consequence')?.id !== child.id) return null; // else branch: not judged
      guard = p;
    }
  }
  return null;
}

/**
 * `if cond {` → `for cond {` when the then-branch is the Wait alone, the if has no init statement and
 * no else: the loop then re-tests exactly what the if tested, under the lock Wait re-acquired.
 */
function loopFix(guard: Node, waitStmt: Node) {
  if (field(guard, 'initializer') || field(guard, 'alternative')) return [];
  const body = statementsOf(field(guard, 'consequence'));
  if (body.length !== 1 || body[0]!.id !== waitStmt.id) return [];
  const kw = guard.child(0);
  if (kw?.type !== 'if') return [];
  // Re-evaluating a condition that calls something (other than len/cap) may repeat a side effect.
  const safety = callsOnlyLenCap(field(guard, 'condition')) ? ('safe' as const) : ('unsafe' as const);
  return [{ title: 'Re-check the condition in a for loop around Wait', safety, edits: [{ start: kw.startIndex, end: kw.endIndex, newText: 'for' }] }];
}

function callsOnlyLenCap(cond: Node | null): boolean {
  if (!cond) return false;
  let ok = true;
  walk(cond, (n) => {
    if (!ok) return false;
    if (n.type === 'call_expression') {
      const f = field(n, 'function');
      if (!(f?.type === 'identifier' && (f.text === 'len' || f.text === 'cap'))) ok = false;
    }
    return ok;
  });
  return ok;
}

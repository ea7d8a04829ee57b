import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { PKG } from '../core/semantic/imports';
import { callArgs, field, namedChildren, unparen } from '../core/semantic/nodes';
import type { Fix } from '../core/types';

const ADDS = new Set(['AddInt32', 'AddInt64', 'AddUint32', 'AddUint64', 'AddUintptr']);

/**
 * `x = atomic.AddInt64(&x, 1)`: the atomic add is followed by a plain write of the same variable
 * (go vet atomic). Matches `&E` with E on the left, or `P` with `*P` on the left, by text; `x := …`
 * counts only when it reuses an existing x.
 */
export default defineRule({
  id: 'atomic-self-assignment',
  // Only `x = atomic.AddT(&x, …)` (also dot-imported) is judged.
  needs: [...ADDS],
  requiresImport: [PKG.atomic],
  visit: {
    assignment_statement: (n, ctx) => {
      if (n.child(1)?.type === '=') check(n, ctx);
    },
    short_var_declaration: (n, ctx) => check(n, ctx),
  },
});

function check(stmt: Node, ctx: RuleContext): void {
  const left = namedChildren(field(stmt, 'left'));
  const right = namedChildren(field(stmt, 'right'));
  if (left.length !== right.length) return;
  right.forEach((r, i) => {
    const call = unparen(r);
    const name = ctx.sem.packageCall(call, PKG.atomic);
    if (!name || !ADDS.has(name)) return;
    const addr = callArgs(call)[0];
    const lhs = left[i]!;
    if (!addr || !sameTarget(lhs, unparen(addr))) return;
    if (stmt.type === 'short_var_declaration') {
      const d = lhs.type === 'identifier' ? ctx.sem.resolve(lhs) : undefined;
      if (!d || d.nameNode.startIndex === lhs.startIndex) return; // a new variable, not an assignment
    }
    ctx.report({
      node: stmt,
      message: `${lhs.text} is assigned the result of atomic.${name} on itself: the plain write races with other atomic updates`,
      fixes: left.length === 1 && stmt.type === 'assignment_statement' ? [dropAssignment(stmt, r)] : [],
    });
  });
}

/** `&E` on the right and `E` on the left, or `P` on the right and `*P` on the left. */
function sameTarget(lhs: Node, addr: Node): boolean {
  if (addr.type === 'unary_expression' && addr.child(0)?.type === '&') return field(addr, 'operand')?.text === lhs.text;
  const l = unparen(lhs);
  return l.type === 'unary_expression' && l.child(0)?.type === '*' && field(l, 'operand')?.text === addr.text;
}

function dropAssignment(stmt: Node, call: Node): Fix {
  return {
    title: 'Keep the atomic call and drop the assignment',
    safety: 'safe',
    edits: [{ start: stmt.startIndex, end: call.startIndex, newText: '' }],
  };
}

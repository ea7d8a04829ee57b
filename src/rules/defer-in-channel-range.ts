import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { FUNCTION_TYPES, field, namedChildren } from '../core/semantic/nodes';

/**
 * A defer inside `for v := range ch` over a channel (staticcheck SA9001): the loop ends only when the
 * channel is closed, so every deferred Close/Unlock waits for that, one per received value.
 */
export default defineRule({
  id: 'defer-in-channel-range',
  // Visits defer statements only.
  needs: ['defer'],
  visit: {
    defer_statement(def, ctx) {
      for (let p = def.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) {
        if (p.type !== 'for_statement') continue;
        const rc = namedChildren(p).find((c) => c.type === 'range_clause');
        const over = rc ? field(rc, 'right') : null;
        if (over && rangesOverChannel(over, ctx)) {
          ctx.report({
            node: def,
            message: 'defer inside a range over a channel: it runs only when the function returns, after the channel is closed; one is kept per received value',
            related: [{ node: p, message: 'this loop ends only when the channel is closed' }],
          });
        }
        return; // only the innermost loop
      }
    },
  },
});

function rangesOverChannel(expr: Node, ctx: RuleContext): boolean {
  const t = ctx.sem.typeOf(expr);
  if (t?.k === 'chan') return true;
  // A type parameter constrained to a channel type: `func f[T chan int]()`.
  if (t?.k === 'named' && t.pkg === '') {
    let fn: Node | null = expr.parent;
    while (fn && !FUNCTION_TYPES.has(fn.type)) fn = fn.parent;
    const tps = fn ? field(fn, 'type_parameters') : null;
    for (const d of namedChildren(tps)) {
      const names = d.childrenForFieldName('name').map((n) => n?.text);
      const constraint = field(d, 'type');
      const c = constraint?.type === 'type_constraint' ? constraint.namedChild(0) : constraint;
      if (names.includes(t.name) && c?.type === 'channel_type') return true;
    }
  }
  return false;
}

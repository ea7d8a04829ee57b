import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule } from '../core/rule';
import { isEndless } from '../core/semantic/flow';
import { FUNCTION_TYPES, field, walk } from '../core/semantic/nodes';

/**
 * A defer inside an endless `for {}` that nothing leaves (staticcheck SA5003): the deferred calls
 * never run and pile up. Like staticcheck, any break or return inside the loop (outside nested
 * function literals) counts as a way out, even a break of an inner loop.
 */
export default defineRule({
  id: 'defer-in-endless-loop',
  // Visits defer statements only.
  needs: ['defer'],
  visit: {
    defer_statement(def, ctx) {
      for (let p = def.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) {
        if (p.type === 'for_statement' && isEndless(p) && !hasExit(p)) {
          ctx.report({
            node: def,
            message: 'defer inside an endless loop: the function never returns, so this deferred call never runs and one is kept per iteration',
            related: [{ node: p, message: 'this loop never exits' }],
          });
          return;
        }
      }
    },
  },
});

function hasExit(loop: Node): boolean {
  let exit = false;
  walk(field(loop, 'body') ?? loop, (n) => {
    if (n.type === 'func_literal') return false;
    if (n.type === 'break_statement' || n.type === 'return_statement' || n.type === 'goto_statement') exit = true;
    return !exit;
  });
  return exit;
}

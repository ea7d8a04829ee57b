import { defineRule } from '../core/rule';
import { enclosingLoop, field, namedChildren, statementsOf } from '../core/semantic/nodes';

/**
 * An empty `default:` in a select inside a loop (staticcheck SA5004): the select never blocks, so the
 * loop spins on the CPU between events instead of waiting for one.
 */
export default defineRule({
  id: 'select-default-busy-loop',
  // Visits default cases only.
  needs: ['default'],
  visit: {
    default_case(def, ctx) {
      const select = def.parent;
      if (select?.type !== 'select_statement' || statementsOf(def).length > 0) return;
      const loop = enclosingLoop(select);
      // `for { select { case <-ctx.Done(): return; default: }; work() }` is the cancellation-check
      // idiom: the loop does its work after the select. It spins only when the select is the whole body.
      const body = loop && field(loop, 'body');
      const stmts = body ? statementsOf(body) : [];
      if (!loop || stmts.length !== 1 || stmts[0]!.id !== select.id) return;
      // A range loop waits on its channel each pass (or ends with its collection): not a spin.
      if (namedChildren(loop).some((c) => c.type === 'range_clause')) return;
      ctx.report({
        node: def.child(0) ?? def,
        message: 'empty default in a select inside a loop: the select never blocks, so the loop spins on the CPU while it waits',
        related: [{ node: loop, message: 'the loop that spins' }],
      });
    },
  },
});


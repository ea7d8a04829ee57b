import { defineRule } from '../core/rule';
import { field, namedChildren, statementsOf, unparen } from '../core/semantic/nodes';

/**
 * A `for` loop with an empty body whose condition cannot change on its own: none, a constant, or a
 * plain variable (staticcheck SA5002). It spins a CPU at 100% and, with a variable, waits for a write
 * that no synchronisation makes visible. A condition that calls a function is not judged.
 */
export default defineRule({
  id: 'busy-wait-spin-loop',
  // Visits for statements only.
  needs: ['for'],
  visit: {
    for_statement(loop, ctx) {
      const body = field(loop, 'body');
      // A comment inside does not stop the spin.
      if (!body || statementsOf(body).length > 0) return;
      const header = namedChildren(loop).filter((c) => c.type !== 'block' && c.type !== 'comment');
      if (header.some((c) => c.type === 'for_clause' || c.type === 'range_clause')) return;
      const cond = header[0] ? unparen(header[0]) : null;
      if (cond && !['true', 'false', 'identifier'].includes(cond.type)) return;
      // `false` never runs — unless a variable named false shadows the constant (it still parses as `false`).
      if (cond?.type === 'false' && !ctx.sem.resolve(cond)) return;
      ctx.report({
        node: loop.child(0)!,
        message: cond
          ? `this loop spins on ${cond.text}, which nothing in the loop changes: it burns a CPU and, without synchronisation, may never see another goroutine's write`
          : 'this empty loop spins forever, burning a CPU',
      });
    },
  },
});

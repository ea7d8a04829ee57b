import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { walkLocks } from '../core/semantic/lock-state';
import { field } from '../core/semantic/nodes';

/**
 * The same mutex locked twice on a path inside one function, with no unlock in between: Lock after
 * Lock, RLock after Lock, Lock after RLock (an "upgrade"), or RLock after RLock. Go's mutexes are not
 * reentrant, so the second call blocks forever (RLock after RLock only once a writer queues). The lock
 * must be held on every path that reaches the second call (see lock-state.ts), and the receiver text
 * must be the same.
 */
export default defineRule({
  id: 'recursive-lock',
  // Every lock it follows is an `x.Lock()` or `x.RLock()` call.
  needs: ['Lock', 'RLock'],
  visit: {
    function_declaration: (fn, ctx) => check(fn, ctx),
    method_declaration: (fn, ctx) => check(fn, ctx),
    func_literal: (fn, ctx) => check(fn, ctx),
  },
});

function check(fn: Node, ctx: RuleContext): void {
  const body = field(fn, 'body');
  if (!body || !/\bR?Lock\(\)/.test(body.text)) return;
  walkLocks(body, ctx.sem, {
    onLock(lock, prev) {
      if (!prev) return;
      const why =
        prev.method === 'RLock' && lock.method === 'RLock'
          ? 'a second RLock blocks once a writer is waiting, and the writer waits for the first: deadlock'
          : prev.method === 'RLock'
            ? 'Lock waits for every reader, including this one: deadlock (RWMutex cannot be upgraded)'
            : 'sync mutexes are not reentrant: this call blocks forever';
      ctx.report({
        node: lock.stmt,
        message: `${lock.recv}.${lock.method}() while this function already holds ${lock.recv} (${prev.method} above, not released since); ${why}`,
        related: [{ node: prev.stmt, message: `${lock.recv} locked here and not released before the second call` }],
      });
    },
  });
}

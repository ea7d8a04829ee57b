import { defineRule } from '../core/rule';
import { isLockReceiver, lockCall, UNLOCK_OF } from '../core/semantic/locks';
import { field, statementPairs } from '../core/semantic/nodes';

/**
 * `mu.Lock()` followed by `defer mu.Lock()` (or RLock, defer RLock): almost certainly a typo for
 * `defer mu.Unlock()` (staticcheck SA2003). The deferred call would block forever on the lock this
 * function still holds.
 */
export default defineRule({
  id: 'deferred-lock-after-lock',
  // Every lock it follows is an `x.Lock()` or `x.RLock()` call.
  needs: ['Lock', 'RLock'],
  visit: {
    statement_list(list, ctx) {
      for (const [a, b] of statementPairs(list)) {
        if (a.type !== 'expression_statement' || b.type !== 'defer_statement') continue;
        const lock = lockCall(a);
        const deferred = lockCall(b);
        if (!lock || !deferred || !UNLOCK_OF[lock.method] || deferred.method !== lock.method || lock.recv.text !== deferred.recv.text) continue;
        if (!isLockReceiver(lock.recv, ctx.sem)) continue;
        const name = field(field(deferred.call, 'function')!, 'field')!;
        const unlock = UNLOCK_OF[lock.method]!;
        ctx.report({
          node: b,
          message: `defer ${lock.recv.text}.${lock.method}() right after locking it: the deferred call blocks forever; did you mean defer ${lock.recv.text}.${unlock}()?`,
          related: [{ node: a, message: 'locked here' }],
          fixes: [{ title: `Defer ${unlock} instead`, safety: 'safe', edits: [{ start: name.startIndex, end: name.endIndex, newText: unlock }] }],
        });
      }
    },
  },
});

import { defineRule } from '../core/rule';
import { isLockReceiver, lockCall, UNLOCK_OF } from '../core/semantic/locks';
import { statementPairs } from '../core/semantic/nodes';

/**
 * `mu.Lock()` immediately followed by `mu.Unlock()` (or RLock/RUnlock) on the same receiver
 * (staticcheck SA2001). The receiver text must match exactly, and a package type whose Lock returns a
 * value is not a lock.
 */
export default defineRule({
  id: 'empty-critical-section',
  // Every lock it follows is an `x.Lock()` or `x.RLock()` call.
  needs: ['Lock', 'RLock'],
  visit: {
    statement_list(list, ctx) {
      for (const [a, b] of statementPairs(list)) {
        if (a.type !== 'expression_statement' || b.type !== 'expression_statement') continue;
        const lock = lockCall(a);
        const unlock = lockCall(b);
        if (!lock || !unlock || UNLOCK_OF[lock.method] !== unlock.method || lock.recv.text !== unlock.recv.text) continue;
        if (!isLockReceiver(lock.recv, ctx.sem)) continue;
        ctx.report({
          node: b,
          message: `empty critical section: ${lock.recv.text}.${unlock.method}() right after ${lock.recv.text}.${lock.method}() protects nothing`,
          related: [{ node: a, message: 'locked here' }],
        });
      }
    },
  },
});

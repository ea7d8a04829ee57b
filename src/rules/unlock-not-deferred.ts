import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { lockCall, UNLOCK_OF } from '../core/semantic/locks';
import { walkLocks, type Held } from '../core/semantic/lock-state';
import { field, indentAt, lineStartOffset, walk } from '../core/semantic/nodes';
import type { Fix } from '../core/types';

/**
 * A return reached with a mutex still held (locked on every path to it, no deferred unlock), in a
 * function that unlocks that mutex explicitly further down: the early return skips the unlock and
 * leaves the mutex locked for good. Functions that are meant to return holding the lock do not unlock
 * it after the return, and a mutex whose first lock operation in the function is an unlock is the
 * caller's (the function releases and re-takes it): both are left alone.
 */
export default defineRule({
  id: 'unlock-not-deferred',
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
  if (!body || !/\bR?Lock\(\)/.test(body.text) || !body.text.includes('return')) return;
  // Both walks of the body are needed only once a return is reached with a lock held.
  let ops: Map<string, Op[]> | undefined;
  let deferredUnlocks: Set<string> | undefined;
  walkLocks(body, ctx.sem, {
    onNode(node, held) {
      if (node.type !== 'return_statement') return;
      for (const h of held.values()) {
        if (h.deferred) continue;
        const mine = (ops ??= lockOps(body)).get(h.recv) ?? [];
        if (mine[0] && mine[0].method !== h.method) continue; // first op is an unlock: the caller's lock
        if ((deferredUnlocks ??= deferredUnlockReceivers(body)).has(h.recv)) continue; // a deferred unlock covers returns, re-locks in between or not
        const unlock = UNLOCK_OF[h.method]!;
        // The unlock must follow, in the lock's own statement list, the statement that contains the
        // return: then the normal path runs it and this return skips it. An unlock in a sibling branch
        // (another case of the same switch) is an alternative, not a later step.
        const step = stepContaining(node, h.stmt);
        if (!step) continue;
        const later = mine.find((o) => o.method === unlock && o.stmt.startIndex >= step.endIndex);
        if (!later) continue;
        ctx.report({
          node,
          message: `this return leaves ${h.recv} locked: it skips the ${h.recv}.${unlock}() below, and every later ${h.recv}.Lock() blocks forever`,
          related: [
            { node: h.stmt, message: `${h.recv} locked here` },
            { node: later.stmt, message: 'unlocked only here' },
          ],
          fixes: fix(node, h, unlock, ctx),
        });
      }
    },
  });
}

interface Op {
  method: string;
  stmt: Node;
}

/** Lock/Unlock statements per receiver, in source order, outside function literals. */
function lockOps(body: Node): Map<string, Op[]> {
  const out = new Map<string, Op[]>();
  walk(body, (n) => {
    if (n.type === 'func_literal') return false;
    if (n.type === 'expression_statement') {
      const lc = lockCall(n);
      if (lc && ['Lock', 'RLock', 'Unlock', 'RUnlock'].includes(lc.method)) {
        const list = out.get(lc.recv.text) ?? [];
        list.push({ method: lc.method, stmt: n });
        out.set(lc.recv.text, list);
      }
    }
    return true;
  });
  return out;
}

/**
 * "Unlock before returning": inserts `X.Unlock()` on its own line before the return, when the return's
 * values do not read through the lock's owner (they would then be read unlocked).
 */
function fix(ret: Node, h: Held, unlock: string, ctx: RuleContext): Fix[] {
  if (ret.parent?.type !== 'statement_list') return [];
  const owner = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(h.recv)?.[1];
  const values = ret.namedChild(0);
  if (values && owner && new RegExp(`\\b${owner}\\b`).test(values.text)) return [];
  const text = ctx.file.text;
  const start = lineStartOffset(text, ret.startIndex);
  if (text.slice(start, ret.startIndex).trim() !== '') return [];
  const indent = indentAt(text, ret.startIndex);
  return [{ title: `Call ${h.recv}.${unlock}() before returning`, safety: 'safe', edits: [{ start, end: start, newText: `${indent}${h.recv}.${unlock}()\n` }] }];
}

/** The statement of the lock's statement list that contains n, or null when n is not below that list. */
function stepContaining(n: Node, lockStmt: Node): Node | null {
  const list = lockStmt.parent;
  if (!list) return null;
  for (let c: Node | null = n; c; c = c.parent) {
    if (c.parent?.id === list.id) return c.startIndex > lockStmt.startIndex ? c : null;
    if (c.type === 'func_literal') return null;
  }
  return null;
}

/** Receivers unlocked by a defer anywhere in the function (`defer mu.Unlock()`, or in a deferred literal). */
function deferredUnlockReceivers(body: Node): Set<string> {
  const out = new Set<string>();
  walk(body, (n) => {
    if (n.type === 'func_literal' && n.parent?.parent?.type !== 'defer_statement') return false;
    if (n.type === 'defer_statement' || n.type === 'expression_statement') {
      const lc = lockCall(n);
      if (lc && (lc.method === 'Unlock' || lc.method === 'RUnlock') && (n.type === 'defer_statement' || insideDeferredLiteral(n))) out.add(lc.recv.text);
    }
    return true;
  });
  return out;
}

function insideDeferredLiteral(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'func_literal') return p.parent?.parent?.type === 'defer_statement';
  return false;
}

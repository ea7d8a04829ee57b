import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { eachNodeOutsideLiterals, walkLocks, type Held, type LockState } from '../core/semantic/lock-state';
import { lockCall } from '../core/semantic/locks';
import { callArgs, field, namedChildren, unparen } from '../core/semantic/nodes';

/**
 * A write to state of the struct that holds an RWMutex while the function holds only its read lock:
 * `c.f = v`, `c.m[k] = v`, `c.n++`, `delete(c.m, k)` under `c.mu.RLock()`. Conservative: the write must be
 * through the same root as the mutex (`c`), the read lock must be held on every path (lock-state.ts),
 * and no exclusive lock may be held at the same time (the write may be guarded by that one).
 */
export default defineRule({
  id: 'write-under-rlock',
  // It judges writes under an `x.RLock()` call only.
  needs: ['RLock'],
  visit: {
    function_declaration: (fn, ctx) => check(fn, ctx),
    method_declaration: (fn, ctx) => check(fn, ctx),
    func_literal: (fn, ctx) => check(fn, ctx),
  },
});

function check(fn: Node, ctx: RuleContext): void {
  const body = field(fn, 'body');
  if (!body || !body.text.includes('.RLock()')) return;
  const reported = new Set<number>();
  walkLocks(body, ctx.sem, {
    onNode(node, held) {
      const readers = readOnly(held);
      if (readers.length === 0) return;
      eachNodeOutsideLiterals(node, (n) => {
        for (const target of writeTargets(n)) {
          const h = readers.find((r) => rootedAt(target, owner(r, ctx)) && !(owner(r, ctx) !== r.recv && target.text.startsWith(r.recv)));
          if (!h || reported.has(n.id)) continue;
          reported.add(n.id);
          ctx.report({
            node: n,
            message: `${describe(n, target)} while only the read lock ${h.recv}.RLock() is held; other readers run at the same time, so this write races with them`,
            related: [{ node: h.stmt, message: 'read lock taken here' }],
          });
        }
      });
    },
  });
}

/** Read locks held, or none when an exclusive lock is also held. */
function readOnly(held: LockState): Held[] {
  const all = [...held.values()];
  if (all.some((h) => h.method === 'Lock')) return [];
  return all;
}

/**
 * The expression that owns the mutex: `c` for `c.mu`, and `c` itself for `c.RLock()` on a struct that
 * embeds it. Decided by the receiver's declared type when known, else by its name (`mu`, `lock`, …).
 */
function owner(h: Held, ctx: RuleContext): string {
  const recv = lockCall(h.stmt)?.recv;
  if (!recv || recv.type !== 'selector_expression') return h.recv;
  const operand = field(recv, 'operand')!.text;
  let t = ctx.sem.typeOf(recv);
  if (t?.k === 'pointer') t = t.elem;
  if (t) return t.k === 'named' && t.pkg === 'sync' ? operand : h.recv;
  return /(mu|mtx|mutex|lock|lck)$/i.test(field(recv, 'field')?.text ?? '') ? operand : h.recv;
}

/** Targets written by an assignment, `++`/`--`, or `delete(m, k)`. */
function writeTargets(n: Node): Node[] {
  if (n.type === 'assignment_statement') return namedChildren(field(n, 'left'));
  if (n.type === 'inc_statement' || n.type === 'dec_statement') {
    const t = n.namedChild(0);
    return t ? [t] : [];
  }
  if (n.type === 'call_expression') {
    const fn = field(n, 'function');
    if (fn?.type === 'identifier' && fn.text === 'delete') {
      const m = callArgs(n)[0];
      return m ? [m] : [];
    }
  }
  return [];
}

/** `c.f`, `c.f[k]`, `c.f.g`, `(*c).f` … whose selector/index chain starts at the owner's text. */
function rootedAt(target: Node, ownerText: string): boolean {
  let e = unparen(target);
  for (let i = 0; i < 12; i++) {
    if (e.type === 'selector_expression') {
      const op = field(e, 'operand');
      if (!op) return false;
      if (unparen(op).text === ownerText || (op.type === 'unary_expression' && field(op, 'operand')?.text === ownerText)) return true;
      e = unparen(op);
    } else if (e.type === 'index_expression') {
      const op = field(e, 'operand');
      if (!op) return false;
      e = unparen(op);
    } else return false;
  }
  return false;
}

function describe(n: Node, target: Node): string {
  if (n.type === 'call_expression') return `delete(${target.text}, …)`;
  if (n.type === 'inc_statement' || n.type === 'dec_statement') return `${n.text} writes ${target.text}`;
  return `assignment to ${target.text}`;
}

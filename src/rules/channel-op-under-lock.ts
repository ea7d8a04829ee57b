import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import type { FactFilter } from '../core/semantic/file';
import { lockCall } from '../core/semantic/locks';
import { walkLocks, type Held } from '../core/semantic/lock-state';
import { enclosingFunction, field, walk } from '../core/semantic/nodes';
import { ObjectMemo } from '../core/memo';

/**
 * A blocking channel send or receive made while holding a mutex, when the other side of that channel
 * (a function in the same file that receives from it, or sends to it) takes the same mutex: the
 * holder waits for the other side, and the other side can be waiting for the lock — a deadlock as soon
 * as the channel's buffer (if any) is full or empty.
 *
 * "The same" is by name, as far as one file can say without types: the channel by its field name
 * (`s.events` ↔ `c.events`) or, for a local variable, by its declaration; the mutex by its field name
 * (`s.mu` ↔ `c.mu`). The lock must be held on every path to the operation (lock-state.ts); operations
 * that are select cases are left out (the select may have a way out), and so is the code of function
 * literals, go statements and deferred calls at the holder's side.
 *
 * Plain "channel operation under a lock" without a counterpart that locks is not reported: on real code
 * it is mostly deliberate (buffers sized to never block, sends kept in lock order, a closed flag checked
 * under the same lock to make send and close safe), see the doc.
 */
export default defineRule({
  id: 'channel-op-under-lock',
  // Every lock it follows is an `x.Lock()` or `x.RLock()` call.
  needs: ['Lock', 'RLock'],
  applies: (ctx) => ctx.file.text.includes('<-'),
  visit: {
    // Each function (declaration, method or literal) on its own: an operation belongs to exactly one.
    function_declaration: checkFunction,
    method_declaration: checkFunction,
    func_literal: checkFunction,
  },
});

function checkFunction(fn: Node, ctx: RuleContext): void {
  const body = field(fn, 'body');
  if (!body || !/\bR?Lock\(\)/.test(body.text) || !body.text.includes('<-')) return;
  const fileOps = channelOps(ctx, { within: [fn.startIndex, fn.endIndex] });
  if (fileOps.length === 0) return;
  const seen = new Set<number>();
  walkLocks(body, ctx.sem, {
    onNode(node, held) {
      if (held.size === 0 || node.type === 'go_statement' || node.type === 'defer_statement') return;
      if (node.parent?.type === 'communication_case') return;
      for (const op of fileOps) {
        // Position first: it is a plain property; the others ask tree-sitter.
        if (!within(op.node, node) || seen.has(op.node.id) || !op.chan || op.inSelect || op.fn?.id !== fn.id || !op.key) continue;
        if ((op.send && drainedFirst(op, fn)) || assignedFirst(op, fn)) continue;
        for (const h of held.values()) {
          const other = counterpart(op, h, ctx);
          if (!other) continue;
          seen.add(op.node.id);
          const verb = op.send ? 'send on' : 'receive from';
          ctx.report({
            node: op.node,
            message: `${verb} ${op.chan.text} while holding ${h.recv}, and the ${op.send ? 'receiver' : 'sender'} takes ${lockCall(other.lock)?.recv.text ?? h.recv} too: each can wait for the other forever`,
            related: [
              { node: h.stmt, message: `${h.recv} locked here` },
              { node: other.op.node, message: `the other side of ${op.chan.text}` },
              { node: other.lock, message: 'which takes the same mutex' },
            ],
          });
          break;
        }
      }
    },
  });
}

/**
 * A send, receive or range over a channel. Everything but the node is worked out on first use and
 * remembered: the channel expression and its last name, whether it is a select case, the enclosing
 * function, the resolved key (a scope lookup) and, for a range, whether the operand is a channel at all.
 * Most operations of the file are never compared with anything, and the few that are, are compared by
 * name first.
 */
class ChanOp {
  private chanValue?: Node | null;
  private nameValue?: string | null;
  private inSelectValue?: boolean;
  private fnValue?: Node | null;
  private keyValue?: string | null;

  constructor(
    readonly node: Node,
    private readonly ctx: RuleContext,
  ) {}

  get send(): boolean {
    return this.node.type === 'send_statement';
  }

  get isRange(): boolean {
    return this.node.type === 'range_clause';
  }

  /** The channel expression, or null when the operation has none to compare. */
  get chan(): Node | null {
    if (this.chanValue === undefined) {
      const n = this.node;
      const c = n.type === 'send_statement' ? field(n, 'channel') : n.type === 'unary_expression' ? field(n, 'operand') : field(n, 'right');
      this.chanValue = c && this.nameOf(c) ? c : null;
    }
    return this.chanValue;
  }

  /** The channel's last name (`events` of `s.events`): equal keys imply equal names. */
  get name(): string | null {
    if (this.nameValue === undefined) this.nameValue = (this.chan && this.nameOf(this.chan)) ?? null;
    return this.nameValue;
  }

  get inSelect(): boolean {
    if (this.inSelectValue === undefined) {
      const n = this.node;
      this.inSelectValue = n.type === 'send_statement' ? n.parent?.type === 'communication_case' : n.type === 'unary_expression' ? isSelectCase(n) : false;
    }
    return this.inSelectValue;
  }

  get fn(): Node | null {
    if (this.fnValue === undefined) this.fnValue = enclosingFunction(this.node);
    return this.fnValue;
  }

  get key(): string | null {
    if (this.keyValue === undefined) {
      const chan = this.chan;
      this.keyValue = !chan || (this.isRange && this.ctx.sem.typeOf(chan)?.k !== 'chan') ? null : chanKey(chan, this.ctx);
    }
    return this.keyValue;
  }

  /** The operation's text mentions name (a cheap test before asking for the channel's name). */
  mentions(name: string): boolean {
    return this.node.text.includes(name);
  }

  private nameOf(chan: Node): string | undefined {
    return chan.type === 'selector_expression' ? field(chan, 'field')?.text : chan.type === 'identifier' ? chan.text : undefined;
  }
}

function within(n: Node, outer: Node): boolean {
  return outer.startIndex <= n.startIndex && n.endIndex <= outer.endIndex;
}

/** Per analysis: each operation's ChanOp by node id, and the lists asked for by filter. */
const opsMemo = new ObjectMemo<RuleContext, { byId: Map<number, ChanOp>; lists: Map<string, ChanOp[]> }>('chanOps');

/**
 * The sends, receives and ranges over a channel that pass filter (inside a function, or mentioning a
 * channel's name), in file order. Only those are materialised: the file's others are never compared.
 */
function channelOps(ctx: RuleContext, filter: FactFilter): ChanOp[] {
  let memo = opsMemo.get(ctx);
  if (!memo) opsMemo.set(ctx, (memo = { byId: new Map(), lists: new Map() }));
  const key = `${filter.mentions ?? ''}\0${filter.within?.join(',') ?? ''}`;
  let list = memo.lists.get(key);
  if (!list) {
    // In file order (the first counterpart found is the one named), as a pre-order walk would give.
    const nodes = [...ctx.sem.facts('sends', filter), ...ctx.sem.facts('receives', filter), ...ctx.sem.facts('ranges', filter)];
    nodes.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
    const byId = memo.byId;
    list = nodes.map((n) => {
      let op = byId.get(n.id);
      if (!op) byId.set(n.id, (op = new ChanOp(n, ctx)));
      return op;
    });
    memo.lists.set(key, list);
  }
  return list;
}

function chanKey(chan: Node, ctx: RuleContext): string | null {
  if (chan.type === 'selector_expression') {
    const f = field(chan, 'field');
    return f ? `.${f.text}` : null;
  }
  if (chan.type === 'identifier') {
    const d = ctx.sem.resolve(chan);
    return d ? `${chan.text}@${d.nameNode.startIndex}` : null;
  }
  return null;
}

function isSelectCase(recv: Node): boolean {
  for (let p = recv.parent; p; p = p.parent) {
    if (p.type === 'communication_case') return true;
    if (p.type !== 'receive_statement' && p.type !== 'expression_list' && p.type !== 'parenthesized_expression') return false;
  }
  return false;
}

/** The field name of a mutex receiver (`mu` of `s.mu`), or null for a plain variable. */
function lockName(recv: string): string | null {
  const m = /\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(recv);
  return m ? m[1]! : null;
}

/** An operation on the other side of op's channel, in another function that takes the same mutex. */
function counterpart(op: ChanOp, h: Held, ctx: RuleContext): { op: ChanOp; lock: Node } | null {
  const name = lockName(h.recv);
  if (!name) return null;
  for (const o of channelOps(ctx, { mentions: op.name! })) {
    if (o.send === op.send || !o.mentions(op.name!) || !o.chan || o.name !== op.name || o.key !== op.key || !o.fn || o.fn.id === op.fn?.id) continue;
    const body = field(o.fn, 'body');
    if (!body) continue;
    let lock: Node | null = null;
    const ok = okName(o.node);
    walk(body, (n) => {
      if (lock || n.type === 'func_literal') return false;
      // `v, ok := <-ch; if !ok { mu.Lock() … }`: taken only once the channel is closed.
      if (ok && n.type === 'if_statement' && new RegExp(`\\b${ok}\\b`).test(field(n, 'condition')?.text ?? '')) return false;
      if (n.type === 'expression_statement') {
        const lc = lockCall(n);
        if (lc && (lc.method === 'Lock' || (lc.method === 'RLock' && h.method === 'Lock')) && lockName(lc.recv.text) === name) lock = n;
      }
      return true;
    });
    if (lock) return { op: o, lock };
  }
  return null;
}

/** `v, ok := <-ch` (also as a select case): the name of ok. */
function okName(recv: Node): string | null {
  let p = recv.parent;
  while (p && (p.type === 'expression_list' || p.type === 'parenthesized_expression')) p = p.parent;
  if (!p || (p.type !== 'receive_statement' && p.type !== 'short_var_declaration' && p.type !== 'assignment_statement')) return null;
  const left = field(p, 'left');
  const names = left ? left.namedChildren.filter((x): x is Node => !!x) : [];
  return names.length === 2 && names[1]!.type === 'identifier' && names[1]!.text !== '_' ? names[1]!.text : null;
}

/** A send preceded, in the same function, by a non-blocking receive that empties the same channel. */
function drainedFirst(op: ChanOp, fn: Node): boolean {
  let found = false;
  walk(fn, (n) => {
    if (found || n.startIndex >= op.node.startIndex) return false;
    if (n.type === 'select_statement' && n.namedChildren.some((c) => c?.type === 'default_case')) {
      walk(n, (m) => {
        if (m.type === 'unary_expression' && m.child(0)?.type === '<-' && field(m, 'operand')?.text === op.chan!.text) found = true;
        return !found;
      });
    }
    return !found;
  });
  return found;
}

/** The channel is (re)made earlier in the same function: nobody else holds the new one yet. */
function assignedFirst(op: ChanOp, fn: Node): boolean {
  let found = false;
  walk(fn, (n) => {
    if (found || n.startIndex >= op.node.startIndex) return false;
    if (n.type === 'assignment_statement' || n.type === 'short_var_declaration') {
      for (const l of field(n, 'left')?.namedChildren ?? []) if (l?.text === op.chan!.text) found = true;
    }
    return !found;
  });
  return found;
}

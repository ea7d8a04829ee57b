import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { closeArg, rootIdent, sameChannel } from '../core/semantic/chan';
import { enclosingFunction, field, FUNCTION_TYPES, namedChildren, unparen, walk } from '../core/semantic/nodes';
import type { GoType } from '../core/semantic/types';

/**
 * A function that receives values from a channel it did not make (a parameter, or a field) and closes
 * it, without ever sending on it: the consumer closes the producer's channel, so the producer's next
 * send panics. Only data channels (element type other than struct{}): a `chan struct{}` is usually a
 * signal closed on purpose to broadcast. For a field, a send on a field of that name must appear
 * elsewhere in the file (the senders exist). Closes guarded by a select that receives from the channel
 * (`select { case <-c: default: close(c) }`) are not judged.
 */
export default defineRule({
  id: 'close-by-receiver',
  callees: ['close'],
  visit: {
    call_expression(call, ctx) {
      const ch = closeArg(call, ctx.sem);
      if (!ch) return;
      const root = rootIdent(ch);
      if (!root) return;
      const fn = enclosingFunction(call);
      const body = fn && field(fn, 'body');
      if (!fn || !body) return;
      const isParam = ch.type === 'identifier';
      if (isParam) {
        const decl = ctx.sem.resolve(ch);
        if (!decl || decl.kind !== 'param' || enclosingFunction(decl.nameNode)?.id !== fn.id) return;
      } else if (ch.type !== 'selector_expression') return;
      const t = ctx.sem.underlying(ctx.sem.typeOf(ch));
      if (t?.k !== 'chan' || isEmptyStruct(t.elem, ctx)) return;
      if (isParam && !isBidirectional(ctx.sem.resolve(ch)!.typeNode)) return;
      if (guarded(call, ch, ctx)) return;

      // What the function (with its closures) does with the channel.
      let receive: Node | null = null;
      let sends = false;
      walk(body, (n) => {
        if (sends) return false;
        if (n.type === 'send_statement' && sameChannel(unparen(field(n, 'channel')!), ch, ctx.sem)) sends = true;
        else if (!receive && isValueReceive(n, ch, ctx)) receive = n;
        return !sends;
      });
      if (sends || !receive) return;
      if (!isParam && !sentElsewhere(ch, fn, ctx)) return;
      const recv = receive as Node;
      const afterRange = recv.type === 'range_clause' && recv.parent!.endIndex <= call.startIndex && sameLevel(recv.parent!, call) && !hasJump(recv.parent!);
      ctx.report({
        node: call,
        message: afterRange
          ? `${ch.text} is closed after ranging over it: the range ends only once ${ch.text} is closed, so this close panics; the sender should close it`
          : `${ch.text} is closed by a function that only receives from it; a sender's next send on ${ch.text} panics. Only the sending side should close`,
        related: [{ node: recv, message: `this function receives from ${ch.text} here and never sends on it` }],
      });
    },
  },
});

function isEmptyStruct(t: GoType, ctx: RuleContext): boolean {
  const u = ctx.sem.underlying(t);
  return u?.k === 'struct' && u.fields.length === 0;
}

/** `chan T` written without an arrow (a `<-chan T` parameter cannot be closed, `chan<- T` is a sender's). */
function isBidirectional(typeNode: Node | null): boolean {
  if (typeNode?.type !== 'channel_type') return false;
  const t = typeNode.text.replace(/\s+/g, '');
  return t.startsWith('chan') && !t.startsWith('chan<-');
}

/** A receive whose value is used: `for v := range c`, `v := <-c`, `v, ok := <-c`, `f(<-c)`; not a bare `<-c` wait. */
function isValueReceive(n: Node, ch: Node, ctx: RuleContext): boolean {
  if (n.type === 'range_clause') {
    const right = field(n, 'right');
    return !!right && !!field(n, 'left') && sameChannel(unparen(right), ch, ctx.sem);
  }
  if (n.type !== 'unary_expression' || n.child(0)?.type !== '<-') return false;
  const operand = field(n, 'operand');
  if (!operand || !sameChannel(unparen(operand), ch, ctx.sem)) return false;
  const p = n.parent;
  if (p?.type === 'expression_statement') return false;
  if (p?.type === 'receive_statement') return !!field(p, 'left');
  return true;
}

/** The close sits in a select whose other case receives from the channel: the usual "close unless closed" guard. */
function guarded(call: Node, ch: Node, ctx: RuleContext): boolean {
  let child: Node = call;
  for (let p = call.parent; p && !FUNCTION_TYPES.has(p.type); child = p, p = p.parent) {
    if (p.type !== 'select_statement') continue;
    for (const c of namedChildren(p)) {
      // Another case than the one that closes: `case <-c:` (already closed) … `default: close(c)`.
      if (c.type !== 'communication_case' || c.id === child.id) continue;
      let found = false;
      walk(field(c, 'communication') ?? c, (x) => {
        if (x.type === 'unary_expression' && x.child(0)?.type === '<-' && sameChannel(unparen(field(x, 'operand')!), ch, ctx.sem)) found = true;
        return !found;
      });
      if (found) return true;
    }
  }
  return false;
}

/** A send on a field with the same name somewhere else in the file (`x.f <- v`). */
function sentElsewhere(ch: Node, fn: Node, ctx: RuleContext): boolean {
  const name = field(ch, 'field')?.text;
  if (!name) return false;
  return ctx.sem.facts('sends', { mentions: name }).some((n) => {
    if (n.startIndex >= fn.startIndex && n.endIndex <= fn.endIndex) return false;
    const c = unparen(field(n, 'channel')!);
    return c.type === 'selector_expression' && field(c, 'field')?.text === name;
  });
}

/** Both in the same statement list, or b below a later statement of a's list. */
function sameLevel(a: Node, b: Node): boolean {
  const list = a.parent;
  return !!list && b.startIndex >= list.startIndex && b.endIndex <= list.endIndex;
}

/** A break or goto in the loop (it may end before the channel is closed). */
function hasJump(loop: Node): boolean {
  let found = false;
  walk(loop, (n) => {
    if (n.type === 'break_statement' || n.type === 'goto_statement') found = true;
    return !found && n.type !== 'func_literal';
  });
  return found;
}

import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { closeArg, reassignments, rootIdent, sameChannel } from '../core/semantic/chan';
import { enclosingFunction, field, FUNCTION_TYPES, namedChildren, unparen, walk, within } from '../core/semantic/nodes';

/**
 * A goroutine that sends on a channel and then closes it, when several such goroutines share the
 * channel: started by one `go` statement in a loop (the channel declared outside the loop), or by two
 * `go` statements of the same function. The first to finish closes; the others' next send (or close)
 * panics. The close must be the goroutine's own statement (a close inside `once.Do(func() {…})` is not
 * judged), not after a `Wait()` (a coordinator that waits for the others), and not under a select that
 * receives from the channel.
 */
export default defineRule({
  id: 'multiple-senders-close',
  callees: ['close'],
  visit: {
    call_expression(call, ctx) {
      const arg = closeArg(call, ctx.sem);
      if (!arg || !rootIdent(arg)) return;
      const lit = enclosingFunction(call);
      const go = lit?.type === 'func_literal' ? goOf(lit) : null;
      if (!lit || !go) return;
      const outerFn = enclosingFunction(go);
      if (!outerFn) return;
      // The channel as the enclosing function sees it: through a parameter of the literal, its argument.
      const ch = outerView(arg, lit, go, ctx);
      if (!ch || !rootIdent(ch)) return;
      if (!sendsOn(lit, arg, ctx)) return;
      if (waitsBefore(lit, call) || guarded(call, lit, arg, ctx)) return;

      // (a) The go statement runs in a loop, and the channel is the same on every pass.
      const loop = loopAround(go, outerFn);
      if (loop) {
        const root = rootIdent(ch)!;
        const decl = ctx.sem.resolve(root);
        if (decl && within(decl.nameNode, loop)) return;
        if (reassignments(loop, ch, ctx.sem).length > 0) return; // a fresh channel each pass
        ctx.report({
          node: call,
          message: `${ch.text} is closed by one of several goroutines that send on it (started in a loop); the first to finish closes it and the others' next send panics`,
          related: [{ node: go, message: 'a goroutine that sends and closes is started on every pass of the loop' }],
        });
        return;
      }
      // (b) An earlier go statement of the same function also sends on and closes the channel.
      const body = field(outerFn, 'body');
      if (!body) return;
      let other: Node | null = null;
      walk(body, (n) => {
        if (other || n.startIndex >= go.startIndex) return false;
        if (n.type !== 'go_statement') return true;
        const c = n.namedChild(0);
        const l = c?.type === 'call_expression' ? field(c, 'function') : null;
        if (l?.type !== 'func_literal') return false;
        walk(l, (x) => {
          if (other) return false;
          const a = x.type === 'call_expression' ? closeArg(x, ctx.sem) : null;
          if (a && enclosingFunction(x)?.id === l.id) {
            const v = outerView(a, l, n, ctx);
            if (v && sameChannel(v, ch, ctx.sem) && sendsOn(l, a, ctx)) other = n;
          }
          return true;
        });
        return false;
      });
      if (!other) return;
      ctx.report({
        node: call,
        message: `${ch.text} is closed by two goroutines that both send on it; whichever finishes first closes it and the other's send or close panics`,
        related: [{ node: other, message: 'this goroutine also sends on and closes the channel' }],
      });
    },
  },
});

/** The go statement that starts this function literal, or null. */
function goOf(lit: Node): Node | null {
  const call = lit.parent;
  const go = call?.type === 'call_expression' && field(call, 'function')?.id === lit.id ? call.parent : null;
  return go?.type === 'go_statement' ? go : null;
}

/** The channel expression in the enclosing function: the literal's argument for a parameter, else itself. */
function outerView(arg: Node, lit: Node, go: Node, ctx: RuleContext): Node | null {
  const root = rootIdent(arg)!;
  const decl = ctx.sem.resolve(root);
  if (!decl) return arg;
  if (decl.kind !== 'param') return within(decl.nameNode, lit) ? null : arg;
  if (!within(decl.nameNode, field(lit, 'parameters') ?? lit)) return arg;
  if (root.id !== arg.id) return null; // a field of a parameter: not followed
  let index = 0;
  let found = -1;
  for (const p of namedChildren(field(lit, 'parameters'))) {
    if (p.type !== 'parameter_declaration') return null;
    for (const n of p.childrenForFieldName('name')) {
      if (n?.startIndex === decl.nameNode.startIndex) found = index;
      index++;
    }
  }
  const call = go.namedChild(0)!;
  const a = namedChildren(field(call, 'arguments')).filter((x) => x.type !== 'comment')[found];
  return found >= 0 && a ? unparen(a) : null;
}

function sendsOn(lit: Node, ch: Node, ctx: RuleContext): boolean {
  let found = false;
  walk(lit, (n) => {
    if (found) return false;
    if (n.type === 'send_statement' && sameChannel(unparen(field(n, 'channel')!), ch, ctx.sem)) found = true;
    return !found;
  });
  return found;
}

/** A `x.Wait()` call in the goroutine before the close: it coordinates the others. */
function waitsBefore(lit: Node, close: Node): boolean {
  let found = false;
  walk(lit, (n) => {
    if (found || n.startIndex > close.startIndex) return false;
    if (n.type === 'call_expression') {
      const f = field(n, 'function');
      if (f?.type === 'selector_expression' && field(f, 'field')?.text === 'Wait') found = true;
    }
    return !found;
  });
  return found;
}

/** Under a select that receives from the channel, or an if that tests it: guarded, not judged. */
function guarded(call: Node, lit: Node, ch: Node, ctx: RuleContext): boolean {
  for (let p = call.parent; p && p.id !== lit.id && !FUNCTION_TYPES.has(p.type); p = p.parent) {
    if (p.type === 'select_statement' || p.type === 'if_statement') {
      let found = false;
      const heads = p.type === 'if_statement' ? [field(p, 'condition'), field(p, 'initializer')] : namedChildren(p).map((c) => field(c, 'communication'));
      for (const h of heads) {
        if (!h) continue;
        walk(h, (x) => {
          if (!found && (x.type === 'identifier' || x.type === 'selector_expression') && sameChannel(x, ch, ctx.sem)) found = true;
          return !found;
        });
      }
      if (found) return true;
    }
  }
  return false;
}

/** The nearest for statement around node inside fn. */
function loopAround(node: Node, fn: Node): Node | null {
  for (let p = node.parent; p && p.id !== fn.id; p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return null;
    if (p.type === 'for_statement') return p;
  }
  return null;
}

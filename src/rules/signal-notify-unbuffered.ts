import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { PKG } from '../core/semantic/imports';
import { callArgs, field, unparen } from '../core/semantic/nodes';

/**
 * signal.Notify on an unbuffered channel (go vet sigchanyzer, staticcheck SA1017). The channel must
 * be a variable initialised with `make(chan T)` without a capacity; a channel made inline in the call,
 * or copied from another variable, is not judged.
 */
export default defineRule({
  id: 'signal-notify-unbuffered',
  requiresImport: [PKG.signal],
  visit: {
    call_expression(call, ctx) {
      if (!isNotify(call, ctx)) return;
      const arg = callArgs(call)[0];
      if (arg?.type !== 'identifier') return;
      const decl = ctx.sem.resolve(arg);
      const make = decl?.valueNode ? unparen(decl.valueNode) : null;
      if (!make || !isUnbufferedMake(make, ctx)) return;
      const chanType = callArgs(make)[0]!;
      ctx.report({
        node: arg,
        message: `${arg.text} is unbuffered: signal.Notify does not block, so a signal that arrives while nobody is receiving is dropped`,
        related: [{ node: make, message: 'made without a buffer here' }],
        fixes: [
          {
            title: `Give ${arg.text} a buffer of 1`,
            safety: 'safe',
            edits: [{ start: chanType.endIndex, end: field(make, 'arguments')!.endIndex, newText: ', 1)' }],
          },
        ],
      });
    },
  },
});

/** `signal.Notify(…)`, or a call of a variable initialised with signal.Notify. */
function isNotify(call: Node, ctx: RuleContext): boolean {
  if (ctx.sem.packageCall(call, PKG.signal) === 'Notify') return true;
  const fn = field(call, 'function');
  if (fn?.type !== 'identifier') return false;
  const v = ctx.sem.resolve(fn)?.valueNode;
  return !!v && v.type === 'selector_expression' && ctx.sem.isPackage(field(v, 'operand'), PKG.signal) && field(v, 'field')?.text === 'Notify';
}

function isUnbufferedMake(e: Node, ctx: RuleContext): boolean {
  if (e.type !== 'call_expression') return false;
  const fn = field(e, 'function');
  if (fn?.type !== 'identifier' || fn.text !== 'make' || ctx.sem.resolve(fn)) return false;
  const args = callArgs(e);
  return args[0]?.type === 'channel_type' && (args.length === 1 || args[1]!.text === '0');
}

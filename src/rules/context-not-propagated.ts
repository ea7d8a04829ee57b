import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { contextInScope, rootContextCall, type ContextInScope } from '../core/semantic/context';
import { detachedOnPurpose } from '../core/semantic/context-detach';
import { PKG } from '../core/semantic/imports';
import { field } from '../core/semantic/nodes';
import type { Fix } from '../core/types';

/**
 * `context.Background()` / `context.TODO()` inside a function that has a `context.Context` parameter
 * in scope: the work started from the fresh root no longer sees the caller's cancellation or deadline.
 * Everything that marks the root as a deliberate choice keeps the rule quiet; see detachedOnPurpose.
 */
export default defineRule({
  id: 'context-not-propagated',
  requiresImport: [PKG.context],
  // Tests own their contexts (and usetesting's t.Context() advice is another rule's business).
  applies: (ctx) => !ctx.file.isTest,
  callees: ['Background', 'TODO'],
  visit: {
    call_expression(call, ctx) {
      const root = rootContextCall(call, ctx.sem);
      if (!root) return;
      // `ctx != context.Background()` compares with the root; it starts nothing.
      if (call.parent?.type === 'binary_expression') return;
      const inScope = contextInScope(call, ctx.sem);
      if (!inScope || shouldSkip(call, inScope, ctx)) return;
      const p = inScope.param.text;
      ctx.report({
        node: call,
        message: `context.${root}() starts a new root although ${p} is in scope: work under it ignores the caller's cancellation and deadline; pass ${p}, or context.WithoutCancel(${p}) to detach on purpose`,
        related: [{ node: inScope.param, message: `the context.Context parameter ${p}` }],
        fixes: [fixUseParam(call, inScope)],
      });
    },
  },
});

function shouldSkip(call: Node, s: ContextInScope, ctx: RuleContext): boolean {
  const why = detachedOnPurpose(call, s, ctx);
  return !!why;
}

/**
 * Pass the parameter instead. Safe in the function that declares it; from inside a function literal
 * the literal may run after the caller's context is done (a callback), so the change is offered as
 * unsafe there.
 */
function fixUseParam(call: Node, s: ContextInScope): Fix {
  return {
    title: `Use ${s.param.text} instead of ${field(call, 'function')?.text ?? 'the new root'}()`,
    safety: s.crossedFuncLit ? 'unsafe' : 'safe',
    edits: [{ start: call.startIndex, end: call.endIndex, newText: s.param.text }],
  };
}

import type { SyntaxNode as Node } from '../core/syntax/node';
import { derivedRead } from '../core/semantic/index-reads';
import { defineRule, type RuleContext } from '../core/rule';
import { contextInScope, declKey, hasContextParam, isRootFunction, rootContextCall, topFunction } from '../core/semantic/context';
import { detachedOnPurpose } from '../core/semantic/context-detach';
import { PKG } from '../core/semantic/imports';

/**
 * `context.Background()` / `context.TODO()` in a function that has no context.Context parameter,
 * while a caller in the same package calls it with a context in scope (the package index records those
 * calls, see callsWithContext). Only calls by name (`f()`) and on a method's own receiver (`s.m()`)
 * are followed, so a call through an interface or another value is not seen. Info: the callee may also
 * serve callers without a context, and the remedy (a new parameter) changes its signature.
 */
export default defineRule({
  id: 'context-background-in-callee',
  requiresImport: [PKG.context],
  applies: (ctx) => !ctx.file.isTest && derivedRead(ctx.sem.index, 'hasCtxCallers', (idx) => idx.ctxCallers.size > 0),
  callees: ['Background', 'TODO'],
  visit: {
    call_expression(call, ctx) {
      const root = rootContextCall(call, ctx.sem);
      if (!root || call.parent?.type === 'binary_expression') return;
      // A context in scope is context-not-propagated's case.
      if (contextInScope(call, ctx.sem)) return;
      const top = topFunction(call);
      if (!top || isRootFunction(top, ctx.file.packageName)) return;
      // An unnamed or blank context parameter: the function chose not to use it.
      if (hasContextParam(top, ctx.sem.imports)) return;
      const key = declKey(top);
      const caller = key ? ctx.sem.index.ctxCallers.get(key) : undefined;
      if (!key || caller === undefined || caller === declName(top)) return;
      const why = detachedOnPurpose(call, undefined, ctx);
      if (why) return;
      const name = declName(top);
      ctx.report({
        node: call,
        message: `context.${root}() in ${name}, which takes no context, although ${caller} calls it with one: the work started here ignores that caller's cancellation and deadline; add a context.Context parameter and pass it down`,
      });
    },
  },
});

function declName(fn: Node): string {
  return fieldText(fn, 'name');
}

function fieldText(n: Node, f: string): string {
  return n.childForFieldName(f)?.text ?? '';
}

export type { RuleContext };

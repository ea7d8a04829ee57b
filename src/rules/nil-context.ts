import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { PKG } from '../core/semantic/imports';
import { callArgs, field, unparen } from '../core/semantic/nodes';
import { derivedRead } from '../core/semantic/index-reads';
import type { PackageIndex } from '../core/semantic/package-index';
import { isNamed } from '../core/semantic/types';
import type { Fix } from '../core/types';
import { ObjectMemo } from '../core/memo';

/**
 * `nil` passed as the context.Context first parameter of a function declared in the package
 * (staticcheck SA1012). Conversions like `(func(context.Context))(nil)` are not calls and are skipped.
 */
export default defineRule({
  id: 'nil-context',
  // It reports a call, by name, of a package function whose first parameter is an unchecked context.
  needs: (ctx) => derivedRead(ctx.sem.index, 'nilContextCallees', contextTakers, (names) => names.join(' ')),
  visit: {
    call_expression(call, ctx) {
      // Only a call with a nil argument matters: a text check before listing the arguments.
      if (!call.text.includes('nil')) return;
      const first = callArgs(call)[0];
      if (!first || unparen(first).type !== 'nil') return;
      const name = calleeName(field(call, 'function'));
      if (!name) return;
      const local = ctx.sem.resolve(name);
      if (local && local.kind !== 'func') return;
      const p = ctx.sem.index.funcs.get(name.text)?.params[0];
      // A callee that checks its context against nil has chosen to accept one.
      if (!p || !isNamed(p.type, PKG.context, 'Context') || p.nilChecked) return;
      ctx.report({
        node: first,
        message: `nil passed as the context of ${name.text}: calling a method on it (Done, Err, Value) panics; pass context.TODO() or the caller's context`,
        fixes: fixTodo(first, ctx),
      });
    },
  },
});

/** The package functions whose first parameter is a context they do not check against nil. */
function contextTakers(idx: PackageIndex): string[] {
  let names = takers.get(idx);
  if (!names) {
    names = [...idx.funcs].filter(([, f]) => f.params[0] && isNamed(f.params[0].type, PKG.context, 'Context') && !f.params[0].nilChecked).map(([n]) => n);
    takers.set(idx, names);
  }
  return names;
}

const takers = new ObjectMemo<PackageIndex, string[]>('contextTakers');

/** `f`, or the generic function in `f[int]`. */
function calleeName(fn: Node | null): Node | null {
  if (!fn) return null;
  const f = unparen(fn);
  if (f.type === 'identifier') return f;
  if (f.type === 'index_expression' || f.type === 'generic_type' || f.type === 'type_instantiation_expression') {
    const inner = f.namedChild(0);
    return inner?.type === 'identifier' || inner?.type === 'type_identifier' ? inner : null;
  }
  return null;
}

function fixTodo(nilNode: Node, ctx: RuleContext): Fix[] {
  const local = [...ctx.sem.imports.byName].find(([, p]) => p === PKG.context)?.[0];
  if (!local) return [];
  return [{ title: `Pass ${local}.TODO()`, safety: 'safe', edits: [{ start: nilNode.startIndex, end: nilNode.endIndex, newText: `${local}.TODO()` }] }];
}

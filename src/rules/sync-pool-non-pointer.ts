import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { PKG } from '../core/semantic/imports';
import { callArgs, selectorCall, unparen } from '../core/semantic/nodes';
import { isNamedOrPointer, type GoType } from '../core/semantic/types';

const BASIC = new Set(['bool', 'string', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'byte', 'rune', 'float32', 'float64', 'complex64', 'complex128']);

/**
 * sync.Pool.Put of a value that is not pointer-like (staticcheck SA6002). Only types the syntax shows
 * are judged: slices, arrays, structs and basic types; pointers, maps, channels, funcs, interfaces and
 * unsafe.Pointer are fine, and an unknown type is not reported.
 */
export default defineRule({
  id: 'sync-pool-non-pointer',
  requiresImport: [PKG.sync],
  callees: ['Put'],
  visit: {
    call_expression(call, ctx) {
      const sc = selectorCall(call);
      if (sc?.name !== 'Put' || !isNamedOrPointer(ctx.sem.typeOf(sc.operand), PKG.sync, 'Pool')) return;
      const arg = callArgs(call)[0];
      if (!arg) return;
      const kind = nonPointerKind(argType(arg, ctx), ctx);
      if (!kind) return;
      ctx.report({
        node: arg,
        message: `sync.Pool.Put of a ${kind}: storing it in the pool's interface allocates a copy on every Put, defeating the pool; store a pointer`,
      });
    },
  },
});

function argType(arg: Node, ctx: RuleContext): GoType | undefined {
  const a = unparen(arg);
  if (a.type === 'int_literal' || a.type === 'float_literal') return { k: 'named', pkg: '', name: 'int' };
  if (a.type === 'interpreted_string_literal' || a.type === 'raw_string_literal') return { k: 'named', pkg: '', name: 'string' };
  return ctx.sem.typeOf(a);
}

function nonPointerKind(t: GoType | undefined, ctx: RuleContext, depth = 0): string | undefined {
  if (!t || depth > 4) return undefined;
  switch (t.k) {
    case 'slice':
      return 'slice';
    case 'array':
      return 'array';
    case 'struct':
      return 'struct value';
    case 'named': {
      if (t.pkg !== '') return undefined; // another package's type: unknown shape
      if (BASIC.has(t.name)) return `${t.name} value`;
      if (ctx.sem.index.structs.has(t.name)) return 'struct value';
      const under = ctx.sem.index.namedTypes.get(t.name);
      return under ? nonPointerKind(under, ctx, depth + 1) : undefined;
    }
    default:
      return undefined; // pointer, map, chan, func, interface
  }
}

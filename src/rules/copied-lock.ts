import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { callArgs, field, namedChildren, unparen } from '../core/semantic/nodes';
import { lockPath, lockWords, packageHasLockTypes } from '../core/semantic/package-index';
import type { GoType } from '../core/semantic/types';

/**
 * A value that contains a lock is copied. Follows go vet copylock: what counts as a lock is computed
 * from the package's own struct types (package index) and the sync / sync/atomic types; types of other
 * packages are unknown without a type checker and never reported. vet's exceptions are kept: a composite
 * literal, a call result (it may be a fresh zero value), `*f()`, `new(T)`, `&x` and the arguments of
 * len/cap/unsafe.* are not copies.
 */
export default defineRule({
  id: 'copied-lock',
  // Nothing to copy unless a lock type is in reach: sync / sync/atomic imported, or a package type
  // (any file) holds one.
  applies: (ctx) => ctx.sem.imports.paths.has('sync') || ctx.sem.imports.paths.has('sync/atomic') || packageHasLockTypes(ctx.sem.index),
  // A copied lock-bearing value has its type written in its declaration, or is reached through a name
  // whose written type mentions one (see lockWords): declarations with none of those words are skipped.
  needs: (ctx) => lockWords(ctx.sem.index),
  visit: {
    method_declaration(decl, ctx) {
      const name = field(decl, 'name')?.text ?? 'method';
      checkParams(field(decl, 'receiver'), name, ctx, true);
      checkParams(field(decl, 'parameters'), name, ctx, false);
    },
    function_declaration(decl, ctx) {
      checkParams(field(decl, 'parameters'), field(decl, 'name')?.text ?? 'function', ctx, false);
    },
    func_literal(lit, ctx) {
      checkParams(field(lit, 'parameters'), 'func literal', ctx, false);
    },
    short_var_declaration: (n, ctx) => checkAssign(n, ctx),
    assignment_statement: (n, ctx) => {
      if (n.child(1)?.type === '=') checkAssign(n, ctx);
    },
    var_spec(spec, ctx) {
      const names = spec.childrenForFieldName('name').filter((x): x is Node => !!x);
      const values = namedChildren(field(spec, 'value'));
      if (names.length !== values.length) return;
      values.forEach((v, i) => {
        if (names[i]!.text === '_') return;
        const path = copiedLock(v, ctx);
        if (path) ctx.report({ node: v, message: `variable declaration copies lock value to ${names[i]!.text}: ${path}` });
      });
    },
    return_statement(ret, ctx) {
      for (const e of namedChildren(ret.namedChild(0))) {
        const path = copiedLock(e, ctx);
        if (path) ctx.report({ node: e, message: `return copies lock value: ${path}` });
      }
    },
    call_expression(call, ctx) {
      const fn = field(call, 'function');
      if (!fn) return;
      const text = fn.text;
      if (isExemptCallee(fn, ctx)) return;
      if (fn.type.endsWith('_type')) return; // a conversion, not a call
      for (const a of callArgs(call)) {
        const path = copiedLock(a, ctx);
        if (path) ctx.report({ node: a, message: `call of ${text} copies lock value: ${path}` });
      }
    },
    literal_value(lit, ctx) {
      for (const el of namedChildren(lit)) {
        let v = el.type === 'keyed_element' ? el.namedChild(el.namedChildCount - 1) : el;
        if (v?.type === 'literal_element') v = v.namedChild(0);
        if (!v || v.type === 'literal_value') continue;
        const path = copiedLock(v, ctx);
        if (path) ctx.report({ node: v, message: `literal copies lock value from ${v.text}: ${path}` });
      }
    },
    range_clause(rc, ctx) {
      const right = field(rc, 'right');
      let t = right ? ctx.sem.underlying(ctx.sem.typeOf(right)) : undefined;
      if (t?.k === 'pointer') t = ctx.sem.underlying(t.elem);
      if (!t || t.k === 'pointer') return;
      namedChildren(field(rc, 'left')).forEach((v, i) => {
        if (v.text === '_') return;
        // key: map key or channel element (slice/array indexes are ints); value: the element.
        const elem = i === 0 ? (t.k === 'map' ? t.key : t.k === 'chan' ? t.elem : undefined) : t.k === 'slice' || t.k === 'array' || t.k === 'map' ? t.elem : undefined;
        const path = elem && describe(elem, ctx);
        if (path) ctx.report({ node: v, message: `range var ${v.text} copies lock: ${path}` });
      });
    },
  },
});

function checkParams(list: Node | null, fname: string, ctx: RuleContext, receiver: boolean): void {
  for (const p of namedChildren(list)) {
    if (p.type !== 'parameter_declaration') continue;
    const typeNode = field(p, 'type');
    if (!typeNode) continue;
    const path = describe(ctx.sem.parseType(typeNode), ctx);
    if (!path) continue;
    ctx.report({
      node: typeNode,
      message: `${fname} passes lock by value: ${path}`,
      fixes: receiver
        ? [{ title: 'Use a pointer receiver', safety: 'unsafe', edits: [{ start: typeNode.startIndex, end: typeNode.startIndex, newText: '*' }] }]
        : [],
    });
  }
}

function checkAssign(stmt: Node, ctx: RuleContext): void {
  const left = namedChildren(field(stmt, 'left'));
  const right = namedChildren(field(stmt, 'right'));
  // `v, ok := m[k]` (also type assertions and receives): the first value is the copy.
  if (left.length === 2 && right.length === 1) left.length = 1;
  if (left.length !== right.length) return;
  right.forEach((r, i) => {
    // `_ = x` is how Go code marks a variable used; nothing keeps that copy.
    if (left[i]!.text === '_') return;
    const path = copiedLock(r, ctx);
    if (path) ctx.report({ node: r, message: `assignment copies lock value to ${left[i]!.text}: ${path}` });
  });
}

/**
 * Builtins and unsafe functions that only look at a value's type or length do not copy it (go vet's
 * exception) — as long as the names really are the builtins / the unsafe package, not shadowed.
 */
function isExemptCallee(fn: Node, ctx: RuleContext): boolean {
  if (fn.type === 'identifier') {
    if (['len', 'cap', 'new', 'make'].includes(fn.text)) return !ctx.sem.resolve(fn);
    return ['Sizeof', 'Offsetof', 'Alignof'].includes(fn.text) && ctx.sem.imports.dot.has('unsafe') && !ctx.sem.resolve(fn);
  }
  if (fn.type !== 'selector_expression') return false;
  const name = field(fn, 'field')?.text ?? '';
  return ['Sizeof', 'Offsetof', 'Alignof'].includes(name) && ctx.sem.isPackage(field(fn, 'operand'), 'unsafe');
}

/** The lock path when evaluating expr copies a lock-bearing value; undefined otherwise. */
function copiedLock(expr: Node, ctx: RuleContext): string | undefined {
  const e = unparen(expr);
  switch (e.type) {
    case 'type_identifier': // `new(t)` with `new` shadowed: the argument parses as a type name
    case 'identifier': {
      if (e.text === '_' || e.text === 'nil') return undefined;
      const d = ctx.sem.resolve(e);
      if (d && (d.kind === 'func' || d.kind === 'type' || d.kind === 'const')) return undefined;
      break;
    }
    case 'selector_expression':
    case 'index_expression':
      break;
    case 'unary_expression': {
      if (e.child(0)?.type !== '*') return undefined;
      const operand = field(e, 'operand');
      if (!operand || unparen(operand).type === 'call_expression') return undefined; // *f(): vet's exception
      break;
    }
    default:
      return undefined; // literals, calls, &x, func literals, conversions …
  }
  const t = ctx.sem.typeOf(e);
  return t ? describe(t, ctx) : undefined;
}

function describe(t: GoType, ctx: RuleContext): string | undefined {
  const path = lockPath(t, ctx.sem.index);
  return path ? (path.length === 1 ? `${path[0]}` : path.join(' contains ')) : undefined;
}

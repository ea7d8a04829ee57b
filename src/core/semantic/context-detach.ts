import type { SyntaxNode as Node } from '../syntax/node';
import type { RuleContext } from '../rule';
import { commentsNear, CONTEXT_COMMENT, WANT_COMMENT, isRootFunction, namesDetachedWork, statementOf, topFunction, type ContextInScope } from './context';
import { PKG } from './imports';
import { callArgs, field, FUNCTION_TYPES, namedChildren, unparen, walk, within } from './nodes';
import { isNamedOrPointer } from './types';

/**
 * Whether a `context.Background()` / `context.TODO()` call is a deliberate root: the exceptions shared
 * by context-not-propagated and context-background-in-callee. s is the context parameter in scope (the
 * former rule), or undefined (the latter: the function has none). Returns the reason, or false.
 */
export function detachedOnPurpose(call: Node, s: ContextInScope | undefined, ctx: RuleContext): string | false {
  const fn = s?.fn ?? topFunction(call);
  if (!fn) return false;
  const crossed = s ?? crossings(call, fn);
  // main, init, TestMain and tests are where roots belong.
  if (isRootFunction(topFunction(call), ctx.file.packageName)) return 'root';
  // A test helper (it takes a *testing.T, B, F or TB) builds its own fixtures' contexts.
  if (hasTestingParam(fn, ctx) || hasTestingParam(topFunction(call), ctx)) return 'testing';
  // A function named for cleanup or shutdown (cleanupContent, stopAll, Close): its work must happen
  // even when whoever asked for it has given up.
  const fnName = field(topFunction(call) ?? fn, 'name')?.text;
  if (fnName && namesDetachedWork(fnName)) return 'function-name';
  // Deferred code runs when the function ends, often because ctx is done: cleanup needs a live context.
  if (crossed.crossedDefer) return 'defer';
  // A goroutine started here is usually meant to outlive the call (fire-and-forget, background GC);
  // before Go 1.21 a fresh root was the only way to detach it.
  if (crossed.crossedGo) return 'go';
  const stmt = statementOf(call);
  // A comment next to the call that speaks of the context choice: the author decided it (or left a
  // note to revisit it), and a warning would repeat the note.
  if (commentsNear(stmt, ctx.file.text).some((c) => CONTEXT_COMMENT.test(c) && !WANT_COMMENT.test(c))) return 'comment';
  // Cleanup, shutdown and release work named as such: it must run even if the caller gave up.
  if (namesAroundCall(call, stmt).some(namesDetachedWork)) return 'names';
  // After the caller's context is done (a `<-ctx.Done()` earlier in the function, or inside a
  // branch that tested ctx.Err()), only a fresh context can still do the final work.
  if (afterDone(call, fn)) return 'after-done';
  // `if ctx == nil { ctx = context.Background() }`: a default for a nil argument, not a detachment.
  if (nilDefault(call, fn)) return 'nil-default';
  // Values of the caller's context copied onto the new root (`WithNamespace(Background(), ns)` with
  // ns read from ctx, `metadata.NewOutgoingContext(Background(), md)`): a hand-made WithoutCancel.
  if (!!s && copiesValues(call, s, ctx)) return 'copies-values';
  // Stored in a field or a struct literal: the context of an object that outlives this call.
  if (storedInObject(call, stmt)) return 'stored';
  // The result is handed to a goroutine started below or stored away: it is meant to outlive the call.
  if (keptBeyondCall(stmt, fn, ctx)) return 'kept';
  return false;
}

/** What lies between call and fn: function literals, go and defer statements. */
function crossings(call: Node, fn: Node): { crossedFuncLit: boolean; crossedGo: boolean; crossedDefer: boolean } {
  const out = { crossedFuncLit: false, crossedGo: false, crossedDefer: false };
  for (let p = call.parent; p && p.id !== fn.id; p = p.parent) {
    if (p.type === 'func_literal') out.crossedFuncLit = true;
    if (p.type === 'go_statement') out.crossedGo = true;
    if (p.type === 'defer_statement') out.crossedDefer = true;
  }
  return out;
}



function hasTestingParam(fn: Node | null, ctx: RuleContext): boolean {
  if (!fn) return false;
  return namedChildren(field(fn, 'parameters')).some(
    (p) => p.type === 'parameter_declaration' && isNamedOrPointer(ctx.sem.parseType(field(p, 'type')), PKG.testing, 'T', 'B', 'F', 'TB'),
  );
}

/**
 * Names that say what the root context is for: the calls it is passed through up to its statement
 * (their function or method names and identifier arguments) and the variables the statement assigns.
 */
function namesAroundCall(call: Node, stmt: Node): string[] {
  const out: string[] = [];
  for (let n: Node | null = call.parent; n; n = n.parent) {
    if (n.type === 'call_expression') {
      const fn = field(n, 'function');
      if (fn?.type === 'identifier') out.push(fn.text);
      else if (fn?.type === 'selector_expression') {
        const f = field(fn, 'field');
        if (f) out.push(f.text);
        const operand = field(fn, 'operand');
        if (operand) out.push(...identifiersOf(operand));
      }
      for (const a of callArgs(n)) if (!within(call, a)) out.push(...identifiersOf(a));
    }
    if (n.type === 'short_var_declaration' || n.type === 'assignment_statement') {
      for (const l of namedChildren(field(n, 'left'))) out.push(...identifiersOf(l));
    }
    if (n.type === 'var_spec') for (const l of n.childrenForFieldName('name')) if (l) out.push(l.text);
    if (n.type === 'keyed_element') {
      const k = n.namedChild(0);
      if (k) out.push(...identifiersOf(k));
    }
    if (n.id === stmt.id) break;
  }
  return out;
}

function identifiersOf(n: Node): string[] {
  const out: string[] = [];
  walk(n, (x) => {
    if (x.type === 'func_literal') return false;
    if (x.type === 'identifier' || x.type === 'field_identifier') out.push(x.text);
    return true;
  });
  return out;
}

function isDoneReceive(n: Node): boolean {
  if (n.type !== 'unary_expression' || n.child(0)?.type !== '<-') return false;
  const op = field(n, 'operand');
  return !!op && unparen(op).type === 'call_expression' && /\.Done$/.test(field(unparen(op), 'function')?.text ?? '');
}

function afterDone(call: Node, fn: Node): boolean {
  const body = field(fn, 'body');
  if (!body) return false;
  let done = false;
  walk(body, (n) => {
    if (done || n.startIndex >= call.startIndex) return false;
    // A literal that does not hold the call runs at another time.
    if (n.type === 'func_literal' && !within(call, n)) return false;
    // A receive from any context's Done channel (in a select case or a plain statement) before the call.
    if (isDoneReceive(n)) done = true;
    return !done;
  });
  if (done) return true;
  // Inside the branch of an `if` whose condition asks whether a context has ended.
  for (let p = call.parent; p && p.id !== fn.id; p = p.parent) {
    if (p.type !== 'if_statement') continue;
    const cond = field(p, 'condition');
    const cons = field(p, 'consequence');
    if (cond && cons && within(call, cons) && /\.Err\(\)|context\.(Canceled|DeadlineExceeded)|IsCanceled|IsDeadlineExceeded/.test(cond.text + (field(p, 'initializer')?.text ?? ''))) return true;
  }
  return false;
}

function nilDefault(call: Node, fn: Node): boolean {
  const stmt = call.parent?.parent;
  if (!stmt || (stmt.type !== 'assignment_statement' && stmt.type !== 'short_var_declaration')) return false;
  for (let p = stmt.parent; p && p.id !== fn.id; p = p.parent) {
    if (p.type === 'if_statement' && /\bnil\b/.test(field(p, 'condition')?.text ?? '')) return true;
  }
  return false;
}

/** True when expr mentions the parameter, or a local whose initialiser does (ns, _ := namespaces.Namespace(ctx)). */
function derivedFromParam(expr: Node, s: ContextInScope, ctx: RuleContext, depth = 0): boolean {
  let found = false;
  walk(expr, (x) => {
    if (found) return false;
    if (x.type !== 'identifier') return true;
    if (x.text === s.param.text && ctx.sem.resolve(x)?.nameNode.id === s.param.id) found = true;
    else if (depth < 2) {
      const d = ctx.sem.resolve(x);
      const init = d && !d.packageLevel ? (d.valueNode ?? d.tupleCall?.call) : undefined;
      if (init && derivedFromParam(init, s, ctx, depth + 1)) found = true;
    }
    return !found;
  });
  return found;
}

function copiesValues(call: Node, s: ContextInScope, ctx: RuleContext): boolean {
  // The calls the root is wrapped in, up to the statement.
  for (let n: Node | null = call.parent; n && !FUNCTION_TYPES.has(n.type); n = n.parent) {
    if (n.type === 'argument_list') {
      for (const a of namedChildren(n)) if (!within(call, a) && derivedFromParam(a, s, ctx)) return true;
    }
    if (n.type.endsWith('_statement') || n.type === 'short_var_declaration') break;
  }
  return false;
}

function storedInObject(call: Node, stmt: Node): boolean {
  for (let n: Node | null = call.parent; n; n = n.parent) {
    if (n.type === 'keyed_element' || n.type === 'literal_value') return true;
    if (n.type === 'assignment_statement' && namedChildren(field(n, 'left')).some((l) => l.type === 'selector_expression' || l.type === 'index_expression')) return true;
    if (n.id === stmt.id) break;
  }
  return false;
}

/**
 * The statement's variables (a derived context, or what the call returned, e.g. an opened pipe) are
 * handed to a goroutine started below, stored in a field, a map or slice element, or put in a
 * composite literal: they are meant to outlive the call.
 */
function keptBeyondCall(stmt: Node, fn: Node, ctx: RuleContext): boolean {
  if (stmt.type !== 'short_var_declaration' && stmt.type !== 'assignment_statement') return false;
  const decls = namedChildren(field(stmt, 'left'))
    .filter((l) => l.type === 'identifier' && l.text !== '_')
    .map((l) => ctx.sem.resolve(l))
    .filter((d) => !!d);
  if (decls.length === 0) return false;
  const body = field(fn, 'body');
  if (!body) return false;
  const isVar = (x: Node) => x.type === 'identifier' && decls.some((d) => d.name === x.text && ctx.sem.resolve(x) === d);
  let kept = false;
  walk(body, (n) => {
    if (kept || n.endIndex <= stmt.endIndex) return false; // found, or wholly before the statement
    if (n.startIndex < stmt.endIndex) return true; // encloses the statement
    if (n.type === 'go_statement') {
      walk(n, (x) => {
        if (isVar(x)) kept = true;
        return !kept;
      });
      return false;
    }
    if (n.type === 'literal_element') {
      const v = n.namedChild(0);
      if (v && isVar(unparen(v))) kept = true;
    }
    if (n.type === 'assignment_statement' && namedChildren(field(n, 'left')).some((l) => l.type === 'selector_expression' || l.type === 'index_expression')) {
      for (const r of namedChildren(field(n, 'right'))) {
        walk(r, (x) => {
          if (isVar(x)) kept = true;
          return !kept && x.type !== 'func_literal';
        });
      }
    }
    return !kept;
  });
  return kept;
}


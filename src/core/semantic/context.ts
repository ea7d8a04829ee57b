import type { SyntaxNode as Node } from '../syntax/node';
import type { FileSemantics } from './file';
import { PKG, type Imports } from './imports';
import { field, FUNCTION_TYPES, namedChildren, walk } from './nodes';
import type { Decl, Scopes } from './scopes';
import { captures, queryFor } from './queries';
import { isNamed, parseType } from './types';

/**
 * What the context rules share: recognising a fresh root context (`context.Background()` /
 * `context.TODO()`), the `context.Context` parameters a function has, and which functions are the
 * legitimate places for a root (main, init, tests).
 */

/** "Background" or "TODO" when call is `context.Background()` / `context.TODO()` (aliases and dot imports too). */
export function rootContextCall(call: Node, sem: FileSemantics): 'Background' | 'TODO' | undefined {
  const f = sem.packageCall(call, PKG.context);
  return f === 'Background' || f === 'TODO' ? f : undefined;
}

export function isContextType(typeNode: Node | null | undefined, imports: Imports): boolean {
  return isNamed(parseType(typeNode, imports), PKG.context, 'Context');
}

/** The name nodes of fn's `context.Context` parameters (unnamed and `_` ones are left out). */
export function contextParams(fn: Node, imports: Imports): Node[] {
  const out: Node[] = [];
  for (const p of namedChildren(field(fn, 'parameters'))) {
    if (p.type !== 'parameter_declaration' || !isContextType(field(p, 'type'), imports)) continue;
    for (const n of p.childrenForFieldName('name')) if (n && n.text !== '_') out.push(n);
  }
  return out;
}

/** True when fn declares a `context.Context` parameter, named or not. */
export function hasContextParam(fn: Node, imports: Imports): boolean {
  return namedChildren(field(fn, 'parameters')).some((p) => p.type === 'parameter_declaration' && isContextType(field(p, 'type'), imports));
}

/** What scope questions need: the file's imports and scopes (FileSemantics, or the indexer's own). */
export interface ScopeView {
  readonly imports: Imports;
  readonly scopes: Scopes;
}

export interface ContextInScope {
  /** The parameter's name node. */
  param: Node;
  /** The function (declaration, method or literal) that declares it. */
  fn: Node;
  /** The nodes crossed on the way up from the use to fn: func literals, go and defer statements. */
  crossedFuncLit: boolean;
  crossedGo: boolean;
  crossedDefer: boolean;
}

/**
 * The nearest `context.Context` parameter visible at node: one of the enclosing function's, or of a
 * function enclosing the literal node sits in. A parameter some local declaration shadows at node is
 * skipped (the name no longer reaches it).
 */
export function contextInScope(node: Node, sem: ScopeView): ContextInScope | undefined {
  let crossedFuncLit = false;
  let crossedGo = false;
  let crossedDefer = false;
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'go_statement') crossedGo = true;
    if (p.type === 'defer_statement') crossedDefer = true;
    if (!FUNCTION_TYPES.has(p.type)) continue;
    for (const param of contextParams(p, sem.imports)) {
      if (visibleDecl(param.text, node, sem)?.nameNode.id === param.id) return { param, fn: p, crossedFuncLit, crossedGo, crossedDefer };
    }
    if (p.type !== 'func_literal') return undefined;
    crossedFuncLit = true;
  }
  return undefined;
}

/** The declaration `name` would resolve to if written at node (Go's scope rule, as Scopes.resolve). */
export function visibleDecl(name: string, node: Node, sem: ScopeView): Decl | undefined {
  for (let p: Node | null = node.parent; p; p = p.parent) {
    const decls = sem.scopes.declsOf(p).get(name);
    if (!decls) continue;
    let best: Decl | undefined;
    for (const d of decls) if (d.visibleFrom <= node.startIndex && (!best || d.visibleFrom >= best.visibleFrom)) best = d;
    if (best) return best;
  }
  return undefined;
}

/**
 * The top-level function declaration around node, when it is a legitimate owner of a root context:
 * main and init (the process), TestMain, Test/Benchmark/Fuzz/Example functions.
 */
export function isRootFunction(fn: Node | null, packageName: string): boolean {
  if (!fn || fn.type !== 'function_declaration') return false;
  const name = field(fn, 'name')?.text ?? '';
  if (name === 'init' || (name === 'main' && packageName === 'main')) return true;
  return /^(Test|Benchmark|Fuzz|Example)([A-Z_0-9]|$)/.test(name);
}

/** The top-level declaration (function or method) containing node. */
export function topFunction(node: Node): Node | null {
  let top: Node | null = null;
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_declaration' || p.type === 'method_declaration') top = p;
  return top;
}

/**
 * Word parts of identifiers that name cleanup, shutdown or deliberately detached work: a root context
 * created for them is meant to survive the caller's cancellation (a rollback after a failed request,
 * a graceful shutdown with its own deadline, a release that must happen even when the request died).
 */
const DETACHED_WORDS: ReadonlySet<string> = new Set(
  (
    'clean cleanup cleaner cleaning shutdown teardown rollback revert undo release released releasing close closing ' +
    'delete deleted deleting del remove removed removing rm destroy kill stop stopping abort unmount umount unlock unregister ' +
    'deregister detach detached purge prune finalize finalise finalizer drain grace graceful dispose terminate reap background bg gc'
  ).split(' '),
);

/** Lower-cased camel-case / snake-case parts: shutdownCtx → ["shutdown", "ctx"]. */
export function wordParts(ident: string): string[] {
  return ident
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

export function namesDetachedWork(ident: string): boolean {
  return wordParts(ident).some((w) => DETACHED_WORDS.has(w) || (w.endsWith('s') && DETACHED_WORDS.has(w.slice(0, -1))));
}

/** The statement (a child of a statement list, or an if/for/switch header) that contains node. */
export function statementOf(node: Node): Node {
  let n = node;
  for (let p = node.parent; p; n = p, p = p.parent) {
    if (p.type === 'statement_list' || p.type === 'block' || p.type === 'source_file') return n;
    if ((p.type === 'if_statement' || p.type === 'expression_switch_statement' || p.type === 'type_switch_statement') && field(p, 'initializer')?.id === n.id) return n;
    if (p.type === 'if_statement' && field(p, 'condition')?.id === n.id) return n;
    if (FUNCTION_TYPES.has(p.type)) return n;
  }
  return n;
}

/**
 * Comments written next to stmt: inside it, at the end of its first or last line, or in the run of
 * comment lines directly above it (read from the text: a comment before the first statement of a block
 * is not the statement's sibling in the tree).
 */
export function commentsNear(stmt: Node, text: string, base = 0): string[] {
  // text may be a slice of the file that starts at offset base (a declaration's own text).
  const out: string[] = [];
  walk(stmt, (c) => {
    if (c.type === 'comment') out.push(c.text);
    return c.type !== 'func_literal';
  });
  const lineEnd = (at: number) => {
    const e = text.indexOf('\n', at);
    return e < 0 ? text.length : e;
  };
  // A comment after the statement on its last line (comments inside it were collected above).
  const end = stmt.endIndex - base;
  const rest = text.slice(end, lineEnd(end));
  const k = rest.indexOf('//');
  if (k >= 0) out.push(rest.slice(k));
  // The comment lines directly above (an if/switch header statement: above the whole statement).
  const top = stmt.parent && (stmt.parent.type === 'if_statement' || stmt.parent.type.endsWith('switch_statement')) ? stmt.parent : stmt;
  let lineBreak = text.lastIndexOf('\n', top.startIndex - base - 1);
  while (lineBreak > 0) {
    const from = text.lastIndexOf('\n', lineBreak - 1) + 1;
    const line = text.slice(from, lineBreak).trim();
    if (!line.startsWith('//') && !line.startsWith('/*') && !line.endsWith('*/')) break;
    out.push(line);
    lineBreak = from - 1;
  }
  return out;
}

/** analysistest's expectation comment, `// want "…"`: a note for the test harness, not about the code. */
export const WANT_COMMENT = /^\/\/\s*want\s+"/;

/** A comment that talks about the context choice: the author decided (or knowingly deferred) it. */
export const CONTEXT_COMMENT = /\b(ctx|contexts?|cancel\w*|background|detach\w*|outliv\w*|deadline|independent\w*)\b/i;

/**
 * The index key of a function or method declaration: `f`, or `T.m` for a method of T (pointer and
 * type parameters stripped).
 */
export function declKey(decl: Node): string | undefined {
  const name = field(decl, 'name')?.text;
  if (!name) return undefined;
  if (decl.type === 'function_declaration') return name;
  if (decl.type !== 'method_declaration') return undefined;
  const recv = namedChildren(field(decl, 'receiver')).find((p) => p.type === 'parameter_declaration');
  const t = receiverTypeName(recv ? field(recv, 'type') : null);
  return t ? `${t}.${name}` : undefined;
}

function receiverTypeName(t: Node | null): string | undefined {
  let n = t;
  if (n?.type === 'pointer_type') n = n.namedChild(0);
  if (n?.type === 'generic_type') n = field(n, 'type');
  return n?.type === 'type_identifier' ? n.text : undefined;
}

/** Builtins and predeclared conversions: never a package function, so not worth a key in the index. */
const PREDECLARED_FUNCS: ReadonlySet<string> = new Set(
  'append cap clear close complex copy delete imag len make max min new panic print println real recover bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr any'.split(' '),
);

/**
 * Same-package calls made where a context.Context parameter is in scope, by callee key (`f` for a
 * package function called by name, `T.m` for `r.m(…)` on the receiver r of a method of T) → the name
 * of the first such caller. Only these two forms are followed: a method called on any other operand
 * could belong to any type.
 */
export function callsWithContext(decl: Node, view: ScopeView, out: Map<string, string>): void {
  const body = field(decl, 'body');
  if (!body) return;
  const ctxNames = [...view.imports.byName].filter(([, p]) => p === PKG.context).map(([n]) => `${n}.Context`);
  if (ctxNames.length === 0 && !view.imports.dot.has(PKG.context)) return;
  if (!ctxNames.some((n) => decl.text.includes(n)) && !view.imports.dot.has(PKG.context)) return;
  const caller = field(decl, 'name')?.text ?? '';
  let recvName: Node | undefined;
  let recvType: string | undefined;
  if (decl.type === 'method_declaration') {
    const recv = namedChildren(field(decl, 'receiver')).find((p) => p.type === 'parameter_declaration');
    recvName = recv?.childrenForFieldName('name').find((n): n is Node => !!n) ?? undefined;
    recvType = receiverTypeName(recv ? field(recv, 'type') : null);
  }
  // Every call of the body (literals included), matched in WASM rather than by walking every node.
  for (const { node: n } of captures(queryFor(body, CALLS), body)) {
    const fn = field(n, 'function');
    let key: string | undefined;
    if (fn?.type === 'identifier') {
      // A callee already recorded needs no second look (its first caller is the one kept).
      if (out.has(fn.text)) continue;
      // A package function (declared in this file, or in a sibling, which the scopes do not know).
      const d = view.scopes.resolve(fn);
      if ((!d && !PREDECLARED_FUNCS.has(fn.text)) || (d?.kind === 'func' && d.packageLevel)) key = fn.text;
    }
    else if (fn?.type === 'selector_expression' && recvName && recvType) {
      const op = field(fn, 'operand');
      if (op?.type === 'identifier' && op.text === recvName.text && view.scopes.resolve(op)?.nameNode.id === recvName.id) key = `${recvType}.${field(fn, 'field')?.text ?? ''}`;
    }
    if (!key || out.has(key)) continue;
    // A call in a go or defer statement runs apart from the caller's request (a daemon, a cleanup):
    // the callee is right not to take its context.
    const c = contextInScope(n, view);
    if (!c || c.crossedGo || c.crossedDefer) continue;
    // The caller replaces its own context with what the callee returns (`ctx, cancel = c.fresh()`), or
    // explains the call in a comment: it chose the callee's root on purpose.
    const stmt = statementOf(n);
    if ((stmt.type === 'assignment_statement' || stmt.type === 'short_var_declaration') && namedChildren(field(stmt, 'left')).some((l) => l.text === c.param.text)) continue;
    if (commentsNear(stmt, decl.text, decl.startIndex).some((t) => CONTEXT_COMMENT.test(t) && !WANT_COMMENT.test(t))) continue;
    out.set(key, caller);
  }
}

/** Every call whose callee is a name or a selector. */
const CALLS = '(call_expression function: [(identifier) (selector_expression)]) @call';

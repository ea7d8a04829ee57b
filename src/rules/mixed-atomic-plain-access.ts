import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { PKG } from '../core/semantic/imports';
import { enclosingFunction, field, FUNCTION_TYPES, selectorCall, unparen, walk } from '../core/semantic/nodes';
import { derivedRead } from '../core/semantic/index-reads';
import { ATOMIC_FUNC, type PackageIndex } from '../core/semantic/package-index';
import type { GoType } from '../core/semantic/types';
import type { Fix } from '../core/types';
import { ObjectMemo } from '../core/memo';

/**
 * A package-level variable or a struct field that the package passes by address to sync/atomic
 * functions, read or written plainly elsewhere in the package. The accesses that are safe in practice
 * stay quiet: _test.go files, init functions, fields of a value the function has just built (not yet
 * shared), value receivers and parameters (a copy), reads after a Lock or a Wait in the same function
 * (the sync.Once shape: atomic fast path, plain re-check under the mutex), and an address taken
 * (`&x`, passed on to code this rule does not follow). `x = atomic.AddT(&x, …)` is left to
 * atomic-self-assignment.
 */
export default defineRule({
  id: 'mixed-atomic-plain-access',
  applies: (ctx) => !ctx.file.isTest && targetsOf(ctx.sem.index).any,
  // Every access judged names a target variable or field.
  needs: (ctx) => targetWords(targetsOf(ctx.sem.index)),
  visit: {
    function_declaration: (fn, ctx) => checkFunction(fn, ctx),
    method_declaration: (fn, ctx) => checkFunction(fn, ctx),
  },
});

interface Access {
  node: Node;
  what: string;
  fn: string;
  write: boolean;
}

/**
 * Collects the plain accesses of one top-level function (its literals included) and reports the first
 * in each function body, with the number of others, so a field-by-field copy gives one finding.
 */
function checkFunction(decl: Node, ctx: RuleContext): void {
  if (decl.type === 'function_declaration' && field(decl, 'name')?.text === 'init') return;
  const body = field(decl, 'body');
  if (!body) return;
  const t = targetsOf(ctx.sem.index);
  // Every access judged names a target variable or field: a text check before walking the body.
  if (!targetPattern(t).test(body.text)) return;
  const groups = new Map<number, Access[]>();
  walk(body, (n) => {
    let a: Access | undefined;
    if (n.type === 'identifier') a = varAccess(n, t, ctx);
    else if (n.type === 'selector_expression') a = fieldAccess(n, t, ctx);
    if (a) {
      const fn = enclosingFunction(n)!;
      const list = groups.get(fn.id) ?? [];
      list.push(a);
      groups.set(fn.id, list);
    }
    return true;
  });
  for (const list of groups.values()) {
    const first = list.find((a) => a.write) ?? list[0]!;
    const others = list.length - 1;
    const kind = first.write ? 'written' : 'read';
    ctx.report({
      node: first.node,
      message:
        `${first.node.text} is ${kind} without sync/atomic, but the package accesses ${first.what} with atomic.${first.fn}; the plain access races with the atomic ones` +
        (others > 0 ? ` (${others} more plain ${others === 1 ? 'access' : 'accesses'} of atomic variables in this function)` : ''),
      fixes: first.write || others > 0 ? [] : loadFix(first.node, first.fn, ctx),
    });
  }
}

function varAccess(id: Node, t: Targets, ctx: RuleContext): Access | undefined {
  const fn = t.vars.get(id.text);
  if (!fn) return undefined;
  const d = ctx.sem.resolve(id);
  if (d && (!d.packageLevel || d.kind !== 'var' || d.nameNode.startIndex === id.startIndex)) return undefined;
  if (!d && ctx.sem.imports.byName.has(id.text)) return undefined;
  const p = id.parent;
  if (!p || p.type === 'var_spec' || p.type === 'keyed_element') return undefined;
  // The key of a keyed literal element (`T{counter: 1}`) names a field, not the variable.
  if (p.type === 'literal_element' && p.parent?.type === 'keyed_element' && p.parent.namedChild(0)?.id === p.id) return undefined;
  return access(id, id.text, fn, ctx);
}

function fieldAccess(sel: Node, t: Targets, ctx: RuleContext): Access | undefined {
  const name = field(sel, 'field')?.text;
  if (!name || !t.fieldNames.has(name)) return undefined;
  const operand = field(sel, 'operand');
  if (!operand) return undefined;
  let type = ctx.sem.typeOf(operand);
  if (type?.k === 'pointer') type = type.elem;
  if (type?.k !== 'named' || type.pkg !== '') return undefined;
  const owner = ownerOf(type.name, name, ctx.sem.index);
  const fn = owner ? t.fields.get(`${owner}.${name}`) : undefined;
  if (!fn || constructedOrCopied(operand, ctx)) return undefined;
  return access(sel, `${owner}.${name}`, fn, ctx);
}

function access(node: Node, what: string, fn: string, ctx: RuleContext): Access | undefined {
  let top = node;
  while (top.parent?.type === 'parenthesized_expression') top = top.parent;
  const p = top.parent;
  if (!p) return undefined;
  if (p.type === 'unary_expression' && p.child(0)?.type === '&') return undefined; // address taken
  if (p.type === 'selector_expression' && field(p, 'operand')?.id === top.id) return undefined; // a method or deeper field
  if (p.type === 'call_expression' && field(p, 'function')?.id === top.id) return undefined;
  const func = enclosingFunction(node);
  if (!func || documentedExclusive(func) || constructing(func, node)) return undefined;
  if (insideCall(node, ctx, node.text)) return undefined;
  const write = isWrite(top);
  if (write === 'self') return undefined;
  if (afterSync(node, func)) return undefined;
  return { node, what, fn, write };
}
/** 'self' for `x = atomic.AddT(&x, …)` (atomic-self-assignment's finding), true for other writes. */
function isWrite(n: Node): boolean | 'self' {
  const p = n.parent;
  if (!p) return false;
  if (p.type === 'inc_statement' || p.type === 'dec_statement') return true;
  if (p.type === 'expression_list') {
    const stmt = p.parent;
    if ((stmt?.type === 'assignment_statement' || stmt?.type === 'short_var_declaration') && field(stmt, 'left')?.id === p.id) {
      const right = field(stmt, 'right');
      if (right && right.text.includes(`&${n.text}`) && /atomic\.\w+\(/.test(right.text)) return 'self';
      return true;
    }
  }
  return false;
}

/**
 * After `X.Lock()`, `X.RLock()` or `X.Wait()` in the same function (outside nested literals): a lock
 * protocol (atomics for the lock-free path, plain access under the mutex, as sync.Once did) or a read
 * once the goroutines are done.
 */
function afterSync(node: Node, func: Node): boolean {
  const body = field(func, 'body');
  if (!body) return false;
  let found = false;
  walk(body, (n) => {
    if (found || n.startIndex >= node.startIndex) return false;
    if (FUNCTION_TYPES.has(n.type)) return false;
    const sc = selectorCall(n);
    if (sc && (sc.name === 'Lock' || sc.name === 'RLock' || sc.name === 'Wait') && n.endIndex <= node.startIndex) found = true;
    return !found;
  });
  return found;
}

/**
 * The selector's root is a value this function built (`s := &T{}`, `var s T`, `new(T)`), so no other
 * goroutine can see it yet; or a value receiver or parameter of struct type (the field of a copy).
 */
function constructedOrCopied(operand: Node, ctx: RuleContext): boolean {
  let root = unparen(operand);
  while (root.type === 'selector_expression') root = unparen(field(root, 'operand')!);
  if (root.type !== 'identifier') return false;
  const d = ctx.sem.resolve(root);
  if (!d || d.packageLevel) return false;
  if (d.kind === 'receiver' || d.kind === 'param') return root.id === unparen(operand).id && d.typeNode?.type !== 'pointer_type';
  if (d.kind !== 'var') return false;
  if (!d.valueNode) return !d.tupleCall && !!d.typeNode; // `var s T`
  let v = unparen(d.valueNode);
  if (v.type === 'unary_expression' && v.child(0)?.type === '&') v = unparen(field(v, 'operand') ?? v);
  if (v.type === 'composite_literal') return true;
  return v.type === 'call_expression' && field(v, 'function')?.text === 'new';
}

/**
 * Inside a call to package unsafe (Sizeof, Offsetof), or inside the arguments of a sync/atomic call on
 * the same variable: `atomic.StoreUint64(&s.next, s.next+1)` is the single writer's read-modify-write,
 * and other goroutines only load.
 */
function insideCall(node: Node, ctx: RuleContext, text: string): boolean {
  for (let p = node.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) {
    if (p.type !== 'call_expression') continue;
    if (ctx.sem.packageCall(p, 'unsafe')) return true;
    const name = ctx.sem.packageCall(p, PKG.atomic);
    if (name && ATOMIC_FUNC.test(name) && p.text.includes(`&${text}`)) return true;
  }
  return false;
}

/**
 * Code that builds the value before anyone shares it: a function or method named new…/init…
 * (`InitExtensionInfo(xi, …)`), or a functional option, a func literal returned by its function whose
 * parameter is the root of the access (`return func(o *T) { o.noop = 1 }`).
 */
function constructing(func: Node, node: Node): boolean {
  let decl: Node | null = func;
  while (decl && decl.type !== 'function_declaration' && decl.type !== 'method_declaration') decl = decl.parent;
  if (decl && /^(new|init)/i.test(field(decl, 'name')?.text ?? '')) return true;
  if (func.type !== 'func_literal') return false;
  let up = func.parent;
  while (up && (up.type === 'parenthesized_expression' || up.type === 'expression_list')) up = up.parent;
  if (up?.type !== 'return_statement') return false;
  let root = node;
  while (root.type === 'selector_expression') root = unparen(field(root, 'operand')!);
  const params = field(func, 'parameters');
  return root.type === 'identifier' && !!params && params.text.includes(root.text) &&
    params.namedChildren.some((p) => p?.childrenForFieldName('name').some((n) => n?.text === root.text));
}

/** The function's doc comment says it runs alone: for tests only, not thread-safe, or with a lock held. */
function documentedExclusive(func: Node): boolean {
  let decl: Node | null = func;
  while (decl && decl.type !== 'function_declaration' && decl.type !== 'method_declaration') decl = decl.parent;
  if (!decl) return false;
  let doc = '';
  let row = decl.startPosition.row;
  for (let c = decl.previousSibling; c?.type === 'comment' && c.endPosition.row === row - 1; c = c.previousSibling) {
    doc = `${c.text}\n${doc}`;
    row = c.startPosition.row;
  }
  return /\b(for )?test(ing|s)? only\b|only (for|in|used (in|by)) tests?\b|not (thread|goroutine|concurrency)[- ]safe|(doesn't|does not|need not|needn't) (need to )?be (thread|goroutine|concurrency)[- ]safe|(lock|mutex|mu)\b[^.\n]*(is|be|must be) held|caller (must )?holds?/i.test(doc);
}

/** A read becomes `atomic.LoadT(&x)` when the file imports sync/atomic by name and T is an integer. */
function loadFix(read: Node, fn: string, ctx: RuleContext): Fix[] {
  const m = ATOMIC_FUNC.exec(fn);
  if (!m || m[2] === 'Pointer') return [];
  const name = [...ctx.sem.imports.byName].find(([, p]) => p === PKG.atomic)?.[0];
  if (!name) return [];
  return [{
    title: `Read it with atomic.Load${m[2]}`,
    safety: 'safe',
    edits: [{ start: read.startIndex, end: read.endIndex, newText: `${name}.Load${m[2]}(&${read.text})` }],
  }];
}

interface Targets {
  any: boolean;
  /** package variable → atomic function */
  vars: Map<string, string>;
  /** "Owner.field" (the struct type that declares the field) → atomic function */
  fields: Map<string, string>;
  fieldNames: Set<string>;
}

const memo = new ObjectMemo<PackageIndex, Targets>('atomicTargets');

const patterns = new ObjectMemo<Targets, RegExp>('atomicPattern');

/** The names of the targets (variables and field names) as words; matches nothing when there are none. */
function targetPattern(t: Targets): RegExp {
  let re = patterns.get(t);
  if (!re) {
    const names = targetWords(t);
    // A name that is not a plain identifier cannot be searched as a word: then every body is walked.
    if (names.some((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))) re = /[^]/;
    else re = names.length ? new RegExp(`\\b(?:${names.join('|')})\\b`) : /(?!)/;
    patterns.set(t, re);
  }
  return re;
}

/**
 * The names of the targets, one array per targets object: the engine keeps a rule's gate while its
 * words are the same array (see gatesOf in engine.ts).
 */
function targetWords(t: Targets): string[] {
  let words = wordsOfTargets.get(t);
  if (!words) wordsOfTargets.set(t, (words = [...t.vars.keys(), ...t.fieldNames]));
  return words;
}

const wordsOfTargets = new ObjectMemo<Targets, string[]>('atomicWords');

function targetsOf(idx: PackageIndex): Targets {
  // One derived read: users depend on the targets, not on every table they were computed from.
  return derivedRead(idx, 'atomicTargets', computeTargets, (t) => JSON.stringify([t.any, [...t.vars], [...t.fields], [...t.fieldNames]]));
}

function computeTargets(idx: PackageIndex): Targets {
  let t = memo.get(idx);
  if (t) return t;
  t = { any: false, vars: new Map(), fields: new Map(), fieldNames: new Set() };
  for (const r of idx.atomicRefs) {
    if ('var' in r.root && r.path.length === 0) {
      if (!t.vars.has(r.root.var)) t.vars.set(r.root.var, r.fn);
      continue;
    }
    let type: GoType | undefined = 'type' in r.root ? { k: 'named', pkg: '', name: r.root.type } : idx.vars.get(r.root.var);
    for (let i = 0; i < r.path.length - 1 && type; i++) type = fieldType(type, r.path[i]!, idx);
    if (type?.k === 'pointer') type = type.elem;
    if (type?.k !== 'named' || type.pkg !== '') continue;
    const last = r.path[r.path.length - 1]!;
    const owner = ownerOf(type.name, last, idx);
    if (!owner) continue;
    const key = `${owner}.${last}`;
    if (!t.fields.has(key)) t.fields.set(key, r.fn);
    t.fieldNames.add(last);
  }
  t.any = t.vars.size > 0 || t.fields.size > 0;
  memo.set(idx, t);
  return t;
}

function fieldType(t: GoType, name: string, idx: PackageIndex): GoType | undefined {
  const base = t.k === 'pointer' ? t.elem : t;
  if (base.k !== 'named' || base.pkg !== '') return undefined;
  const owner = ownerOf(base.name, name, idx);
  return owner ? idx.structs.get(owner)?.find((f) => f.name === name)?.type : undefined;
}

/** The package struct type that declares field `name` for a value of type `typeName` (through embedding). */
function ownerOf(typeName: string, name: string, idx: PackageIndex, depth = 0): string | undefined {
  if (depth > 4) return undefined;
  const fields = idx.structs.get(typeName);
  if (!fields) return undefined;
  if (fields.some((f) => f.name === name)) return typeName;
  for (const f of fields) {
    if (!f.embedded) continue;
    const e = f.type.k === 'pointer' ? f.type.elem : f.type;
    if (e.k !== 'named' || e.pkg !== '') continue;
    const o = ownerOf(e.name, name, idx, depth + 1);
    if (o) return o;
  }
  return undefined;
}

import type { SyntaxNode as Node } from '../syntax/node';
import { collectImports, type Imports } from './imports';
import { field, namedChildren, selectorCall, unparen } from './nodes';
import { walk } from './walk';
import { callsWithContext } from './context';
import { derivedRead } from './index-reads';
import { captures, queryFor } from './queries';
import { Scopes } from './scopes';
import { parseType, resultTypes, structFields, type GoType, type StructField } from './types';
import { ObjectMemo } from '../memo';

/**
 * What one package declares, as plain data (no tree nodes): built from every .go file of a directory
 * that shares the package clause, so a rule in one file sees struct types and functions of its siblings.
 */
export interface FuncInfo {
  name: string;
  params: ParamInfo[];
  results: GoType[];
}

export interface ParamInfo {
  name: string;
  type: GoType;
  /**
   * For a sync.WaitGroup or testing parameter: the methods of FOLLOWED_CALLS called on it in the body,
   * outside nested func literals.
   */
  paramCalls: string[];
  /** The body starts goroutines (outside nested func literals) after calling Add on this parameter. */
  startsGoroutines: boolean;
  /** The body compares this parameter with nil (`p == nil`, `p != nil`): it handles a nil argument. */
  nilChecked?: boolean;
}

/**
 * An operand `&X` of a sync/atomic function (`atomic.AddInt64(&X, 1)`), where X is a package-level
 * variable (`root.var` and no path) or a field reached from a variable of a package type: `root.type`
 * when the root's type is written in the function (receiver, parameter, typed or literal local),
 * `root.var` for a package-level variable, and `path` the field names after the root.
 */
export interface AtomicRef {
  root: { var: string } | { type: string };
  path: string[];
  /** The sync/atomic function, e.g. AddInt64. */
  fn: string;
}

export interface MethodInfo {
  name: string;
  pointer: boolean;
  results: GoType[];
}

export interface PackageIndex {
  packageName: string;
  structs: Map<string, StructField[]>;
  /** Declared types that are not structs: name → underlying type. */
  namedTypes: Map<string, GoType>;
  /** Methods by receiver base type name. */
  methods: Map<string, MethodInfo[]>;
  funcs: Map<string, FuncInfo>;
  /** Package-level variables with a known type. */
  vars: Map<string, GoType>;
  /** Package-level variables whose type is not written (`var x = f()`): the identifiers of the value. */
  untypedVars: Map<string, string[]>;
  /**
   * Types declared inside functions, consulted when no package-level type has the name (a local type
   * is only visible in its function, so a clash between two functions' local types is possible but rare).
   */
  localStructs: Map<string, StructField[]>;
  localNamedTypes: Map<string, GoType>;
  /** Variables and fields the package passes by address to sync/atomic functions. */
  atomicRefs: AtomicRef[];
  /**
   * Calls made with a context.Context parameter in scope: callee key (`f`, or `T.m` for a call on a
   * method's own receiver) → the first caller's name. See callsWithContext in context.ts.
   */
  ctxCallers: Map<string, string>;
}

export function emptyIndex(packageName = ''): PackageIndex {
  return {
    packageName,
    structs: new Map(),
    namedTypes: new Map(),
    methods: new Map(),
    funcs: new Map(),
    vars: new Map(),
    untypedVars: new Map(),
    localStructs: new Map(),
    localNamedTypes: new Map(),
    atomicRefs: [],
    ctxCallers: new Map(),
  };
}

export function packageNameOf(root: Node): string {
  // The clause is the first declaration after comments: stop there, and read each child by itself
  // (see SyntaxNode.child) rather than list every child.
  const count = root.childCount;
  for (let i = 0; i < count; i++) {
    const c = root.child(i)!;
    if (!c.isNamed) continue;
    if (c.type === 'package_clause') return c.namedChild(0)?.text ?? '';
    if (c.type !== 'comment' && c.type !== 'ERROR') return '';
  }
  return '';
}

/** Index of one file's top-level declarations. */
export function indexFile(root: Node, imports: Imports = collectImports(root)): PackageIndex {
  const idx = emptyIndex(packageNameOf(root));
  for (const decl of namedChildren(root)) {
    indexDecl(decl, imports, idx);
    // Its nodes die young: the analysis reads the declaration again when it comes to it.
    decl.release();
  }
  return idx;
}

/** Adds what one top-level declaration contributes (including types declared inside a function). */
export function indexDecl(decl: Node, imports: Imports, idx: PackageIndex = emptyIndex()): PackageIndex {
  switch (decl.type) {
    case 'type_declaration':
      indexTypes(decl, imports, idx.structs, idx.namedTypes);
      break;
    case 'method_declaration': {
      const recv = namedChildren(field(decl, 'receiver')).find((p) => p.type === 'parameter_declaration');
      let t = recv ? field(recv, 'type') : null;
      let pointer = false;
      if (t?.type === 'pointer_type') {
        pointer = true;
        t = t.namedChild(0);
      }
      if (t?.type === 'generic_type') t = field(t, 'type');
      const name = field(decl, 'name')?.text;
      if (t && name) {
        const list = idx.methods.get(t.text) ?? [];
        list.push({ name, pointer, results: resultTypes(field(decl, 'result'), imports) });
        idx.methods.set(t.text, list);
      }
      break;
    }
    case 'function_declaration': {
      const name = field(decl, 'name')?.text;
      if (name) idx.funcs.set(name, funcInfo(decl, name, imports));
      break;
    }
    case 'var_declaration':
      for (const spec of varSpecs(decl)) {
        const type = field(spec, 'type');
        const values = namedChildren(field(spec, 'value'));
        spec.childrenForFieldName('name').forEach((n, i) => {
          if (!n) return;
          let t: GoType | undefined = type ? parseType(type, imports) : undefined;
          const v = values[i];
          if (!t && v?.type === 'composite_literal') t = parseType(field(v, 'type'), imports);
          if (t) idx.vars.set(n.text, t);
          else {
            const value = values.length === spec.childrenForFieldName('name').length ? v : field(spec, 'value');
            idx.untypedVars.set(n.text, [...new Set(value?.text.match(WORDS) ?? [])]);
          }
        });
      }
      break;
  }
  // Types declared inside a function body, and the operands of its sync/atomic calls.
  if (decl.type === 'function_declaration' || decl.type === 'method_declaration') {
    const body = field(decl, 'body');
    if (body) collectAtomicRefs(body, imports, idx.atomicRefs);
    if (body) callsWithContext(decl, { imports, scopes: new Scopes() }, idx.ctxCallers);
    // Only a body that can declare a type (`type T …`, not `.(type)`) is searched, in WASM.
    if (body && LOCAL_TYPE_TEXT.test(body.text)) {
      for (const { node } of captures(queryFor(body, LOCAL_TYPES), body)) indexTypes(node, imports, idx.localStructs, idx.localNamedTypes);
    }
  }
  return idx;
}

function indexTypes(decl: Node, imports: Imports, structs: Map<string, StructField[]>, named: Map<string, GoType>): void {
  for (const spec of namedChildren(decl)) {
    if (spec.type !== 'type_spec' && spec.type !== 'type_alias') continue;
    const name = field(spec, 'name')?.text;
    const type = field(spec, 'type');
    if (!name || !type || structs.has(name) || named.has(name)) continue;
    if (type.type === 'struct_type') structs.set(name, structFields(type, imports));
    else named.set(name, parseType(type, imports));
  }
}

function varSpecs(decl: Node): Node[] {
  const out: Node[] = [];
  for (const c of namedChildren(decl)) {
    if (c.type === 'var_spec') out.push(c);
    else if (c.type === 'var_spec_list') out.push(...namedChildren(c).filter((s) => s.type === 'var_spec'));
  }
  return out;
}

/**
 * The methods of a WaitGroup or testing parameter that rules ask about: Add (waitgroup-add-in-goroutine),
 * and those that end the calling goroutine (testing-fatal-in-goroutine).
 */
const FOLLOWED_CALLS: ReadonlySet<string> = new Set(['Add', 'Fatal', 'Fatalf', 'FailNow', 'Skip', 'Skipf', 'SkipNow']);

const followedCalls = new Map<string, RegExp>();
function followedCall(name: string): RegExp {
  let re = followedCalls.get(name);
  if (!re) {
    re = new RegExp(`\\b${name}\\s*\\.\\s*(?:${[...FOLLOWED_CALLS].join('|')})\\b`);
    if (followedCalls.size > 4096) followedCalls.clear();
    followedCalls.set(name, re);
  }
  return re;
}

/** `p == nil`, `nil != p`, …: compiled once per parameter name (ctx, t, opts, … repeat). */
const nilChecks = new Map<string, RegExp>();
function nilCheck(name: string): RegExp {
  let re = nilChecks.get(name);
  if (!re) {
    re = new RegExp(`\\b${name}\\s*[!=]=\\s*nil\\b|\\bnil\\s*[!=]=\\s*${name}\\b`);
    if (nilChecks.size > 4096) nilChecks.clear();
    nilChecks.set(name, re);
  }
  return re;
}

function funcInfo(decl: Node, name: string, imports: Imports): FuncInfo {
  const params: ParamInfo[] = [];
  for (const p of namedChildren(field(decl, 'parameters'))) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const type = parseType(field(p, 'type'), imports);
    const names = p.childrenForFieldName('name').filter((n): n is Node => !!n);
    if (names.length === 0) params.push({ name: '', type, paramCalls: [], startsGoroutines: false });
    for (const n of names) params.push({ name: n.text, type, paramCalls: [], startsGoroutines: false });
  }
  // Only WaitGroup and testing parameters are followed (what `go worker(&wg)` and `go helper(t)` need);
  // a text check first avoids walking bodies that cannot call a method on one.
  const body = field(decl, 'body');
  const text = body && params.some((p) => p.name) ? body.text : '';
  if (text.includes('nil')) {
    for (const p of params) if (p.name && text.includes(p.name) && nilCheck(p.name).test(text)) p.nilChecked = true;
  }
  // Of the methods called on one, only those the rules ask about are recorded (see FOLLOWED_CALLS).
  const wgParams = params.filter((p) => p.name && isTracked(p.type));
  if (body && wgParams.length && wgParams.some((p) => followedCall(p.name).test(text))) {
    const byName = new Map(wgParams.map((p) => [p.name, p] as const));
    // In document order, outside function literals: method calls on a parameter (`wg.Add(1)`), and go
    // statements after an Add. One query matched in WASM instead of a walk over every node of the body
    // (test helpers with a `t` parameter are most functions of a test file).
    let skipUntil = -1;
    for (const { name, node } of captures(queryFor(body, PARAM_CALLS), body)) {
      if (node.startIndex < skipUntil) continue;
      if (name === 'lit') skipUntil = node.endIndex;
      else if (name === 'go') {
        for (const p of wgParams) if (p.paramCalls.includes('Add')) p.startsGoroutines = true;
      } else if (name === 'call') {
        const sc = selectorCall(node);
        const p = sc && sc.operand.type === 'identifier' ? byName.get(sc.operand.text) : undefined;
        if (p && FOLLOWED_CALLS.has(sc!.name) && !p.paramCalls.includes(sc!.name)) p.paramCalls.push(sc!.name);
      }
    }
  }
  return { name, params, results: resultTypes(field(decl, 'result'), imports) };
}

const LOCAL_TYPES = '(type_declaration) @type';
const LOCAL_TYPE_TEXT = /\btype\s*[(\p{L}_]/u;

/** Function literals, go statements and method calls on a plain name, for the parameter facts of funcInfo. */
const PARAM_CALLS = '(func_literal) @lit (go_statement) @go (call_expression function: (selector_expression operand: (identifier))) @call';

/** Merges per-file indexes of one package (first declaration wins on duplicates). */
export function mergeIndexes(parts: PackageIndex[]): PackageIndex {
  const out = emptyIndex(parts[0]?.packageName ?? '');
  for (const p of parts) {
    for (const [k, v] of p.structs) if (!out.structs.has(k)) out.structs.set(k, v);
    for (const [k, v] of p.namedTypes) if (!out.namedTypes.has(k)) out.namedTypes.set(k, v);
    for (const [k, v] of p.funcs) if (!out.funcs.has(k)) out.funcs.set(k, v);
    for (const [k, v] of p.vars) if (!out.vars.has(k)) out.vars.set(k, v);
    for (const [k, v] of p.untypedVars) out.untypedVars.set(k, v);
    for (const [k, v] of p.methods) out.methods.set(k, [...(out.methods.get(k) ?? []), ...v]);
    out.atomicRefs.push(...p.atomicRefs);
    for (const [k, v] of p.ctxCallers) if (!out.ctxCallers.has(k)) out.ctxCallers.set(k, v);
  }
  for (const p of parts) {
    for (const [k, v] of p.localStructs) if (!out.structs.has(k) && !out.namedTypes.has(k)) out.structs.set(k, v);
    for (const [k, v] of p.localNamedTypes) if (!out.structs.has(k) && !out.namedTypes.has(k)) out.namedTypes.set(k, v);
  }
  return out;
}

/**
 * One index's content as text (maps as entry lists): equal text, equal index for every reader. Memoised
 * per index object; the editor compares a re-indexed declaration with its previous version by it.
 */
const texts = new ObjectMemo<PackageIndex, string>('indexText');
export function indexText(idx: PackageIndex): string {
  let t = texts.get(idx);
  if (t === undefined) {
    t = JSON.stringify(idx, (_k, v: unknown) => (v instanceof Map ? [...v] : v));
    texts.set(idx, t);
  }
  return t;
}

function isTracked(t: GoType): boolean {
  const base = t.k === 'pointer' ? t.elem : t;
  if (base.k !== 'named') return false;
  return (base.pkg === 'sync' && base.name === 'WaitGroup') || (base.pkg === 'testing' && ['T', 'B', 'F', 'TB'].includes(base.name));
}

/** Whether any type the package declares holds a lock by value (memoised per index). */
const holdsLocks = new ObjectMemo<PackageIndex, boolean>('holdsLocks');
export function packageHasLockTypes(idx: PackageIndex): boolean {
  return derivedRead(idx, 'packageHasLockTypes', (real) => {
    let v = holdsLocks.get(real);
    if (v === undefined) {
      v = [...real.structs.keys(), ...real.namedTypes.keys()].some((name) => lockPath({ k: 'named', pkg: '', name }, real) !== undefined);
      holdsLocks.set(real, v);
    }
    return v;
  });
}

/**
 * The words (identifiers) of which an expression whose type holds a lock must have one in its
 * declaration, as far as typeOf can tell (see FileSemantics.typeOf): the types that hold locks (the
 * package's and sync's / sync/atomic's), and every name whose type is written elsewhere and mentions
 * one: fields, package variables, functions and methods by their results, other named types. A
 * package variable without a written type (`var x = f()`) may have any type: every such name is in.
 */
export function lockWords(idx: PackageIndex): string[] {
  return derivedRead(idx, 'lockWords', (real) => {
    let v = lockWordCache.get(real);
    if (!v) lockWordCache.set(real, (v = computeLockWords(real)));
    return v;
  }, (v) => v.join(' '));
}

const WORDS = /[\p{L}_][\p{L}\p{N}_]*/gu;

const lockWordCache = new ObjectMemo<PackageIndex, string[]>('lockWords');

function computeLockWords(idx: PackageIndex): string[] {
  const words = new Set<string>([...SYNC_LOCKS, ...ATOMIC_LOCKS]);
  const lockTypes = new Set<string>();
  for (const table of [idx.structs, idx.namedTypes, idx.localStructs, idx.localNamedTypes]) {
    for (const name of table.keys()) if (lockPath({ k: 'named', pkg: '', name }, idx)) lockTypes.add(name);
  }
  for (const name of lockTypes) words.add(name);
  const mentions = (t: GoType, depth = 0): boolean => {
    if (depth > 16) return true;
    switch (t.k) {
      case 'named':
        return t.pkg === '' ? lockTypes.has(t.name) : (t.pkg === 'sync' && SYNC_LOCKS.has(t.name)) || (t.pkg === 'sync/atomic' && ATOMIC_LOCKS.has(t.name));
      case 'pointer':
      case 'slice':
      case 'array':
      case 'chan':
        return mentions(t.elem, depth + 1);
      case 'map':
        return mentions(t.key, depth + 1) || mentions(t.elem, depth + 1);
      case 'struct':
        return t.fields.some((f) => mentions(f.type, depth + 1));
      case 'func':
        return t.results.some((r) => mentions(r, depth + 1));
      default:
        return false;
    }
  };
  // Fields and methods are reached only through a selector: `.name`.
  for (const table of [idx.structs, idx.localStructs]) for (const fields of table.values()) for (const f of fields) if (mentions(f.type)) words.add(`.${f.name}`);
  for (const table of [idx.namedTypes, idx.localNamedTypes]) for (const [name, t] of table) if (mentions(t)) words.add(name);
  for (const [name, t] of idx.vars) if (mentions(t)) words.add(name);
  for (const [name, f] of idx.funcs) if (f.results.some((r) => mentions(r))) words.add(name);
  for (const list of idx.methods.values()) for (const m of list) if (m.results.some((r) => mentions(r))) words.add(`.${m.name}`);
  // A variable without a written type has its value's type: in when its value has one of the words.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, inValue] of idx.untypedVars) {
      if (words.has(name) || !inValue.some((w) => words.has(w) || words.has(`.${w}`))) continue;
      words.add(name);
      grew = true;
    }
  }
  return [...words].filter((w) => /^\.?[\p{L}_][\p{L}\p{N}_]*$/u.test(w) && w !== '_').sort();
}

const SYNC_LOCKS = new Set(['Mutex', 'RWMutex', 'WaitGroup', 'Once', 'Cond', 'Map', 'Pool']);
const ATOMIC_LOCKS = new Set(['Bool', 'Int32', 'Int64', 'Uint32', 'Uint64', 'Uintptr', 'Pointer']);

/**
 * The containment path from t to a lock, outermost first (["Config", "sync.Mutex"]), or undefined when
 * a value of t holds no lock. Follows go vet copylock: arrays and struct fields are followed; pointers,
 * slices, maps, chans, funcs and interfaces are not (copying them does not copy the lock). A package
 * type with pointer-receiver Lock and Unlock methods is a lock itself (the noCopy convention).
 */
export function lockPath(t: GoType, idx: PackageIndex, seen: Set<string> = new Set()): string[] | undefined {
  switch (t.k) {
    case 'array':
      return lockPath(t.elem, idx, seen);
    case 'struct':
      for (const f of t.fields) {
        const p = lockPath(f.type, idx, seen);
        if (p) return p;
      }
      return undefined;
    case 'named': {
      if (t.pkg === 'sync') return SYNC_LOCKS.has(t.name) ? [`sync.${t.name}`] : undefined;
      if (t.pkg === 'sync/atomic') return ATOMIC_LOCKS.has(t.name) ? [`atomic.${t.name}`] : undefined;
      if (t.pkg !== '') return undefined; // another package: unknown without types → not reported
      if (seen.has(t.name)) return undefined;
      seen.add(t.name);
      const methods = idx.methods.get(t.name) ?? [];
      const hasPtr = (m: string) => methods.some((x) => x.name === m && x.pointer);
      if (hasPtr('Lock') && hasPtr('Unlock')) return [t.name];
      const fields = idx.structs.get(t.name);
      if (fields) {
        for (const f of fields) {
          const p = lockPath(f.type, idx, seen);
          if (p) return [t.name, ...p];
        }
        return undefined;
      }
      const under = idx.namedTypes.get(t.name);
      if (under) {
        const p = lockPath(under, idx, seen);
        if (p) return [t.name, ...p];
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The sync/atomic functions that take the address of the value they work on. */
export const ATOMIC_FUNC = /^(Add|Load|Store|Swap|CompareAndSwap|And|Or)(Int32|Int64|Uint32|Uint64|Uintptr|Pointer)$/;

function collectAtomicRefs(body: Node, imports: Imports, out: AtomicRef[]): void {
  const names = [...imports.byName].filter(([, p]) => p === 'sync/atomic').map(([n]) => n);
  if (names.length === 0) return;
  const text = body.text;
  if (!names.some((n) => text.includes(`${n}.`))) return;
  let scopes: Scopes | undefined;
  walk(body, (n) => {
    if (n.type !== 'call_expression') return true;
    const sc = selectorCall(n);
    if (!sc || sc.operand.type !== 'identifier' || !names.includes(sc.operand.text) || !ATOMIC_FUNC.test(sc.name)) return true;
    const arg = namedChildren(field(n, 'arguments'))[0];
    const addr = arg ? unparen(arg) : undefined;
    if (!addr || addr.type !== 'unary_expression' || addr.child(0)?.type !== '&') return true;
    const target = field(addr, 'operand');
    if (!target) return true;
    const path: string[] = [];
    let root = unparen(target);
    while (root.type === 'selector_expression') {
      const f = field(root, 'field');
      const o = field(root, 'operand');
      if (!f || !o) return true;
      path.unshift(f.text);
      root = unparen(o);
    }
    if (root.type !== 'identifier') return true;
    scopes ??= new Scopes();
    const d = scopes.resolve(root);
    if (!d || d.packageLevel) {
      if (d && d.kind !== 'var') return true;
      if (!d && imports.byName.has(root.text)) return true; // another package's variable
      out.push({ root: { var: root.text }, path, fn: sc.name });
      return true;
    }
    // A local: only a field of it, and only when its type is written here.
    if (path.length === 0) return true;
    let t: GoType | undefined;
    if (d.typeNode) t = parseType(d.typeNode, imports);
    else if (d.valueNode) {
      let v = unparen(d.valueNode);
      if (v.type === 'unary_expression' && v.child(0)?.type === '&') v = unparen(field(v, 'operand') ?? v);
      if (v.type === 'composite_literal') t = parseType(field(v, 'type'), imports);
    }
    if (t?.k === 'pointer') t = t.elem;
    if (t?.k === 'named' && t.pkg === '') out.push({ root: { type: t.name }, path, fn: sc.name });
    return true;
  });
}

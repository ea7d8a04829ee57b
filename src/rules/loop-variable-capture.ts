import type { SyntaxNode as Node } from '../core/syntax/node';
import { buildConstraintVersion } from '../core/go-version';
import { defineRule, type RuleContext } from '../core/rule';
import { isNoReturnCall } from '../core/semantic/flow';
import { PKG } from '../core/semantic/imports';
import { callArgs, field, indentAt, namedChildren, selectorCall, statementsOf, unparen, walk } from '../core/semantic/nodes';
import type { Decl } from '../core/semantic/scopes';
import { isNamedOrPointer } from '../core/semantic/types';
import type { Fix } from '../core/types';

/**
 * A loop variable read by a function literal that runs after the iteration moved on, in files whose
 * language version is before Go 1.22 (one variable per loop, not per iteration). The literal must be
 * started by `go` or `defer`, passed to an errgroup's `Go`, or be a `testing.T.Run` subtest after its
 * `t.Parallel()` (go vet loopclosure's shapes).
 *
 * go/defer/Go count where nothing after them in the iteration can wait for the closure: vet's
 * "last statement" (recursively through if/switch/select/for/blocks), widened to statements followed
 * only by call-free assignments before the end of the body or a `continue` of the loop. A deferred
 * literal also counts anywhere else in the iteration, as long as some path goes on to the next one
 * (nothing can make it run before the function returns). Parallel
 * subtests are reported wherever they stand in the loop (they resume only after the test function
 * returns), but only for statements after the last label of the subtest's body (a goto could skip
 * t.Parallel). Unknown versions count as older Go, like the rest of the engine.
 */
export default defineRule({
  id: 'loop-variable-capture',
  // Visits for statements only.
  needs: ['for'],
  applies: (ctx) => sharedLoopVariables(ctx),
  visit: {
    for_statement(loop, ctx) {
      // Every shape reported runs a function literal written in the loop body: without one, nothing to
      // judge (a cheap text check before resolving the loop variables).
      if (!/\bfunc\b/.test(field(loop, 'body')?.text ?? '')) return;
      const vars = loopVars(loop, ctx);
      if (vars.length === 0) return;
      const body = field(loop, 'body');
      if (!body) return;
      const seen = new Set<string>();
      const fixed = new Set<string>();
      const check = (kind: Kind, site: Node, stmts: Node[]): void => {
        for (const v of vars) {
          const ref = firstRef(stmts, v, ctx);
          if (!ref) continue;
          const k = `${ref.startIndex}:${v.name}`;
          if (seen.has(k)) continue;
          seen.add(k);
          const fix = fixed.has(v.name) ? undefined : copyFix(loop, body, v, ctx);
          fixed.add(v.name);
          ctx.report({
            node: ref,
            message: MESSAGE[kind](v.name),
            related: [
              { node: site, message: SITE[kind] },
              { node: v.ident, message: `${v.name} is declared once for the whole loop` },
            ],
            fixes: fix ? [fix] : undefined,
          });
        }
      };
      forEachLast(statementsOf(body), true, new Set(labelOf(loop) ? [labelOf(loop)!] : []), (s) => {
        const a = asyncLiteral(s, ctx);
        if (a) check(a.kind, s, statementsOf(field(a.lit, 'body')));
      });
      // A deferred literal runs when the function returns: any later iteration changes what it sees.
      for (const d of deferredLiterals(body)) {
        if (mayReachNextIteration(d.stmt, loop)) check('defer', d.stmt, statementsOf(field(d.lit, 'body')));
      }
      for (const run of parallelSubtests(body, ctx)) check('subtest', run.call, run.stmts);
    },
  },
});

/**
 * Loop variables are shared before Go 1.22. A file's `//go:build go1.N` line sets its language version
 * even below its module's (Go 1.21+ toolchains use max(N, 1.21)), so `//go:build go1.21` keeps the old
 * semantics in a newer module; the engine's version only ever raises, which suits the rules that
 * depend on the toolchain, so the downgrade is applied here.
 */
function sharedLoopVariables(ctx: RuleContext): boolean {
  const fileVersion = buildConstraintVersion(ctx.file.text);
  if (fileVersion !== undefined) return fileVersion < 22;
  return ctx.file.goVersion === undefined || ctx.file.goVersion < 22;
}

type Kind = 'go' | 'defer' | 'errgroup' | 'subtest';

const SHARED = (n: string): string => `before Go 1.22 every iteration shares one ${n}`;
const MESSAGE: Record<Kind, (n: string) => string> = {
  go: (n) => `loop variable ${n} is captured by a goroutine started in the loop; ${SHARED(n)}, so the goroutine may see a later value and races with the loop`,
  errgroup: (n) => `loop variable ${n} is captured by a function the errgroup runs on its own goroutine; ${SHARED(n)}, so it may see a later value and races with the loop`,
  defer: (n) => `loop variable ${n} is captured by a deferred function literal; ${SHARED(n)}, so every deferred call sees the value it holds when the function returns`,
  subtest: (n) => `loop variable ${n} is used by a parallel subtest after t.Parallel(); ${SHARED(n)}, and parallel subtests resume only after the loop has finished`,
};
const SITE: Record<Kind, string> = {
  go: 'the goroutine is started here, and the iteration ends without waiting for it',
  errgroup: 'the function is handed to the errgroup here, and the iteration ends without waiting for it',
  defer: 'the deferred call runs only when the enclosing function returns',
  subtest: 'this subtest calls t.Parallel, so the rest of it runs after the test function returns',
};

interface LoopVar {
  name: string;
  /** The identifier in the loop header. */
  ident: Node;
  /** Its declaration (undefined: a package-level variable of another file). */
  decl: Decl | undefined;
  /** Declared by this loop with := (else assigned to an outer variable). */
  own: boolean;
  /** A three-clause loop (its variable carries over between iterations). */
  counted: boolean;
}

/**
 * The variables the loop updates: the identifiers on the left of a range clause, or those the post
 * statement of a three-clause loop assigns or increments (as vet: `for i := 0; …; i++`,
 * `for p = head; p != nil; p = p.next`).
 */
function loopVars(loop: Node, ctx: RuleContext): LoopVar[] {
  const out: LoopVar[] = [];
  const add = (id: Node, own: boolean, counted: boolean): void => {
    if (id.type !== 'identifier' || id.text === '_') return;
    if (out.some((v) => v.name === id.text)) return;
    const decl = ctx.sem.resolve(id);
    if (decl && decl.kind !== 'var' && decl.kind !== 'range' && decl.kind !== 'param' && decl.kind !== 'result') return;
    out.push({ name: id.text, ident: decl?.nameNode ?? id, decl, own, counted });
  };
  for (const c of namedChildren(loop)) {
    if (c.type === 'range_clause') {
      const own = c.children.some((t) => t?.type === ':=');
      for (const id of namedChildren(field(c, 'left'))) add(id, own, false);
    } else if (c.type === 'for_clause') {
      const update = field(c, 'update');
      const init = field(c, 'initializer');
      const declared = new Set(init?.type === 'short_var_declaration' ? namedChildren(field(init, 'left')).map((n) => n.text) : []);
      if (update?.type === 'inc_statement' || update?.type === 'dec_statement') {
        const x = update.namedChild(0);
        if (x) add(x, declared.has(x.text), true);
      } else if (update?.type === 'assignment_statement') {
        for (const id of namedChildren(field(update, 'left'))) add(id, declared.has(id.text), true);
      }
    }
  }
  return out;
}

/** The same variable: the same declaration, or both package-level names of another file. */
function refersTo(id: Node, v: LoopVar, ctx: RuleContext): boolean {
  if (id.text !== v.name) return false;
  const d = ctx.sem.resolve(id);
  if (v.decl) return d === v.decl;
  return d === undefined && ctx.sem.index.vars.has(v.name);
}

/** The first identifier in stmts (nested literals included) that reads or writes v. */
function firstRef(stmts: Node[], v: LoopVar, ctx: RuleContext): Node | null {
  let hit: Node | null = null;
  for (const s of stmts) {
    walk(s, (n) => {
      if (hit) return false;
      if (n.type === 'identifier' && refersTo(n, v, ctx) && !isFieldKey(n, ctx)) hit = n;
      return true;
    });
    if (hit) return hit;
  }
  return null;
}

/**
 * `T{v: 1}`: the key of a keyed element names a struct field unless the literal is a map. Only a
 * literal whose type is written as (or declared in the package as) a map has expression keys here.
 */
function isFieldKey(id: Node, ctx: RuleContext): boolean {
  const le = id.parent;
  if (le?.type !== 'literal_element') return false;
  const kv = le.parent;
  if (kv?.type !== 'keyed_element' || field(kv, 'key')?.id !== le.id) return false;
  const lit = kv.parent?.parent;
  if (lit?.type !== 'composite_literal') return true; // an elided element type: not known to be a map
  const t = ctx.sem.underlying(ctx.sem.parseType(field(lit, 'type')));
  return t?.k !== 'map';
}

// ---------------------------------------------------------------------------------------------------
// Statements after which the iteration ends without waiting

/**
 * Calls onLast for each statement of list after which control reaches the next iteration (or the end
 * of the loop) without doing anything that could wait: followed only by trivial statements and then
 * the end of the list (when `open`: the end of the list is the end of the iteration) or a `continue`.
 * Compound statements are entered, like vet's recursive "last statement"; one that is not itself in
 * such a position can still hold a branch that ends in `continue`.
 */
function forEachLast(list: Node[], open: boolean, labels: ReadonlySet<string>, onLast: (s: Node) => void): void {
  for (let k = list.length - 1; k >= 0; k--) {
    const rest = list.slice(k + 1);
    const tail = rest.findIndex((r) => !isTrivial(r));
    const reaches = tail < 0 ? open : isContinue(rest[tail]!, labels);
    visitLast(list[k]!, reaches, labels, onLast);
  }
}

/** `continue`, or `continue L` where L labels the loop or an inner loop entered in last position. */
function isContinue(s: Node, labels: ReadonlySet<string>): boolean {
  if (s.type !== 'continue_statement') return false;
  const label = s.namedChild(0);
  return !label || labels.has(label.text);
}

function visitLast(s0: Node, reaches: boolean, labels: ReadonlySet<string>, onLast: (s: Node) => void): void {
  let s = s0;
  while (s.type === 'labeled_statement') {
    const inner = namedChildren(s).find((c) => c.type !== 'label_name');
    if (!inner) return;
    s = inner;
  }
  switch (s.type) {
    case 'if_statement': {
      forEachLast(statementsOf(field(s, 'consequence')), reaches, labels, onLast);
      const alt = field(s, 'alternative');
      if (alt?.type === 'block') forEachLast(statementsOf(alt), reaches, labels, onLast);
      else if (alt?.type === 'if_statement') visitLast(alt, reaches, labels, onLast);
      return;
    }
    case 'block':
      forEachLast(statementsOf(s), reaches, labels, onLast);
      return;
    case 'for_statement':
      // An inner loop's continue stays in the inner loop: only an inner loop in last position counts.
      if (reaches) forEachLast(statementsOf(field(s, 'body')), true, labelOf(s) ? new Set([...labels, labelOf(s)!]) : labels, onLast);
      return;
    case 'expression_switch_statement':
    case 'type_switch_statement':
    case 'select_statement':
      for (const c of namedChildren(s)) {
        if (c.type === 'expression_case' || c.type === 'type_case' || c.type === 'default_case' || c.type === 'communication_case') {
          forEachLast(statementsOf(c), reaches, labels, onLast);
        }
      }
      return;
    default:
      if (reaches) onLast(s);
  }
}

function labelOf(loop: Node): string | undefined {
  return loop.parent?.type === 'labeled_statement' ? loop.parent.namedChild(0)?.text : undefined;
}

const BUILTINS_NO_WAIT = new Set(['len', 'cap', 'append', 'make', 'new', 'copy', 'min', 'max']);

/** An assignment, declaration or ++/-- that calls nothing (but a few builtins) and touches no channel. */
function isTrivial(s: Node): boolean {
  if (s.type === 'empty_statement') return true;
  if (!['assignment_statement', 'short_var_declaration', 'inc_statement', 'dec_statement', 'var_declaration', 'const_declaration'].includes(s.type)) return false;
  let ok = true;
  walk(s, (n) => {
    if (!ok) return false;
    if (n.type === 'func_literal') return false;
    if (n.type === 'call_expression') {
      const fn = field(n, 'function');
      if (fn?.type !== 'identifier' || !BUILTINS_NO_WAIT.has(fn.text)) ok = false;
    }
    if (n.type === 'unary_expression' && n.child(0)?.type === '<-') ok = false;
    return ok;
  });
  return ok;
}

/** `go func(){…}()`, `defer func(){…}()` or `g.Go(func() error {…})` on an errgroup: the literal. */
function asyncLiteral(s: Node, ctx: RuleContext): { kind: Kind; lit: Node } | null {
  if (s.type === 'go_statement' || s.type === 'defer_statement') {
    const call = s.namedChild(0);
    if (call?.type !== 'call_expression') return null;
    const fn = unparen(field(call, 'function')!);
    return fn.type === 'func_literal' ? { kind: s.type === 'go_statement' ? 'go' : 'defer', lit: fn } : null;
  }
  if (s.type !== 'expression_statement') return null;
  const call = s.namedChild(0);
  if (!call) return null;
  const sc = selectorCall(call);
  if (!sc || sc.name !== 'Go') return null;
  const arg = callArgs(call)[0];
  if (!arg || unparen(arg).type !== 'func_literal' || !isErrgroup(sc.operand, ctx)) return null;
  return { kind: 'errgroup', lit: unparen(arg) };
}

/** An errgroup.Group by its declaration: typed, `new`/`&errgroup.Group{}`, or `errgroup.WithContext`. */
function isErrgroup(x: Node, ctx: RuleContext): boolean {
  if (isNamedOrPointer(ctx.sem.typeOf(x), PKG.errgroup, 'Group')) return true;
  if (x.type !== 'identifier') return false;
  const d = ctx.sem.resolve(x);
  return !!d?.tupleCall && d.tupleCall.index === 0 && ctx.sem.packageCall(d.tupleCall.call, PKG.errgroup) === 'WithContext';
}

// ---------------------------------------------------------------------------------------------------
// Deferred literals anywhere in the iteration

function deferredLiterals(body: Node): { stmt: Node; lit: Node }[] {
  const out: { stmt: Node; lit: Node }[] = [];
  walk(body, (n) => {
    if (n.type === 'func_literal') return false;
    if (n.type === 'defer_statement') {
      const call = n.namedChild(0);
      const fn = call?.type === 'call_expression' ? unparen(field(call, 'function')!) : null;
      if (fn?.type === 'func_literal') out.push({ stmt: n, lit: fn });
    }
    return true;
  });
  return out;
}

/**
 * Some path from stmt reaches the loop's next iteration: no statement after it, in its own list or in
 * any list enclosing it up to the loop body, surely leaves the loop. Statements that might (a switch
 * or select with a return, break or goto in it) count as leaving.
 */
function mayReachNextIteration(stmt: Node, loop: Node): boolean {
  const body = field(loop, 'body');
  for (let s: Node = stmt; ; ) {
    const list = s.parent;
    if (!list) return false;
    if (list.type === 'statement_list') {
      const sibs = namedChildren(list).filter((c) => c.type !== 'comment');
      for (const after of sibs.slice(sibs.findIndex((c) => c.id === s.id) + 1)) if (leaves(after)) return false;
      if (list.parent?.id === body?.id) return true;
    }
    s = list;
    if (s.id === loop.id || s.type === 'func_literal') return false;
  }
}

/** The statement leaves the loop on every path, or might (conservatively). */
function leaves(s: Node): boolean {
  switch (s.type) {
    case 'return_statement':
    case 'goto_statement':
    case 'break_statement':
      return true;
    case 'continue_statement':
      return !!s.namedChild(0);
    case 'expression_statement':
      return isNoReturnCall(s.namedChild(0)!);
    case 'labeled_statement':
      return namedChildren(s).some((c) => c.type !== 'label_name' && leaves(c));
    case 'block': {
      const st = statementsOf(s);
      return st.length > 0 && leaves(st[st.length - 1]!);
    }
    case 'if_statement': {
      const alt = field(s, 'alternative');
      return !!alt && leaves(field(s, 'consequence')!) && leaves(alt);
    }
    case 'expression_switch_statement':
    case 'type_switch_statement':
    case 'select_statement': {
      let jumps = false;
      walk(s, (n) => {
        if (jumps || n.type === 'func_literal') return false;
        if (n.type === 'return_statement' || n.type === 'goto_statement' || n.type === 'break_statement' || (n.type === 'continue_statement' && n.namedChild(0))) jumps = true;
        else if (n.type === 'call_expression' && isNoReturnCall(n)) jumps = true;
        return !jumps;
      });
      return jumps;
    }
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// Parallel subtests

/**
 * `t.Run(name, func(t *testing.T) { …; t.Parallel(); … })` anywhere in the loop body (not inside
 * another function literal), with t a *testing.T: the statements after the subtest's own t.Parallel()
 * that follow its last label.
 */
function parallelSubtests(body: Node, ctx: RuleContext): { call: Node; stmts: Node[] }[] {
  const out: { call: Node; stmts: Node[] }[] = [];
  walk(body, (n) => {
    if (n.type === 'func_literal') return false;
    if (n.type !== 'expression_statement') return true;
    const call = n.namedChild(0);
    const sc = call ? selectorCall(call) : null;
    if (!call || !sc || sc.name !== 'Run' || !isTestingT(sc.operand, ctx)) return true;
    const lit = callArgs(call)[1];
    if (!lit || unparen(lit).type !== 'func_literal') return true;
    const stmts = afterParallel(unparen(lit), ctx);
    if (stmts.length) out.push({ call, stmts });
    return true;
  });
  return out;
}

function isTestingT(x: Node, ctx: RuleContext): boolean {
  return isNamedOrPointer(ctx.sem.typeOf(x), PKG.testing, 'T');
}

function afterParallel(lit: Node, ctx: RuleContext): Node[] {
  const param = namedChildren(field(lit, 'parameters')).find((p) => p.type === 'parameter_declaration');
  const name = param?.childrenForFieldName('name')[0];
  if (!param || !name || name.text === '_') return [];
  if (!isNamedOrPointer(ctx.sem.parseType(field(param, 'type')), PKG.testing, 'T')) return [];
  let stmts: Node[] = [];
  let after = false;
  for (let s of statementsOf(field(lit, 'body'))) {
    let labeled = false;
    while (s.type === 'labeled_statement') {
      labeled = true;
      const inner = namedChildren(s).find((c) => c.type !== 'label_name');
      if (!inner) break;
      s = inner;
    }
    if (labeled) {
      stmts = [];
      after = false;
    }
    if (after) {
      stmts.push(s);
      continue;
    }
    const call = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const sc = call ? selectorCall(call) : null;
    if (sc && sc.name === 'Parallel' && sc.operand.type === 'identifier' && ctx.sem.resolve(sc.operand)?.nameNode.id === name.id) after = true;
  }
  return stmts;
}

// ---------------------------------------------------------------------------------------------------
// Fix: a per-iteration copy at the top of the body

/**
 * `v := v` as the first statement of the loop body gives each iteration its own v, which is what Go
 * 1.22 does. Safe for a range variable declared by the loop (the loop reassigns it every iteration
 * anyway). For a counted loop the copy would hide writes the body makes to the counter, and for a
 * variable declared outside the loop it would hide writes made elsewhere: offered as unsafe then, or
 * when the body's own block already declares the name.
 */
function copyFix(loop: Node, body: Node, v: LoopVar, ctx: RuleContext): Fix | undefined {
  const open = body.child(0);
  if (open?.type !== '{') return undefined;
  const first = statementsOf(body)[0];
  const text = ctx.file.text;
  let safe = v.own && !redeclaredInBody(body, v.name);
  if (safe && v.counted && writesIn(body, v, ctx)) safe = false;
  const multiLine = first ? text.slice(open.endIndex, first.startIndex).includes('\n') : true;
  const copy = `${v.name} := ${v.name}`;
  const newText = multiLine
    ? `\n${first ? indentAt(text, first.startIndex) : `${indentAt(text, loop.startIndex)}\t`}${copy}`
    : ` ${copy};`;
  return {
    title: `Copy ${v.name} at the top of the loop body (${copy})`,
    safety: safe ? 'safe' : 'unsafe',
    edits: [{ start: open.endIndex, end: open.endIndex, newText }],
  };
}

function redeclaredInBody(body: Node, name: string): boolean {
  return statementsOf(body).some((s) => {
    if (s.type === 'short_var_declaration') return namedChildren(field(s, 'left')).some((n) => n.text === name);
    if (s.type === 'var_declaration') return new RegExp(`\\b${name}\\b`).test(s.text);
    return false;
  });
}

/** The body assigns v, increments it, or takes its address. */
function writesIn(body: Node, v: LoopVar, ctx: RuleContext): boolean {
  let found = false;
  walk(body, (n) => {
    if (found) return false;
    let targets: Node[] = [];
    if (n.type === 'assignment_statement') targets = namedChildren(field(n, 'left'));
    else if (n.type === 'inc_statement' || n.type === 'dec_statement') targets = namedChildren(n);
    else if (n.type === 'unary_expression' && n.child(0)?.type === '&') targets = [field(n, 'operand')!].filter(Boolean);
    if (targets.some((t) => t.type === 'identifier' && refersTo(t, v, ctx))) found = true;
    return !found;
  });
  return found;
}

import type { SyntaxNode as Node } from '../core/syntax/node';
import { sameFileFunction } from '../core/semantic/callee';
import { defineRule, type RuleContext } from '../core/rule';
import { PKG } from '../core/semantic/imports';
import { walkLocks } from '../core/semantic/lock-state';
import { mapAccessesIn, mapRoot, type MapAccess } from '../core/semantic/map-access';
import { callArgs, enclosingFunction, field, FUNCTION_TYPES, namedChildren, selectorCall, statementsOf, unparen, walk, within } from '../core/semantic/nodes';
import type { Decl } from '../core/semantic/scopes';
import { isNamedOrPointer } from '../core/semantic/types';
import type { Severity } from '../core/types';

/**
 * A plain map written inside a goroutine (a `go func(){…}()` literal, or a literal handed to an
 * errgroup's or WaitGroup's Go method) with no lock held at the write, when the syntax shows a second
 * party touching the same map at the same time:
 *  - the goroutine is started once per iteration of a loop that the map outlives, and the loop does not
 *    wait for it before the next iteration: several goroutines write one map (error);
 *  - the starting function itself writes or reads the map after starting the goroutine and before
 *    anything that could wait for it (a receive, a select, a Wait, a sleep): error for a write, warning
 *    for a read; or it starts a second goroutine that writes the map without a lock (error).
 * Quiet: a lock held at the write (lock-state.ts), a call to anything named like a lock before it, a
 * channel used on both sides of the write (a token or semaphore), a map declared inside the loop or the
 * goroutine, a map reached through an index or a call (`maps[i][k]`), a loop that reassigns the map or
 * stops after starting the goroutine, an errgroup limited to one goroutine. No fix: the remedy (a mutex,
 * per-goroutine maps merged after Wait, sync.Map, a collecting goroutine) is a design choice.
 */
export default defineRule({
  id: 'concurrent-map-access',
  // A goroutine starts with `go`, `g.Go(…)`, or a t.Run body that calls t.Parallel().
  needs: ['go', 'Go', 'Parallel'],
  applies: (ctx) => /\bgo\s|\.Go\(|\.Parallel\(\)/.test(ctx.file.text),
  visit: {
    go_statement(n, ctx) {
      const g = startAt(n, ctx);
      if (g) check(g, ctx);
    },
    expression_statement(n, ctx) {
      const g = startAt(n, ctx);
      if (g) check(g, ctx);
    },
  },
});

/**
 * The goroutine a statement starts: `go f(…)` (see calledFunction), `g.Go(func…)` on an errgroup or a
 * WaitGroup, or `t.Run(name, func…)` whose body calls t.Parallel().
 */
function startAt(n: Node, ctx: RuleContext): Start | undefined {
  if (n.type === 'go_statement') {
    const call = n.namedChild(0);
    if (call?.type !== 'call_expression') return undefined;
    const callee = unparen(field(call, 'function')!);
    const fn = calledFunction(callee, ctx);
    return fn ? { stmt: n, fn, call, recv: fn.type === 'method_declaration' ? field(callee, 'operand') : null, what: 'goroutine', parentMayRace: true } : undefined;
  }
  if (n.type !== 'expression_statement') return undefined;
  const call = n.namedChild(0);
  const sc = call ? selectorCall(call) : null;
  if (!call || !sc) return undefined;
  const args = callArgs(call);
  if (sc.name === 'Go' && args.length === 1) {
    const lit = unparen(args[0]!);
    if (lit.type !== 'func_literal' || !isGroup(sc.operand, ctx) || limitedToOne(sc.operand, call)) return undefined;
    return { stmt: n, fn: lit, call: null, recv: null, what: `goroutine (${sc.operand.text}.Go)`, parentMayRace: true };
  }
  if (sc.name === 'Run' && args.length === 2) {
    // Parallel subtests started in a loop run at the same time, once the loop's test function returns.
    const lit = unparen(args[1]!);
    const par = lit.type === 'func_literal' ? parallelCall(lit) : undefined;
    if (par) return { stmt: n, fn: lit, call: null, recv: null, what: 'parallel subtest', parentMayRace: false, from: par.endIndex };
  }
  return undefined;
}

interface Start {
  /** The statement that starts the goroutine. */
  stmt: Node;
  /** The function the goroutine runs: a literal, or a function or method declared in this file. */
  fn: Node;
  /** The `go` call, whose arguments bind the function's parameters; null for g.Go(func…) and t.Run. */
  call: Node | null;
  /** For `go x.m(…)`: x, which the method's receiver names. */
  recv: Node | null;
  what: string;
  /** The starting function can run concurrently with it (not so for a parallel subtest). */
  parentMayRace: boolean;
  /** Only writes from this offset on run concurrently (a subtest's after its t.Parallel()). */
  from?: number;
}

/** The map as the starting function names it: `text` hangs off the variable `root` (declared by `decl`). */
interface OuterMap {
  text: string;
  root: string;
  decl: Decl | undefined;
}

function check(g: Start, ctx: RuleContext): void {
  for (const { w, outer } of unlockedWrites(g, ctx)) {
    if (reportLoop(g, w, outer, ctx) || !g.parentMayRace) continue;
    reportParentAccess(g, w, outer, ctx);
  }
}

/** The first write to each map that the goroutine makes with no lock held (and no token around it). */
function unlockedWrites(g: Start, ctx: RuleContext): { w: MapAccess; outer: OuterMap }[] {
  const body = field(g.fn, 'body');
  if (!body) return [];
  const writes = mapAccessesIn(body, ctx.sem).filter((a) => a.write && a.node.startIndex >= (g.from ?? 0));
  if (writes.length === 0) return [];
  const held = new Map<number, number>();
  const analysed = walkLocks(body, ctx.sem, {
    onNode(n, h) {
      held.set(n.id, h.size);
    },
  });
  if (!analysed) return [];
  const done = new Set<string>();
  const out: { w: MapAccess; outer: OuterMap }[] = [];
  for (const w of writes) {
    const outer = outerMap(w.map, g, ctx);
    if (!outer) continue;
    const key = `${outer.decl?.nameNode.id ?? outer.root}:${outer.text}`;
    if (done.has(key)) continue;
    if (!unlocked(w, held, body)) continue;
    done.add(key);
    if (!guardedByToken(w, body, ctx)) out.push({ w, outer });
  }
  return out;
}

/**
 * The write's statement is reached with no lock held, and nothing before it in the goroutine takes a lock
 * by another name (a call named like a lock, a compare-and-swap) or rebinds the map's variable.
 */
function unlocked(w: MapAccess, held: Map<number, number>, body: Node): boolean {
  let state: number | undefined;
  for (let p: Node | null = w.node; p && p.id !== body.id; p = p.parent) {
    state = held.get(p.id);
    if (state !== undefined) break;
  }
  if (state === undefined || state > 0) return false;
  let lockish = false;
  walk(body, (n) => {
    if (lockish || n.startIndex >= w.node.startIndex) return false;
    if (n.type === 'func_literal') return false;
    if (n.type === 'call_expression') {
      const fn = field(n, 'function');
      const name = fn?.type === 'selector_expression' ? field(fn, 'field')?.text : fn?.text;
      if (name && /lock|acquire|CompareAndSwap/i.test(name) && !/^R?Unlock$/.test(name)) lockish = true;
    }
    // The goroutine points the variable at another map before writing (`m = make(…)`).
    if (n.type === 'assignment_statement' || n.type === 'short_var_declaration') {
      const root = mapRoot(w.map);
      for (const l of namedChildren(field(n, 'left'))) if (l.text === root?.text || l.text === w.map.text) lockish = true;
    }
    return !lockish;
  });
  return !lockish;
}

/**
 * A channel operated on both before and after the write inside the goroutine: a token passed around or a
 * semaphore, which serialises the writers unless its buffer is known to hold more than one.
 */
function guardedByToken(w: MapAccess, body: Node, ctx: RuleContext): boolean {
  const before = new Map<string, Node>();
  const after = new Set<string>();
  walk(body, (n) => {
    if (n.type === 'func_literal') return false;
    let ch: Node | null = null;
    if (n.type === 'send_statement') ch = field(n, 'channel');
    else if (n.type === 'unary_expression' && n.child(0)?.type === '<-') ch = field(n, 'operand');
    if (ch) {
      if (n.endIndex <= w.node.startIndex) before.set(ch.text, ch);
      else if (n.startIndex >= w.node.endIndex) after.add(ch.text);
    }
    return true;
  });
  for (const [c, node] of before) if (after.has(c) && !admitsSeveral(node, ctx)) return true;
  return false;
}

/**
 * The loop acquires a semaphore before starting the goroutine (`sem <- token`) that the goroutine
 * releases (`<-sem`, often in a deferred literal): with a buffer of one the goroutines run one at a time.
 */
function semaphoreOfOne(g: Start, loopBody: Node, ctx: RuleContext): boolean {
  const released = new Set<string>();
  walk(g.fn, (n) => {
    if (n.type === 'unary_expression' && n.child(0)?.type === '<-') released.add(field(n, 'operand')?.text ?? '');
    return true;
  });
  let found = false;
  walk(loopBody, (n) => {
    if (found || n.id === g.fn.id || n.startIndex >= g.stmt.startIndex) return false;
    if (n.type === 'send_statement') {
      const ch = field(n, 'channel');
      if (ch && released.has(ch.text) && !admitsSeveral(ch, ctx)) found = true;
    }
    return !found;
  });
  return found;
}

/** The channel was made with a constant buffer larger than one (`make(chan T, 8)`). */
function admitsSeveral(ch: Node, ctx: RuleContext): boolean {
  if (ch.type !== 'identifier') return false;
  const v = ctx.sem.resolve(ch)?.valueNode;
  if (v?.type !== 'call_expression' || field(v, 'function')?.text !== 'make') return false;
  const size = callArgs(v)[1];
  return size?.type === 'int_literal' && Number(size.text.replace(/_/g, '')) > 1;
}

/**
 * The map the write reaches, named from the starting function: the same expression when its root variable
 * is declared outside the goroutine's function literal, or with the `go` call's argument (or method
 * receiver) put in place of a parameter (or receiver) of the function.
 */
function outerMap(m: Node, g: Start, ctx: RuleContext): OuterMap | undefined {
  const root = mapRoot(m);
  if (!root) return undefined;
  const d = ctx.sem.resolve(root);
  if (!d || !within(d.nameNode, g.fn)) {
    if (!d && ctx.sem.imports.byName.has(root.text)) return undefined;
    if (g.fn.type !== 'func_literal' && !(d?.packageLevel ?? true)) return undefined;
    return { text: m.text, root: root.text, decl: d };
  }
  let arg: Node | null | undefined;
  if (d.kind === 'receiver') arg = g.recv;
  else if (d.kind === 'param' && g.call) {
    const params = namedChildren(field(g.fn, 'parameters')).flatMap((p) => p.childrenForFieldName('name'));
    const i = params.findIndex((p) => p?.id === d.nameNode.id);
    if (i >= 0 && !namedChildren(field(g.fn, 'parameters')).some((p) => p.type === 'variadic_parameter_declaration')) arg = callArgs(g.call)[i];
  }
  if (!arg) return undefined;
  const expr = unparen(arg);
  const r = mapRoot(expr);
  if (!r) return undefined;
  const rd = ctx.sem.resolve(r);
  if (!rd && ctx.sem.imports.byName.has(r.text)) return undefined;
  return { text: expr.text + m.text.slice(root.text.length), root: r.text, decl: rd };
}

/** Several goroutines: the start sits in a loop that the map outlives and that does not wait per iteration. */
function reportLoop(g: Start, w: MapAccess, outer: OuterMap, ctx: RuleContext): boolean {
  const fn = enclosingFunction(g.stmt);
  let loop: Node | null = null;
  for (let p = g.stmt.parent; p && p.id !== fn?.id; p = p.parent) {
    if (p.type === 'for_statement' && field(p, 'body') && within(g.stmt, field(p, 'body')!)) {
      loop = p;
      break;
    }
  }
  if (!loop) return false;
  if (outer.decl && !outer.decl.packageLevel && within(outer.decl.nameNode, loop)) return false;
  const loopBody = field(loop, 'body')!;
  const rest = following(g.stmt, loopBody);
  if (rest.some((s) => endsIteration(s) || waits(s, ctx))) return false;
  if (reassigned(outer, loopBody, g.fn) || joinedEarlier(g, loopBody) || semaphoreOfOne(g, loopBody, ctx)) return false;
  const literal = g.fn.type === 'func_literal';
  ctx.report({
    node: literal ? w.node : g.stmt,
    message: literal
      ? `map ${outer.text} is written by every ${g.what} this loop starts, with no lock held: concurrent map writes are a fatal error that recover cannot catch`
      : `each goroutine this loop starts writes map ${outer.text} in ${fnName(g.fn)} with no lock held: concurrent map writes are a fatal error that recover cannot catch`,
    related: literal
      ? [{ node: g.stmt, message: `one ${g.what} is started here per iteration` }]
      : [{ node: w.node, message: `${fnName(g.fn)} writes the map here without a lock` }],
  });
  return true;
}

/** The starting function touches the map after the start and before anything that could wait for the goroutine. */
function reportParentAccess(g: Start, w: MapAccess, outer: OuterMap, ctx: RuleContext): void {
  const fn = enclosingFunction(g.stmt);
  const fnBody = fn ? field(fn, 'body') : null;
  if (!fnBody) return;
  for (const s of following(g.stmt, fnBody)) {
    if (waits(s, ctx)) return;
    if (reportSecondWriter(g, w, outer, s, ctx)) return;
    const hit = mapAccessesIn(s, ctx.sem).find((a) => sameMap(a.map, outer, ctx));
    if (!hit) continue;
    const severity: Severity | undefined = hit.write ? undefined : 'warning';
    const verb = hit.write ? 'writes' : 'reads';
    const literal = g.fn.type === 'func_literal';
    ctx.report({
      node: literal ? w.node : g.stmt,
      message: literal
        ? `map ${outer.text} is written in this goroutine with no lock held while the function that starts it ${verb} it without waiting: a concurrent map ${hit.write ? 'write' : 'read'} and map write is a fatal error`
        : `the goroutine writes map ${outer.text} in ${fnName(g.fn)} with no lock held while this function ${verb} it without waiting: a concurrent map ${hit.write ? 'write' : 'read'} and map write is a fatal error`,
      severity,
      related: [
        { node: hit.node, message: `the starting function ${verb} the map here, before any wait` },
        literal ? { node: g.stmt, message: `the ${g.what} is started here` } : { node: w.node, message: `${fnName(g.fn)} writes the map here without a lock` },
      ],
    });
    return;
  }
}

/** A later statement starts another goroutine that writes the same map with no lock held. */
function reportSecondWriter(g: Start, w: MapAccess, outer: OuterMap, s: Node, ctx: RuleContext): boolean {
  let other: { g: Start; w: MapAccess } | undefined;
  walk(s, (n) => {
    if (other || n.type === 'func_literal') return false;
    const g2 = startAt(n, ctx);
    if (!g2?.parentMayRace) return true;
    const hit = unlockedWrites(g2, ctx).find((x) => x.outer.text.replace(/\s+/g, '') === outer.text.replace(/\s+/g, '') && x.outer.decl?.nameNode.id === outer.decl?.nameNode.id);
    if (hit) other = { g: g2, w: hit.w };
    return !other;
  });
  if (!other) return false;
  const literal = g.fn.type === 'func_literal';
  ctx.report({
    node: literal ? w.node : g.stmt,
    message: literal
      ? `map ${outer.text} is written in this goroutine with no lock held while another goroutine started after it writes it too: concurrent map writes are a fatal error that recover cannot catch`
      : `the goroutine writes map ${outer.text} in ${fnName(g.fn)} with no lock held while another goroutine started after it writes it too: concurrent map writes are a fatal error that recover cannot catch`,
    related: [
      { node: other.w.node, message: 'the other goroutine writes the map here without a lock' },
      literal ? { node: g.stmt, message: `the ${g.what} is started here` } : { node: w.node, message: `${fnName(g.fn)} writes the map here without a lock` },
    ],
  });
  return true;
}

function sameMap(m: Node, outer: OuterMap, ctx: RuleContext): boolean {
  if (m.text.replace(/\s+/g, '') !== outer.text.replace(/\s+/g, '')) return false;
  const r = mapRoot(m);
  if (!r) return false;
  const d = ctx.sem.resolve(r);
  return d?.nameNode.id === outer.decl?.nameNode.id;
}

/** Statements that run after stmt, up to the end of container (a loop body or the function body), in order. */
function following(stmt: Node, container: Node): Node[] {
  const out: Node[] = [];
  let node = stmt;
  for (let p = stmt.parent; p; node = p, p = p.parent) {
    if (p.type === 'statement_list') {
      let seen = false;
      for (const s of namedChildren(p)) {
        if (seen && s.type !== 'comment') out.push(s);
        if (s.id === node.id) seen = true;
      }
    }
    if (p.id === container.id || FUNCTION_TYPES.has(p.type)) break;
  }
  return out;
}

/** return/break/goto/panic directly in the rest of the iteration: the loop starts one goroutine at most (conservatively). */
function endsIteration(s: Node): boolean {
  return s.type === 'return_statement' || s.type === 'break_statement' || s.type === 'goto_statement' ||
    (s.type === 'expression_statement' && /^panic\(/.test(s.text));
}

/**
 * Whether a statement may wait for goroutines: a receive, a select, a Wait/Join call, a sleep, ranging over
 * a channel or over something of unknown type, or a call handed a channel or a WaitGroup. Function
 * literals inside it are not entered.
 */
function waits(s: Node, ctx: RuleContext): boolean {
  let found = false;
  walk(s, (n) => {
    if (found || n.type === 'func_literal') return false;
    switch (n.type) {
      case 'select_statement':
        found = true;
        break;
      case 'unary_expression':
        if (n.child(0)?.type === '<-') found = true;
        break;
      case 'range_clause': {
        const t = ctx.sem.underlying(ctx.sem.typeOf(field(n, 'right')!));
        if (!t || t.k === 'chan' || t.k === 'func') found = true;
        break;
      }
      case 'call_expression': {
        const fn = field(n, 'function');
        const name = fn?.type === 'selector_expression' ? field(fn, 'field')?.text : fn?.text;
        if (name && /^(Wait|Join|Sleep)/.test(name)) found = true;
        for (const a of callArgs(n)) {
          const t = ctx.sem.underlying(ctx.sem.typeOf(a));
          if (t?.k === 'chan' || isNamedOrPointer(t, PKG.sync, 'WaitGroup')) found = true;
        }
        break;
      }
    }
    return !found;
  });
  return found;
}

/**
 * Before starting the goroutine, the loop waits for the previous one: a Wait call, or a receive from a
 * channel that the goroutine's function sends on or closes (`if i > 0 { <-done }`).
 */
function joinedEarlier(g: Start, loopBody: Node): boolean {
  const signals = new Set<string>();
  walk(g.fn, (n) => {
    if (n.type === 'send_statement') signals.add(field(n, 'channel')?.text ?? '');
    if (n.type === 'call_expression' && field(n, 'function')?.text === 'close') signals.add(callArgs(n)[0]?.text ?? '');
    return true;
  });
  let found = false;
  walk(loopBody, (n) => {
    if (found || n.id === g.fn.id || n.startIndex >= g.stmt.startIndex) return false;
    if (n.type === 'unary_expression' && n.child(0)?.type === '<-' && signals.has(field(n, 'operand')?.text ?? '')) found = true;
    const sc = selectorCall(n);
    if (sc && /^(Wait|Join)/.test(sc.name)) found = true;
    return !found;
  });
  return found;
}

/** The loop body (outside the goroutine) assigns the map variable or the path to it: maybe a fresh map each time. */
function reassigned(outer: OuterMap, loopBody: Node, fn: Node): boolean {
  let found = false;
  walk(loopBody, (n) => {
    if (found || n.id === fn.id) return false;
    if (n.type === 'assignment_statement' || n.type === 'short_var_declaration') {
      for (const l of namedChildren(field(n, 'left'))) {
        if (l.text === outer.root || l.text === outer.text) found = true;
      }
    }
    return !found;
  });
  return found;
}

/** An errgroup.Group (declared, or from errgroup.WithContext) or, from Go 1.25, a sync.WaitGroup. */
function isGroup(recv: Node, ctx: RuleContext): boolean {
  const t = ctx.sem.typeOf(recv);
  if (isNamedOrPointer(t, PKG.errgroup, 'Group') || isNamedOrPointer(t, PKG.sync, 'WaitGroup')) return true;
  if (t || recv.type !== 'identifier') return false;
  const d = ctx.sem.resolve(recv);
  return !!d?.tupleCall && ctx.sem.packageCall(d.tupleCall.call, PKG.errgroup) === 'WithContext';
}

/** `g.SetLimit(1)` in the same function: the group runs one goroutine at a time. */
function limitedToOne(recv: Node, call: Node): boolean {
  const fn = enclosingFunction(call);
  return !!fn && new RegExp(`${recv.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.SetLimit\\(\\s*1\\s*\\)`).test(fn.text);
}

/**
 * The function a `go` statement runs: a literal; a local variable bound once to a literal
 * (`work := func(…){…}`); or a function or method declared in this file (a method on the named type of
 * the receiver expression).
 */
function calledFunction(callee: Node, ctx: RuleContext): Node | null {
  if (callee.type === 'func_literal') return callee;
  if (callee.type === 'identifier') {
    const d = ctx.sem.resolve(callee);
    if (d && d.kind === 'var' && !d.packageLevel) {
      const v = d.valueNode ? unparen(d.valueNode) : null;
      return v?.type === 'func_literal' && !assignedAgain(d.name, d.scope, d.declNode) ? v : null;
    }
  }
  return sameFileFunction(callee, ctx.sem, ctx.file.root);
}

/** The variable is assigned again somewhere in its scope besides its declaration. */
function assignedAgain(name: string, scope: Node, declNode: Node): boolean {
  let found = false;
  walk(scope, (n) => {
    if (found) return false;
    if (n.type === 'assignment_statement' && n.id !== declNode.id) {
      for (const l of namedChildren(field(n, 'left'))) if (l.text === name) found = true;
    }
    return !found;
  });
  return found;
}

/** The subtest body's top-level `t.Parallel()` on its *testing.T parameter, if any. */
function parallelCall(lit: Node): Node | undefined {
  const p = namedChildren(field(lit, 'parameters')).find((c) => c.type === 'parameter_declaration');
  const t = p?.childrenForFieldName('name')[0]?.text;
  if (!t || !/testing\.T\b/.test(field(p!, 'type')?.text ?? '')) return undefined;
  return statementsOf(field(lit, 'body')).find((s) => s.type === 'expression_statement' && s.text.replace(/\s+/g, '') === `${t}.Parallel()`);
}

function fnName(fn: Node): string {
  return field(fn, 'name')?.text ?? 'the function';
}

import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { closeArg, reassignments, rootIdent, sameChannel, stmts } from '../core/semantic/chan';
import { isNoReturnCall } from '../core/semantic/flow';
import { enclosingFunction, enclosingLoop, field, namedChildren, walk, within } from '../core/semantic/nodes';

/**
 * The same channel closed twice on one path of a function: a `close(c)` (or `defer close(c)`, or a
 * deferred closure whose body closes c unconditionally) that runs for sure, then a later close of c on
 * a path from it with no reassignment of c in between; or a close of c, declared outside a loop, run
 * unconditionally on every iteration of a loop that has no way out (no break, return, goto or panic).
 * Closes guarded by a test that mentions c (`if c != nil`, `select { case <-c: default: close(c) }`)
 * and closes inside goroutines are not judged here.
 */
export default defineRule({
  id: 'double-close',
  callees: ['close'],
  visit: {
    call_expression(call, ctx) {
      const ch = closeArg(call, ctx.sem);
      if (!ch || !rootIdent(ch)) return;
      const site = anchorOf(call);
      if (!site) return;
      if (checkPair(call, ch, site, ctx)) return;
      if (!site.deferred) checkLoop(call, ch, site, ctx);
    },
  },
});

interface Site {
  /** The statement of the function itself that performs (or defers) the close. */
  anchor: Node;
  deferred: boolean;
  fn: Node;
}

/** Where a close happens, as a statement of the function that runs it; null when not a plain statement. */
function anchorOf(call: Node): Site | null {
  const stmt = call.parent;
  if (!stmt) return null;
  if (stmt.type === 'defer_statement') {
    const fn = enclosingFunction(stmt);
    return fn ? { anchor: stmt, deferred: true, fn } : null;
  }
  if (stmt.type !== 'expression_statement') return null;
  const fn = enclosingFunction(stmt);
  if (!fn) return null;
  // `defer func() { …; close(c); … }()`: the close runs at exit, when its statement is unconditional.
  if (fn.type === 'func_literal' && stmt.parent?.parent?.id === field(fn, 'body')?.id) {
    const callOfLit = fn.parent;
    const def = callOfLit?.type === 'call_expression' && field(callOfLit, 'function')?.id === fn.id ? callOfLit.parent : null;
    if (def?.type === 'defer_statement') {
      const outer = enclosingFunction(def);
      return outer ? { anchor: def, deferred: true, fn: outer } : null;
    }
  }
  return { anchor: stmt, deferred: false, fn };
}

/** A close of the same channel that surely ran before this one on the same path (reported at the second). */
function checkPair(call: Node, ch: Node, site: Site, ctx: RuleContext): boolean {
  const body = field(site.fn, 'body');
  if (!body) return false;
  // Walk up from the anchor to the function body; at each statement list, look for an earlier close.
  let child = site.anchor;
  for (let p = site.anchor.parent; p && p.id !== body.id; child = p, p = p.parent) {
    if (p.type === 'func_literal') return false;
    if (guards(p, child, ch, ctx)) return false;
    if (p.type !== 'statement_list') continue;
    const list = stmts(p);
    const at = list.findIndex((s) => s.id === child.id);
    for (let i = at - 1; i >= 0; i--) {
      const s = list[i]!;
      if (endsPath(s)) return false; // the second close is not reachable from anything above
      const first = closeIn(s, ch, site.fn, ctx);
      if (!first) continue;
      const firstSite = anchorOf(first)!;
      if (firstSite.deferred && site.deferred && firstSite.anchor.id === site.anchor.id) continue;
      // A reassignment between the two (or, for a deferred closure, anywhere after it) makes them different channels.
      const to = firstSite.deferred && firstSite.anchor.type === 'defer_statement' && isClosureDefer(firstSite.anchor) ? Infinity : call.startIndex;
      if (reassignments(body, ch, ctx.sem, first.endIndex, to).length > 0) return false;
      if (!firstSite.deferred && site.deferred && reassignments(body, ch, ctx.sem, call.endIndex).length > 0 && isClosureDefer(site.anchor)) return false;
      const order = describe(firstSite, site);
      ctx.report({
        node: call,
        message: `${ch.text} is closed twice on this path (${order}); closing a closed channel panics`,
        related: [{ node: first, message: `${ch.text} is ${firstSite.deferred ? 'closed by this deferred call when the function returns' : 'first closed here'}` }],
      });
      return true;
    }
  }
  return false;
}

function describe(first: Site, second: Site): string {
  if (first.deferred && second.deferred) return 'two deferred closes both run when the function returns';
  if (first.deferred) return 'here, and again by the deferred close when the function returns';
  if (second.deferred) return 'above, and again by this deferred close when the function returns';
  return 'above, and again here';
}

function isClosureDefer(def: Node): boolean {
  const call = def.namedChild(0);
  return call?.type === 'call_expression' && field(call, 'function')?.type === 'func_literal';
}

/** A close of ch performed unconditionally by statement s (itself, or a deferred closure's top-level statement). */
function closeIn(s: Node, ch: Node, fn: Node, ctx: RuleContext): Node | null {
  let call: Node | null = null;
  if (s.type === 'expression_statement' || s.type === 'defer_statement') {
    const e = s.namedChild(0);
    if (e?.type === 'call_expression') {
      const arg = closeArg(e, ctx.sem);
      if (arg && sameChannel(arg, ch, ctx.sem)) call = e;
      else if (s.type === 'defer_statement' && field(e, 'function')?.type === 'func_literal') {
        const lit = field(e, 'function')!;
        const list = namedChildren(field(lit, 'body')).find((c) => c.type === 'statement_list');
        for (const st of list ? stmts(list) : []) {
          const c = st.type === 'expression_statement' ? st.namedChild(0) : null;
          const a = c ? closeArg(c, ctx.sem) : null;
          if (a && sameChannel(a, ch, ctx.sem)) call = c;
          if (endsPath(st)) break;
        }
      }
    }
  }
  if (!call) return null;
  const site = anchorOf(call);
  return site && site.fn.id === fn.id ? call : null;
}

/** A statement after which the rest of its list is not reached. */
function endsPath(s: Node): boolean {
  if (s.type === 'return_statement' || s.type === 'break_statement' || s.type === 'continue_statement' || s.type === 'goto_statement') return true;
  if (s.type === 'expression_statement') {
    const e = s.namedChild(0);
    return !!e && isNoReturnCall(e);
  }
  return false;
}

/**
 * The second close sits under a test or a select that mentions the channel (an `if c != nil`, a
 * `case <-c:` of the same select, a closed flag set beside it is not seen): guarded, not judged.
 */
function guards(p: Node, child: Node, ch: Node, ctx: RuleContext): boolean {
  switch (p.type) {
    case 'if_statement':
      return mentions(field(p, 'condition'), ch, ctx) || mentions(field(p, 'initializer'), ch, ctx);
    case 'expression_switch_statement':
    case 'type_switch_statement':
      return mentions(field(p, 'value'), ch, ctx) || mentions(field(p, 'initializer'), ch, ctx);
    case 'expression_case':
      return mentions(field(p, 'value'), ch, ctx);
    case 'select_statement':
      return namedChildren(p).some((c) => c.id !== child.id && c.type === 'communication_case' && mentions(field(c, 'communication'), ch, ctx));
    case 'communication_case':
      return mentions(field(p, 'communication'), ch, ctx);
    case 'for_statement':
      return namedChildren(p).some((c) => c.type !== 'block' && mentions(c, ch, ctx));
    default:
      return false;
  }
}

function mentions(n: Node | null, ch: Node, ctx: RuleContext): boolean {
  if (!n) return false;
  const root = rootIdent(ch)!;
  let found = false;
  walk(n, (x) => {
    if (found) return false;
    if (x.type === 'identifier' && x.text === root.text) {
      // The expression built on this identifier, as long as it stays a selector chain.
      let e = x;
      while (e.parent?.type === 'selector_expression' && field(e.parent, 'operand')?.id === e.id && e.text.length < ch.text.length) e = e.parent;
      if (sameChannel(e, ch, ctx.sem)) found = true;
    }
    return !found;
  });
  return found;
}

/** close(c) on every pass of a loop with no exit, c declared outside the loop and not reassigned in it. */
function checkLoop(call: Node, ch: Node, site: Site, ctx: RuleContext): void {
  const loop = enclosingLoop(site.anchor);
  if (!loop) return;
  const loopBody = field(loop, 'body')!;
  // Unconditional: nothing but plain blocks between the loop body and the close.
  for (let p = site.anchor.parent; p && p.id !== loopBody.id; p = p.parent) {
    if (p.type !== 'statement_list' && p.type !== 'block') return;
  }
  const root = rootIdent(ch)!;
  const decl = ctx.sem.resolve(root);
  if (decl && within(decl.nameNode, loop)) return;
  if (reassignments(loop, ch, ctx.sem).length > 0) return;
  if (hasExit(loopBody, loop)) return;
  if (namedChildren(loop).some((c) => c.type !== 'block' && mentions(c, ch, ctx))) return;
  ctx.report({
    node: call,
    message: `${ch.text} is closed on every iteration of this loop; the second iteration panics (closing a closed channel)`,
    related: [{ node: loop, message: `${ch.text} is declared outside this loop, which has no break or return` }],
  });
}

/** Any way out of the loop in its body: return, break (of it or an outer statement), goto, panic/os.Exit. */
function hasExit(body: Node, loop: Node): boolean {
  let found = false;
  walk(body, (n) => {
    if (found || n.type === 'func_literal') return false;
    if (n.type === 'return_statement' || n.type === 'goto_statement') found = true;
    else if (n.type === 'break_statement') {
      // An unlabelled break inside a nested for/switch/select leaves only that statement.
      if (namedChildren(n).length > 0 || innermostBreakable(n, loop)?.id === loop.id) found = true;
    } else if (n.type === 'call_expression' && isNoReturnCall(n)) found = true;
    return !found;
  });
  return found;
}

function innermostBreakable(n: Node, stop: Node): Node | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'expression_switch_statement' || p.type === 'type_switch_statement' || p.type === 'select_statement') return p;
    if (p.id === stop.id) return stop;
  }
  return null;
}

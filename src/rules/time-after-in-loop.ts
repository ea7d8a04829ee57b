import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { isEndless, isNoReturnCall } from '../core/semantic/flow';
import { PKG } from '../core/semantic/imports';
import { enclosingLoop, FUNCTION_TYPES, field, namedChildren, statementsOf, unparen, walk } from '../core/semantic/nodes';

/**
 * (a) `time.After` as a select case inside a loop: a new timer every pass, and a timeout that restarts
 * whenever another case wins. Only when another case can keep the loop going: if every other case
 * leaves the loop, the timer case is the only way round and at most one timer is pending (the
 * `for { select { case <-ctx.Done(): return; case <-time.After(d): tick() } }` idiom is fine).
 * `<-time.After(d)` as a plain statement is a sleep that always fires: not reported.
 * (b) `time.Tick` where the function can return, before Go 1.23 (staticcheck SA1015's exceptions: package
 * main, tests, init, functions that never return).
 */
export default defineRule({
  id: 'time-after-in-loop',
  requiresImport: [PKG.time],
  callees: ['After', 'Tick'],
  visit: {
    call_expression(call, ctx) {
      const name = ctx.sem.packageCall(call, PKG.time);
      if (name === 'After') checkAfter(call, ctx);
      else if (name === 'Tick') checkTick(call, ctx);
    },
  },
});

function checkAfter(call: Node, ctx: RuleContext): void {
  // A test process is short-lived: its pending timers cannot pile up (as SA1015 exempts tests for Tick).
  if (ctx.file.isTest) return;
  const recv = call.parent;
  if (recv?.type !== 'unary_expression' || recv.child(0)?.type !== '<-') return;
  const stmt = recv.parent;
  if (stmt?.type !== 'receive_statement') return;
  const kase = stmt.parent;
  if (kase?.type !== 'communication_case') return;
  const select = kase.parent;
  if (select?.type !== 'select_statement') return;
  const loop = enclosingLoop(select);
  if (!loop || rangesOverCollection(loop, ctx)) return;
  const others = namedChildren(select).filter((c) => (c.type === 'communication_case' || c.type === 'default_case') && c.id !== kase.id);
  if (!others.some((c) => !leavesLoop(statementsOf(c), loop))) return;
  const v = ctx.file.goVersion;
  const modern = v !== undefined && v >= 23;
  ctx.report({
    node: call,
    severity: modern ? 'info' : undefined,
    message: modern
      ? 'time.After in a loop allocates a timer on every iteration and restarts the timeout whenever another case wins'
      : 'time.After in a loop creates a new timer on every iteration; before Go 1.23 each one lives until it fires, and the timeout restarts whenever another case wins',
    related: [{ node: loop, message: 'the loop that re-evaluates time.After' }],
  });
}

/**
 * `for _, x := range items { select { …; case <-time.After(d): } }` gives each item its own deadline:
 * one timer per item is the intent, not a timeout that restarts. Event loops (`for {}`, `for cond {}`,
 * counted loops, ranging over a channel) keep the report.
 */
function rangesOverCollection(loop: Node, ctx: RuleContext): boolean {
  const rc = namedChildren(loop).find((c) => c.type === 'range_clause');
  const right = rc ? field(rc, 'right') : null;
  if (!right) return false;
  // `for range n` (Go 1.22) counts like `for i := 0; i < n; i++`: an event loop, not a collection.
  if (right.type === 'int_literal') return false;
  const t = ctx.sem.underlying(ctx.sem.typeOf(right));
  if (t?.k === 'named' && t.pkg === '' && /^u?int(8|16|32|64)?$|^uintptr$/.test(t.name)) return false;
  return t?.k !== 'chan';
}


/** The statements end by leaving the loop: return, panic/exit, goto, or a labelled break/continue out of it. */
function leavesLoop(stmts: Node[], loop: Node): boolean {
  const last = stmts[stmts.length - 1];
  if (!last) return false;
  switch (last.type) {
    case 'return_statement':
    case 'goto_statement':
      return true;
    case 'expression_statement':
      return isNoReturnCall(last.namedChild(0)!);
    case 'break_statement': {
      const label = last.namedChild(0)?.text;
      return !!label && loop.parent?.type === 'labeled_statement' && loop.parent.namedChild(0)?.text === label;
    }
    case 'block':
      return leavesLoop(statementsOf(last), loop);
    case 'if_statement': {
      const alt = field(last, 'alternative');
      return !!alt && leavesLoop(statementsOf(field(last, 'consequence')), loop) && leavesLoop(alt.type === 'block' ? statementsOf(alt) : [alt], loop);
    }
    default:
      return false;
  }
}

function checkTick(call: Node, ctx: RuleContext): void {
  const v = ctx.file.goVersion;
  if (v !== undefined && v >= 23) return; // unreferenced tickers are collected since Go 1.23
  if (ctx.file.packageName === 'main' || ctx.file.isTest) return;
  let fn: Node | null = call.parent;
  while (fn && !FUNCTION_TYPES.has(fn.type)) fn = fn.parent;
  if (!fn) return; // package-level var: lives as long as the program
  if (fn.type === 'function_declaration' && field(fn, 'name')?.text === 'init') return;
  if (neverReturns(fn)) return;
  ctx.report({
    node: call,
    message: 'time.Tick leaks its ticker once this function returns (before Go 1.23); use time.NewTicker and Stop it',
  });
}

/** No return statement, and the body ends in an endless loop nothing breaks out of. */
function neverReturns(fn: Node): boolean {
  const body = field(fn, 'body');
  if (!body) return false;
  let returns = false;
  walk(body, (n) => {
    if (n.type === 'func_literal') return false;
    if (n.type === 'return_statement') returns = true;
    return !returns;
  });
  if (returns) return false;
  const stmts = statementsOf(body);
  const last = stmts[stmts.length - 1];
  if (!last) return false;
  if (last.type === 'expression_statement' && isNoReturnCall(last.namedChild(0)!)) return true;
  if (last.type !== 'for_statement') return false;
  if (!isEndless(last) && !rangesOverTick(last)) return false;
  return !breaksOut(last);
}

/** `for range time.Tick(d)` (or `for t := range …`) never ends: the channel is never closed. */
function rangesOverTick(loop: Node): boolean {
  const rc = namedChildren(loop).find((c) => c.type === 'range_clause');
  const right = rc ? field(rc, 'right') : null;
  if (!right) return false;
  const r = unparen(right);
  return r.type === 'call_expression' && /^[A-Za-z_]\w*\.Tick$/.test(field(r, 'function')?.text ?? '');
}

/** A break that targets this loop (unlabelled and not inside an inner for/switch/select, or labelled). */
function breaksOut(loop: Node): boolean {
  let found = false;
  const label = loop.parent?.type === 'labeled_statement' ? loop.parent.namedChild(0)?.text : undefined;
  const visit = (n: Node, depth: number): void => {
    if (found) return;
    for (const c of namedChildren(n)) {
      if (c.type === 'func_literal') continue;
      if (c.type === 'break_statement') {
        const l = c.namedChild(0)?.text;
        if ((!l && depth === 0) || (l && l === label)) found = true;
      }
      const inner = c.type === 'for_statement' || c.type.endsWith('switch_statement') || c.type === 'select_statement';
      visit(c, depth + (inner ? 1 : 0));
    }
  };
  const body = field(loop, 'body');
  if (body) visit(body, 0);
  return found;
}

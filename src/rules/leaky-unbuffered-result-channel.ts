import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { callArgs, enclosingFunction, field, FUNCTION_TYPES, namedChildren, statementsOf, unparen, walk, within } from '../core/semantic/nodes';
import type { Decl } from '../core/semantic/scopes';

/**
 * An unbuffered channel whose sender goroutine can be abandoned: the function that made it stops
 * receiving (a select takes its timeout/cancel/default case and returns, or a receive loop returns on the
 * first error) while a goroutine is still blocked in `c <- v`. Function-local by design: when the
 * channel escapes (passed on, stored, returned) someone else may receive, so nothing is reported.
 */
export default defineRule({
  id: 'leaky-unbuffered-result-channel',
  // Only `make(chan …)` is judged.
  needs: ['chan'],
  visit: {
    short_var_declaration(stmt, ctx) {
      // Only `make(chan …)` matters: a text check before listing both sides.
      const text = stmt.text;
      if (!text.includes('make') || !text.includes('chan')) return;
      const left = namedChildren(field(stmt, 'left'));
      const right = namedChildren(field(stmt, 'right'));
      right.forEach((r, i) => {
        const id = left[i];
        if (id?.type === 'identifier' && left.length === right.length && isUnbufferedMake(r, ctx)) check(id, r, ctx);
      });
    },
  },
});

function isUnbufferedMake(e: Node, ctx: RuleContext): boolean {
  const call = unparen(e);
  if (call.type !== 'call_expression') return false;
  const fn = field(call, 'function');
  if (fn?.type !== 'identifier' || fn.text !== 'make' || ctx.sem.resolve(fn)) return false;
  const args = callArgs(call);
  if (args[0]?.type !== 'channel_type') return false;
  return args.length === 1 || (args.length === 2 && args[1]!.text === '0');
}

interface Uses {
  sends: Node[];
  goStmts: Node[];
  selectRecvs: { kase: Node; select: Node }[];
  loopRecvs: { recv: Node; loop: Node }[];
  escapes: boolean;
}

function check(id: Node, make: Node, ctx: RuleContext): void {
  const decl = ctx.sem.resolve(id);
  const fn = enclosingFunction(make);
  const body = fn && field(fn, 'body');
  if (!decl || !body) return;
  const u = classify(decl, id, body, ctx);
  if (u.escapes || u.sends.length === 0) return;

  // Pattern 1: a select receives from c and has another case that returns.
  for (const { kase, select } of u.selectRecvs) {
    const other = namedChildren(select).find(
      (c) =>
        (c.type === 'communication_case' || c.type === 'default_case') &&
        c.id !== kase.id &&
        endsWithReturn(statementsOf(c)) &&
        !mentions(c, decl, ctx), // the case drains c (`<-done`) before returning: no leak
    );
    if (!other) continue;
    const multi = u.goStmts.some((g) => insideLoop(g, fn!));
    ctx.report({
      node: make,
      message: `unbuffered channel ${id.text}: the goroutine's send blocks forever once the select below takes another case and returns; the goroutine leaks`,
      related: [
        { node: u.sends[0]!, message: 'this send has no receiver after the function returns' },
        { node: other, message: `after this case, nobody receives from ${id.text}` },
      ],
      // One slot is enough only for one send by one goroutine; otherwise no buffer size is offered.
      fixes: multi ? capacityFix(make, u, fn!, ctx) : u.sends.length === 1 && !sendInLoop(u.sends[0]!) ? [bufferFix(make, '1', id.text)] : [],
    });
    return;
  }

  // Pattern 2: N goroutines started in a loop, received in a loop that returns early.
  const senderLoop = u.goStmts.map((g) => loopOf(g, fn!)).find((l) => l);
  if (!senderLoop) return;
  for (const { recv, loop } of u.loopRecvs) {
    let early: Node | null = null;
    walk(field(loop, 'body') ?? loop, (n) => {
      if (n.type === 'func_literal') return false;
      if (n.type === 'return_statement' && n.startIndex > recv.startIndex) early ??= n;
      return !early;
    });
    if (!early) continue;
    ctx.report({
      node: make,
      message: `unbuffered channel ${id.text}: the receive loop returns early while goroutines started in a loop are still sending; they block forever and leak`,
      related: [
        { node: u.sends[0]!, message: 'each goroutine sends here' },
        { node: early, message: `after this return, the remaining senders on ${id.text} never finish` },
      ],
      fixes: capacityFix(make, u, fn!, ctx),
    });
    return;
  }
}

function classify(decl: Decl, defining: Node, body: Node, ctx: RuleContext): Uses {
  const u: Uses = { sends: [], goStmts: [], selectRecvs: [], loopRecvs: [], escapes: false };
  walk(body, (n) => {
    if (u.escapes) return false;
    if (n.type !== 'identifier' || n.text !== decl.name || n.startIndex === defining.startIndex) return true;
    if (ctx.sem.resolve(n) !== decl) return true;
    const p = n.parent!;
    if (p.type === 'send_statement' && field(p, 'channel')?.id === n.id) {
      const go = goroutineOf(p, body);
      // A send that is itself a select case can give up (ctx.Done, default): it cannot leak here.
      if (p.parent?.type === 'communication_case') return true;
      if (go) {
        u.sends.push(p);
        if (!u.goStmts.some((g) => g.id === go.id)) u.goStmts.push(go);
      }
      return true;
    }
    if (p.type === 'unary_expression' && p.child(0)?.type === '<-') {
      if (goroutineOf(p, body)) return true;
      const rs = p.parent?.type === 'receive_statement' ? p.parent : null;
      const kase = rs?.parent?.type === 'communication_case' ? rs.parent : null;
      if (kase && kase.parent?.type === 'select_statement') u.selectRecvs.push({ kase, select: kase.parent });
      else {
        const loop = loopOf(p, body);
        if (loop) u.loopRecvs.push({ recv: p, loop });
      }
      return true;
    }
    if (p.type === 'range_clause' && field(p, 'right')?.id === n.id) {
      // `for v := range c`: receives until closed; an early return leaves senders blocked.
      const loop = p.parent!;
      if (!goroutineOf(loop, body)) u.loopRecvs.push({ recv: n, loop });
      return true;
    }
    if (p.type === 'argument_list') {
      const call = p.parent!;
      const f = field(call, 'function')?.text;
      if (f === 'close' || f === 'len' || f === 'cap') return true;
    }
    u.escapes = true; // passed, stored, returned, compared, aliased: someone else may receive
    return false;
  });
  return u;
}

/** The go statement whose func literal (started in this function) contains node. */
function goroutineOf(node: Node, body: Node): Node | null {
  for (let p = node.parent; p && p.id !== body.id; p = p.parent) {
    if (p.type === 'func_literal') {
      const call = p.parent;
      const go = call?.type === 'call_expression' && field(call, 'function')?.id === p.id ? call.parent : null;
      return go?.type === 'go_statement' ? go : null;
    }
  }
  return null;
}

function loopOf(node: Node, fn: Node): Node | null {
  for (let p = node.parent; p && p.id !== fn.id; p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return null;
    if (p.type === 'for_statement') return p;
  }
  return null;
}

/** A send repeated by a loop inside its goroutine. */
function sendInLoop(send: Node): boolean {
  for (let p = send.parent; p && p.type !== 'func_literal'; p = p.parent) if (p.type === 'for_statement') return true;
  return false;
}

function insideLoop(node: Node, fn: Node): boolean {
  return loopOf(node, fn) !== null;
}

/**
 * Only a return abandons the sender while the program goes on. panic, os.Exit, log.Fatal and t.Fatal
 * end the process or the test, where a blocked goroutine no longer matters.
 */
function endsWithReturn(stmts: Node[]): boolean {
  return stmts[stmts.length - 1]?.type === 'return_statement';
}

function mentions(node: Node, decl: Decl, ctx: RuleContext): boolean {
  let found = false;
  walk(node, (n) => {
    if (n.type === 'identifier' && n.text === decl.name && ctx.sem.resolve(n) === decl) found = true;
    return !found;
  });
  return found;
}

function bufferFix(make: Node, capacity: string, name: string) {
  const call = unparen(make);
  const args = field(call, 'arguments')!;
  const chanType = callArgs(call)[0]!;
  return {
    title: `Give ${name} a buffer of ${capacity}`,
    safety: 'safe' as const,
    edits: [{ start: chanType.endIndex, end: args.endIndex, newText: `, ${capacity})` }],
  };
}

/** `make(chan T, len(xs))` when the senders are started by `for … range xs`. */
function capacityFix(make: Node, u: Uses, fn: Node, ctx: RuleContext) {
  const loop = u.goStmts.map((g) => loopOf(g, fn)).find((l) => l);
  const rc = loop ? namedChildren(loop).find((c) => c.type === 'range_clause') : undefined;
  const over = rc ? field(rc, 'right') : null;
  if (!over || over.type !== 'identifier' || !ctx.sem.resolve(over)) return [];
  if (!within(make, fn) || make.startIndex > loop!.startIndex) return [];
  return [bufferFix(make, `len(${over.text})`, (make.parent?.parent?.namedChild(0)?.text ?? 'the channel').split(',')[0]!)];
}

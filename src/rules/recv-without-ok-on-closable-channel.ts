import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { closeArg, rootIdent, sameChannel } from '../core/semantic/chan';
import { enclosingFunction, enclosingLoop, field, namedChildren, unparen, walk, within } from '../core/semantic/nodes';
import { leavesLoop, spinFinding } from '../core/semantic/select-loop';

/**
 * A select case inside a loop that receives `v := <-c` (or `v = <-c`) without the `, ok` form, uses v,
 * and never compares v, when c is known to be closed: `close(c)` runs somewhere in the file outside the
 * looping function, or the file elsewhere receives from c with `, ok` or ranges over it. After the close
 * the case is ready at once with the zero value, which the case then processes as data. Quiet where
 * closed-channel-select-spin already reports the case, when the case leaves the loop, and for channels
 * of struct{} or bool.
 */
export default defineRule({
  id: 'recv-without-ok-on-closable-channel',
  // Communication cases exist only in select statements.
  needs: ['select'],
  visit: {
    communication_case(kase, ctx) {
      const comm = field(kase, 'communication');
      if (comm?.type !== 'receive_statement') return;
      const recv = unparen(field(comm, 'right')!);
      if (recv.type !== 'unary_expression' || recv.child(0)?.type !== '<-') return;
      const ch = unparen(field(recv, 'operand')!);
      if (!rootIdent(ch)) return;
      const left = namedChildren(field(comm, 'left'));
      if (left.length !== 1 || left[0]!.type !== 'identifier' || left[0]!.text === '_') return;
      const v = left[0]!;
      const loop = enclosingLoop(kase.parent!);
      if (!loop || !streamLoop(loop)) return;
      // A channel made anew on each iteration (one value, then close) is received once per channel.
      const root = ctx.sem.resolve(rootIdent(ch)!);
      if (root && within(root.nameNode, loop)) return;
      if (signalOnly(ch, ctx)) return;
      // The value must be used in the case and never compared there (`if v == nil`, `v != zero`).
      const uses = usesOf(kase, v, ctx);
      if (uses.length === 0 || uses.some(compared)) return;
      if (leavesLoop(kase, loop)) return;
      const evidence = closeEvidence(ch, loop, ctx);
      if (!evidence) return;
      if (spinFinding(kase, ctx)) return;
      ctx.report({
        node: comm,
        message: `${v.text} is received from ${ch.text} without ", ok" and used as data, but ${ch.text} ${evidence.claim}: after a close this case runs at once with the zero value`,
        related: [{ node: evidence.node, message: evidence.message }],
      });
    },
  },
});

/** `for { … }` or `for cond { … }`: a loop that consumes a stream. Counted and range loops are not judged. */
function streamLoop(loop: Node): boolean {
  for (const c of namedChildren(loop)) {
    if (c.type === 'block' || c.type === 'comment') continue;
    return c.type !== 'for_clause' && c.type !== 'range_clause';
  }
  return true;
}

/** Channels whose element carries no data (chan struct{}, chan bool) are signals: the zero value is the message. */
function signalOnly(ch: Node, ctx: RuleContext): boolean {
  const t = ctx.sem.underlying(ctx.sem.typeOf(ch));
  if (t?.k !== 'chan') return false;
  const e = ctx.sem.underlying(t.elem);
  return (e?.k === 'struct' && e.fields.length === 0) || (e?.k === 'named' && e.pkg === '' && e.name === 'bool');
}

/** Identifiers in the case (after the receive itself) that denote the received variable. */
function usesOf(kase: Node, v: Node, ctx: RuleContext): Node[] {
  const decl = ctx.sem.resolve(v);
  const out: Node[] = [];
  walk(kase, (n) => {
    if (n.type === 'identifier' && n.text === v.text && n.startIndex > v.startIndex) {
      const d = ctx.sem.resolve(n);
      if (d === decl || (!decl && !d)) out.push(n);
    }
    return true;
  });
  return out;
}

/** v compared with == or != (against nil, a zero value, a sentinel…), or switched on. */
function compared(use: Node): boolean {
  const p = use.parent;
  if (!p) return false;
  if (p.type === 'binary_expression') {
    const op = p.child(1)?.type;
    return op === '==' || op === '!=';
  }
  if (p.type === 'expression_switch_statement' && field(p, 'value')?.id === use.id) return true;
  if (p.type === 'type_switch_statement' || p.type === 'type_assertion_expression') return false;
  return false;
}

interface Evidence {
  node: Node;
  message: string;
  claim: string;
}

/**
 * Why we believe ch is closed: a close outside the looping function (for a field, a close of any field
 * of the same name), or another receive from the same channel written `x, ok := <-ch`, or a range over it.
 */
function closeEvidence(ch: Node, loop: Node, ctx: RuleContext): Evidence | null {
  const fieldName = ch.type === 'selector_expression' ? field(ch, 'field')?.text : undefined;
  const same = (x: Node): boolean => {
    const e = unparen(x);
    if (fieldName) return e.type === 'selector_expression' && field(e, 'field')?.text === fieldName;
    return sameChannel(e, ch, ctx.sem);
  };
  const fn = enclosingFunction(loop);
  const ownFunction = (n: Node): boolean => {
    let f = enclosingFunction(n);
    if (f?.type === 'func_literal' && f.parent?.type === 'call_expression' && f.parent.parent?.type === 'defer_statement') f = enclosingFunction(f);
    return !!fn && f?.id === fn.id;
  };
  // File-wide facts, in the order the evidence is preferred: a close, an ok-receive, a range.
  // Every form of evidence names the channel: a cheap text test before scopes are consulted.
  const named = { mentions: fieldName ?? (ch.type === 'identifier' ? ch.text : undefined) };
  const close = ctx.sem.facts('closeCalls', named).find((n) => {
    const a = closeArg(n, ctx.sem);
    return !!a && same(a) && !ownFunction(n);
  });
  const okRecv = close
    ? undefined
    : ctx.sem.facts('okReceives', named).find((n) => {
        const l = namedChildren(field(n, 'left'));
        const r = namedChildren(field(n, 'right'));
        const right = n.type === 'receive_statement' ? field(n, 'right') : r.length === 1 ? r[0]! : null;
        const rr = right ? unparen(right) : null;
        return !within(n, loop) && l.length === 2 && l[1]!.text !== '_' && rr?.type === 'unary_expression' && rr.child(0)?.type === '<-' && same(field(rr, 'operand')!);
      });
  const range =
    close || okRecv
      ? undefined
      : ctx.sem.facts('ranges', named).find((n) => {
          const r = field(n, 'right');
          return !!r && same(r) && !within(n, loop);
        });
  if (close) return { node: close, message: `${ch.text} is closed here`, claim: 'is closed elsewhere' };
  if (okRecv) return { node: okRecv, message: `here ${ch.text} is received with ", ok": it is expected to be closed`, claim: 'is received with ", ok" elsewhere, so it is expected to close' };
  if (range) return { node: range, message: `here ${ch.text} is ranged over: it is expected to be closed`, claim: 'is ranged over elsewhere, so it is expected to close' };
  return null;
}



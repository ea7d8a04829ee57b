import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { closeArg } from '../core/semantic/chan';
import { enclosingFunction, field, FUNCTION_TYPES, indentAt, namedChildren, statementsOf, unparen, walk } from '../core/semantic/nodes';
import type { Decl } from '../core/semantic/scopes';

/**
 * `for v := range ch` over a channel made in the same function that is never closed there, while the
 * values come from goroutines started in that function: the loop waits forever after the last value.
 * Only when the channel stays in the function: every mention is a send, a receive, a range, len or
 * cap. A close anywhere in the function (in any goroutine or closure), a channel passed to a call,
 * stored, returned or copied, or a range loop with a break, return, goto or panic in its body is not
 * judged.
 */
export default defineRule({
  id: 'range-over-unclosed-channel',
  // Visits range clauses only.
  needs: ['range'],
  visit: {
    range_clause(rc, ctx) {
      const right = field(rc, 'right');
      if (right?.type !== 'identifier') return;
      const decl = ctx.sem.resolve(right);
      if (!decl || decl.packageLevel || decl.kind !== 'var' || !decl.valueNode || !isMakeChan(decl.valueNode, ctx)) return;
      const loop = rc.parent!;
      check(loop, right, decl, ctx);
    },
  },
});

function isMakeChan(e: Node, ctx: RuleContext): boolean {
  const call = unparen(e);
  if (call.type !== 'call_expression') return false;
  const fn = field(call, 'function');
  if (fn?.type !== 'identifier' || fn.text !== 'make' || ctx.sem.resolve(fn)) return false;
  return namedChildren(field(call, 'arguments'))[0]?.type === 'channel_type';
}

interface Uses {
  sends: Node[];
  /** go statements (started in the declaring function) whose closures send. */
  senders: Node[];
  ownSends: number;
}

function check(loop: Node, ident: Node, decl: Decl, ctx: RuleContext): void {
  const fn = enclosingFunction(decl.nameNode);
  const body = fn && field(fn, 'body');
  if (!fn || !body) return;
  const u: Uses = { sends: [], senders: [], ownSends: 0 };
  let ok = true;
  walk(body, (n) => {
    if (!ok) return false;
    if (n.type !== 'identifier' || n.text !== decl.name || n.startIndex === decl.nameNode.startIndex) return true;
    if (ctx.sem.resolve(n) !== decl) return true;
    const p = n.parent!;
    if (p.type === 'send_statement' && field(p, 'channel')?.id === n.id) {
      u.sends.push(p);
      const go = goStatementOf(p, fn);
      if (go === undefined) ok = false; // sent from a closure that is not a goroutine: not followed
      else if (go === null) u.ownSends++;
      else if (!u.senders.some((g) => g.id === go.id)) u.senders.push(go);
      return true;
    }
    if (p.type === 'unary_expression' && p.child(0)?.type === '<-') return true;
    if (p.type === 'range_clause' && field(p, 'right')?.id === n.id) return true;
    if (p.type === 'argument_list') {
      const call = p.parent!;
      if (closeArg(call, ctx.sem)) {
        ok = false; // closed somewhere: not this rule (whether every path closes is not judged)
        return false;
      }
      const f = field(call, 'function');
      if (f?.type === 'identifier' && (f.text === 'len' || f.text === 'cap') && !ctx.sem.resolve(f)) return true;
    }
    ok = false; // passed, stored, returned, copied, compared: someone else may close it
    return false;
  });
  if (!ok || u.senders.length === 0) return;
  const loopBody = field(loop, 'body');
  if (!loopBody || leaves(loopBody)) return;

  const sole = u.senders.length === 1 && u.ownSends === 0 && !inLoop(u.senders[0]!, fn) ? u.senders[0]! : null;
  ctx.report({
    node: ident,
    message: `range over ${ident.text} never ends: nothing closes ${ident.text}, so after the goroutines' last send this loop waits forever`,
    related: [
      { node: decl.valueNode!, message: `${ident.text} is made here and never closed in this function` },
      { node: u.sends[0]!, message: 'values are sent here; close the channel after the last send' },
    ],
    fixes: sole ? closeFix(sole, ident.text, ctx) : [],
  });
}

/** The go statement started in fn whose function literal contains node; null for fn's own code; undefined for another closure. */
function goStatementOf(node: Node, fn: Node): Node | null | undefined {
  for (let p = node.parent; p && p.id !== fn.id; p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) {
      const call = p.parent;
      const go = call?.type === 'call_expression' && field(call, 'function')?.id === p.id ? call.parent : null;
      if (go?.type !== 'go_statement') return undefined;
      // A goroutine started inside another closure: not followed.
      return enclosingFunction(go)?.id === fn.id ? go : undefined;
    }
  }
  return null;
}

function inLoop(node: Node, fn: Node): boolean {
  for (let p = node.parent; p && p.id !== fn.id; p = p.parent) if (p.type === 'for_statement') return true;
  return false;
}

/** The loop body has a way out other than the channel closing: break, return, goto, panic, os.Exit, t.Fatal… */
function leaves(body: Node): boolean {
  let found = false;
  walk(body, (n) => {
    if (found || n.type === 'func_literal') return false;
    if (n.type === 'return_statement' || n.type === 'goto_statement' || n.type === 'break_statement') found = true;
    else if (n.type === 'call_expression') {
      const f = field(n, 'function');
      const name = f?.type === 'identifier' ? f.text : f?.type === 'selector_expression' ? field(f, 'field')?.text : '';
      if (name && /^(panic|Exit|Fatal\w*|Panic\w*|FailNow|Goexit|Skip\w*)$/.test(name)) found = true;
    }
    return !found;
  });
  return found;
}

/** `defer close(ch)` as the first statement of the only sender goroutine. */
function closeFix(go: Node, name: string, ctx: RuleContext) {
  const call = go.namedChild(0);
  const lit = call?.type === 'call_expression' ? field(call, 'function') : null;
  const block = lit && field(lit, 'body');
  const first = statementsOf(block)[0];
  if (!block || !first) return [];
  // Only for a literal written over several lines (a one-line `go func() { … }()` is left alone).
  if (ctx.file.text.slice(block.startIndex, first.startIndex).indexOf('\n') < 0) return [];
  const indent = indentAt(ctx.file.text, first.startIndex);
  return [
    {
      title: `Close ${name} when the sending goroutine ends (defer close(${name}))`,
      safety: 'safe' as const,
      edits: [{ start: first.startIndex, end: first.startIndex, newText: `defer close(${name})\n${indent}` }],
    },
  ];
}

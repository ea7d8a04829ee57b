import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { isUnbufferedMake } from '../core/semantic/chan';
import { enclosingFunction, enclosingLoop, field, namedChildren, unparen, walk } from '../core/semantic/nodes';

/**
 * A send on an unbuffered channel made in the same function, by that function's own code, before
 * anything else could know of the channel: between the `make` and the send nothing mentions it (no
 * goroutine or closure captures it, no call receives it, it is not stored or copied), so no other
 * goroutine can be receiving and the send blocks forever. Sends that are select cases are not judged.
 */
export default defineRule({
  id: 'self-deadlock-unbuffered-send',
  // Only `make(chan …)` is judged.
  needs: ['chan'],
  visit: {
    short_var_declaration: (n, ctx) => check(n, ctx),
    var_spec: (n, ctx) => check(n, ctx),
  },
});

function check(stmt: Node, ctx: RuleContext): void {
  // Only `make(chan …)` matters: a text check before listing both sides.
  const text = stmt.text;
  if (!text.includes('make') || !text.includes('chan')) return;
  const isSpec = stmt.type === 'var_spec';
  const names = isSpec ? stmt.childrenForFieldName('name').filter((x): x is Node => !!x) : namedChildren(field(stmt, 'left'));
  const values = namedChildren(field(stmt, isSpec ? 'value' : 'right'));
  if (names.length !== values.length) return;
  values.forEach((v, i) => {
    const id = names[i]!;
    if (id.type === 'identifier' && id.text !== '_' && isUnbufferedMake(v, ctx.sem)) checkChannel(id, v, stmt, ctx);
  });
}

function checkChannel(id: Node, make: Node, stmt: Node, ctx: RuleContext): void {
  const fn = enclosingFunction(stmt);
  const body = fn && field(fn, 'body');
  if (!fn || !body) return;
  const decl = ctx.sem.resolve(id);
  if (!decl || decl.nameNode.startIndex !== id.startIndex) return;
  // The first mention after the declaration, in source order.
  let first: Node | null = null;
  let sends = 0;
  const mentions: Node[] = [];
  walk(body, (n) => {
    if (n.type === 'identifier' && n.text === decl.name && n.startIndex > id.startIndex && ctx.sem.resolve(n) === decl) {
      first ??= n;
      mentions.push(n);
      const p = n.parent;
      if (p?.type === 'send_statement' && field(p, 'channel')?.id === n.id) sends++;
    }
    return true;
  });
  if (!first) return;
  const send = (first as Node).parent;
  if (send?.type !== 'send_statement' || field(send, 'channel')?.id !== (first as Node).id) return;
  // The function's own code runs it: no closure in between, and not a select case (which can give up).
  if (enclosingFunction(send)?.id !== fn.id) return;
  if (send.parent?.type === 'communication_case') return;
  // In a loop that does not also re-make the channel, a mention later in the body runs before the
  // send on the next pass (`if i == 1 { ch <- v }; if i == 0 { go recv(ch) }`): not judged.
  for (let p: Node | null = enclosingLoop(send); p; p = enclosingLoop(p)) {
    if (p.startIndex <= make.startIndex && make.endIndex <= p.endIndex) break;
    if (mentions.some((m) => m.id !== (first as Node).id && p!.startIndex <= m.startIndex && m.endIndex <= p!.endIndex)) return;
  }
  const oneShot = sends === 1 && !enclosingLoop(send);
  ctx.report({
    node: send,
    message: `send on unbuffered channel ${id.text} blocks forever: no other goroutine can know of ${id.text} yet, so nothing can receive`,
    related: [{ node: make, message: `${id.text} is made here without a buffer, and nothing between here and the send shares it` }],
    fixes: oneShot ? [bufferFix(make, id.text)] : [],
  });
}

function bufferFix(make: Node, name: string) {
  const call = unparen(make);
  const args = namedChildren(field(call, 'arguments')).filter((n) => n.type !== 'comment');
  const chanType = args[0]!;
  const argList = field(call, 'arguments')!;
  return {
    title: `Give ${name} a buffer of 1 (the value waits in the channel until it is received)`,
    safety: 'unsafe' as const,
    edits: [{ start: chanType.endIndex, end: argList.endIndex, newText: ', 1)' }],
  };
}

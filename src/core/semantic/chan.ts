import type { SyntaxNode as Node } from '../syntax/node';
import type { FileSemantics } from './file';
import { callArgs, field, namedChildren, unparen, walk } from './nodes';
import type { Decl } from './scopes';

/** Helpers shared by the channel rules (double-close, ticker-not-stopped, self-deadlock-unbuffered-send…). */

/** `close(x)` with the builtin close (not shadowed): its single argument, else null. */
export function closeArg(call: Node, sem: FileSemantics): Node | null {
  if (call.type !== 'call_expression') return null;
  const fn = field(call, 'function');
  if (fn?.type !== 'identifier' || fn.text !== 'close' || sem.resolve(fn)) return null;
  const args = callArgs(call);
  return args.length === 1 ? unparen(args[0]!) : null;
}

/**
 * The root identifier of a channel expression we can compare by name: `ch`, `s.done`, `s.a.b`.
 * Index expressions, calls and the like give null (their value may differ each time).
 */
export function rootIdent(expr: Node): Node | null {
  let e = unparen(expr);
  for (let i = 0; i < 8; i++) {
    if (e.type === 'identifier') return e;
    if (e.type !== 'selector_expression') return null;
    e = unparen(field(e, 'operand')!);
  }
  return null;
}

/** The same channel expression: equal text (spaces aside) and the same declaration of its root. */
export function sameChannel(a: Node, b: Node, sem: FileSemantics): boolean {
  const ra = rootIdent(a);
  const rb = rootIdent(b);
  if (!ra || !rb) return false;
  if (norm(a.text) !== norm(b.text)) return false;
  return sem.resolve(ra) === sem.resolve(rb);
}

const norm = (s: string) => s.replace(/\s+/g, '');

/** `make(chan T)` or `make(chan T, 0)` with the builtin make. */
export function isUnbufferedMake(e: Node, sem: FileSemantics): boolean {
  const call = unparen(e);
  if (call.type !== 'call_expression') return false;
  const fn = field(call, 'function');
  if (fn?.type !== 'identifier' || fn.text !== 'make' || sem.resolve(fn)) return false;
  const args = callArgs(call);
  if (args[0]?.type !== 'channel_type') return false;
  return args.length === 1 || (args.length === 2 && args[1]!.text === '0');
}

/** Every identifier under node that refers to decl (optionally excluding one node). */
export function identsOf(node: Node, decl: Decl, sem: FileSemantics, except?: Node): Node[] {
  const out: Node[] = [];
  walk(node, (n) => {
    if (n.type === 'identifier' && n.text === decl.name && n.startIndex !== except?.startIndex && sem.resolve(n) === decl) out.push(n);
    return true;
  });
  return out;
}

/**
 * Assignments in body (between offsets from and to) that change what the channel expression denotes:
 * `ch = …`, `ch, err := …` redeclaring it, `s.done = …` or `s = …` for `s.done`, and `&ch` (it may
 * be assigned through the pointer).
 */
export function reassignments(body: Node, chan: Node, sem: FileSemantics, from = 0, to = Infinity): Node[] {
  const root = rootIdent(chan);
  if (!root) return [];
  const decl = sem.resolve(root);
  const text = norm(chan.text);
  const out: Node[] = [];
  const denotes = (t: Node): boolean => {
    const r = rootIdent(t);
    if (!r || r.text !== root.text || sem.resolve(r) !== decl) return false;
    const tt = norm(t.text);
    return tt === text || text.startsWith(`${tt}.`);
  };
  walk(body, (n) => {
    if (n.endIndex < from || n.startIndex > to) return false;
    if (n.type === 'assignment_statement' || n.type === 'short_var_declaration') {
      if (namedChildren(field(n, 'left')).some(denotes)) out.push(n);
    } else if (n.type === 'unary_expression' && n.child(0)?.type === '&') {
      const operand = field(n, 'operand');
      if (operand && denotes(unparen(operand))) out.push(n);
    } else if (n.type === 'range_clause') {
      if (namedChildren(field(n, 'left')).some(denotes)) out.push(n);
    }
    return true;
  });
  return out;
}

/** The named children of a list node, comments skipped. */
export function stmts(list: Node): Node[] {
  return namedChildren(list).filter((s) => s.type !== 'comment');
}

/**
 * Some `close(x)` in the file closes this channel: for a variable, a close of the same variable; for a
 * field path (`s.in`), a close of any expression ending in the same field name (`x.in`). Closes for
 * which ignore returns true are skipped.
 */
export function closedInFile(ch: Node, sem: FileSemantics, ignore?: (close: Node) => boolean): boolean {
  const fieldName = ch.type === 'selector_expression' ? field(ch, 'field')?.text : undefined;
  // A close of this channel names it: a cheap text test before scopes are consulted.
  const needle = fieldName ?? (ch.type === 'identifier' ? ch.text : undefined);
  for (const n of sem.facts('closeCalls', { mentions: needle })) {
    if (ignore?.(n)) continue;
    const a = closeArg(n, sem);
    if (!a) continue;
    if (fieldName ? a.type === 'selector_expression' && field(a, 'field')?.text === fieldName : sameChannel(a, ch, sem)) return true;
  }
  return false;
}

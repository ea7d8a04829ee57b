import type { SyntaxNode as Node } from '../syntax/node';
import type { Report, RuleContext } from '../rule';
import { closedInFile, reassignments, rootIdent } from './chan';
import { isEndless, isNoReturnCall } from './flow';
import { enclosingFunction, enclosingLoop, field, FUNCTION_TYPES, namedChildren, unparen, walk } from './nodes';

/**
 * Select cases in loops: the judgement of closed-channel-select-spin (shared so that
 * recv-without-ok-on-closable-channel can stay quiet where that rule already speaks), and what leaves a loop.
 */

/**
 * The closed-channel-select-spin finding for a select case, or null: a receive case of a select inside
 * an endless `for {}` loop whose body, once the channel is closed, neither leaves the loop nor disables
 * the case.
 */
export function spinFinding(kase: Node, ctx: RuleContext): Report | null {
  const comm = field(kase, 'communication');
  if (comm?.type !== 'receive_statement') return null;
  const recv = unparen(field(comm, 'right')!);
  if (recv.type !== 'unary_expression' || recv.child(0)?.type !== '<-') return null;
  const ch = unparen(field(recv, 'operand')!);
  if (!rootIdent(ch)) return null;
  const select = kase.parent!;
  const loop = enclosingLoop(select);
  if (!loop || !isEndless(loop)) return null;
  const left = namedChildren(field(comm, 'left'));
  const withOk = left.length === 2 && left[1]!.type === 'identifier' && left[1]!.text !== '_';
  // A close by the looping function's own code (deferred, or in a case that then leaves) cannot
  // happen while it loops; closes in goroutines and other functions can.
  const fn = enclosingFunction(loop);
  const ownClose = (c: Node) => {
    let f = enclosingFunction(c);
    // `defer func() { close(c) }()` runs on the way out too.
    if (f?.type === 'func_literal' && f.parent?.type === 'call_expression' && f.parent.parent?.type === 'defer_statement') f = enclosingFunction(f);
    return !!fn && f?.id === fn.id;
  };
  if (!withOk && !closedInFile(ch, ctx.sem, ownClose)) return null;
  // The case's own statements: no way out of the loop, no change to the channel.
  if (leavesLoop(kase, loop) || reassignments(kase, ch, ctx.sem).length > 0) return null;
  // Elsewhere in the loop body, outside the select: any way out keeps us quiet.
  const body = field(loop, 'body')!;
  if (leavesLoop(body, loop, select)) return null;
  if (reassignments(body, ch, ctx.sem).length > 0) return null;
  // A flag set in the case and tested by a way out elsewhere in the loop (`done = true` here,
  // `if done { return }` in another case): the loop ends, after at most a short spin.
  if (flagTestedOnExit(kase, body, loop)) return null;
  return {
    node: comm,
    message: withOk
      ? `once ${ch.text} is closed this case is ready on every pass and the !${left[1]!.text} path neither leaves the loop nor sets ${ch.text} = nil: the loop spins`
      : `${ch.text} is closed elsewhere in this file; after that this case is ready on every pass and nothing here leaves the loop or sets ${ch.text} = nil: the loop spins`,
    related: [{ node: loop, message: 'this endless loop re-enters the select at once' }],
  };
}

/**
 * Any statement in node that leaves the loop: return, goto, panic/os.Exit/log.Fatal, a labelled
 * break/continue (to this loop or an outer statement), or an unlabelled break that belongs to the loop
 * itself. With skip, that subtree is ignored; inside a select case, an unlabelled break only leaves
 * the select.
 */
export function leavesLoop(node: Node, loop: Node, skip?: Node): boolean {
  let found = false;
  walk(node, (n) => {
    if (found || FUNCTION_TYPES.has(n.type) || (skip && n.id === skip.id)) return false;
    switch (n.type) {
      case 'return_statement':
      case 'goto_statement':
        found = true;
        break;
      case 'break_statement':
        if (namedChildren(n).length > 0 || breaksTarget(n) === loop.id) found = true;
        break;
      case 'continue_statement':
        if (namedChildren(n).length > 0 && !(loop.parent?.type === 'labeled_statement' && loop.parent.namedChild(0)?.text === n.namedChild(0)?.text)) found = true;
        break;
      case 'call_expression':
        if (isNoReturnCall(n)) found = true;
        break;
    }
    return !found;
  });
  return found;
}

/** The statement an unlabelled break leaves. */
function breaksTarget(n: Node): number | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return undefined;
    if (p.type === 'for_statement' || p.type === 'select_statement' || p.type === 'expression_switch_statement' || p.type === 'type_switch_statement') return p.id;
  }
  return undefined;
}

/** Identifiers assigned in the case, tested by an if (outside the case) whose branch leaves the loop. */
function flagTestedOnExit(kase: Node, body: Node, loop: Node): boolean {
  const flags = new Set<string>();
  walk(kase, (n) => {
    if (FUNCTION_TYPES.has(n.type)) return false;
    if (n.type === 'assignment_statement' || n.type === 'inc_statement' || n.type === 'dec_statement') {
      const left = n.type === 'assignment_statement' ? namedChildren(field(n, 'left')) : [n.namedChild(0)!];
      for (const l of left) if (l?.type === 'identifier') flags.add(l.text);
    }
    return true;
  });
  if (flags.size === 0) return false;
  let found = false;
  walk(body, (n) => {
    if (found || n.id === kase.id || FUNCTION_TYPES.has(n.type)) return false;
    if (n.type === 'if_statement') {
      let tests = false;
      walk(field(n, 'condition') ?? n, (x) => {
        if (x.type === 'identifier' && flags.has(x.text)) tests = true;
        return !tests;
      });
      if (tests && leavesLoop(n, loop)) found = true;
    }
    return !found;
  });
  return found;
}

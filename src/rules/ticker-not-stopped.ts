import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { UnusedPathSearch } from '../core/semantic/flow';
import { PKG } from '../core/semantic/imports';
import { enclosingFunction, enclosingLoop, field, FUNCTION_TYPES, indentAt, namedChildren, walk, within } from '../core/semantic/nodes';

/**
 * A `time.NewTicker` kept in a local variable that is never stopped, in a function that can return.
 * Only when the ticker stays in the function: every mention other than the defining one is `t.C` or
 * `t.Reset(…)` outside any closure. Any other mention (returned, stored, passed, captured by a goroutine
 * or closure, `t.Stop`) means someone else may own it. Since Go 1.23 an unreferenced ticker is
 * collected without Stop when the main module says go ≥ 1.23: the finding drops to info there.
 * Exempt: main.main (the process ends with it) and _test.go files (the test binary ends soon).
 */
export default defineRule({
  id: 'ticker-not-stopped',
  requiresImport: [PKG.time],
  applies: (ctx) => !ctx.file.isTest,
  callees: ['NewTicker'],
  visit: {
    call_expression(call, ctx) {
      if (ctx.sem.packageCall(call, PKG.time) !== 'NewTicker') return;
      check(call, ctx);
    },
  },
});

function check(call: Node, ctx: RuleContext): void {
  // t := time.NewTicker(d) / var t = time.NewTicker(d) / t = time.NewTicker(d)
  const list = call.parent;
  const stmt = list?.type === 'expression_list' ? list.parent : null;
  if (!stmt || !list) return;
  let target: Node | undefined;
  if (stmt.type === 'short_var_declaration' || stmt.type === 'assignment_statement') {
    if (field(stmt, 'right')?.id !== list.id) return;
    if (stmt.type === 'assignment_statement' && stmt.child(1)?.type !== '=') return;
    const left = namedChildren(field(stmt, 'left'));
    const right = namedChildren(list);
    if (left.length !== right.length) return;
    target = left[right.findIndex((r) => r.id === call.id)];
  } else if (stmt.type === 'var_spec') {
    const names = stmt.childrenForFieldName('name').filter((x): x is Node => !!x);
    const right = namedChildren(list);
    if (names.length !== right.length) return;
    target = names[right.findIndex((r) => r.id === call.id)];
  } else return;
  if (target?.type !== 'identifier' || target.text === '_') return;
  const fn = enclosingFunction(call);
  const body = fn && field(fn, 'body');
  if (!fn || !body) return;
  if (fn.type === 'function_declaration' && field(fn, 'name')?.text === 'main' && ctx.file.packageName === 'main') return;
  const decl = ctx.sem.resolve(target);
  if (!decl || decl.packageLevel || !within(decl.nameNode, fn)) return;

  // Every mention must be t.C or t.Reset(…) in this function's own code.
  let owned = true;
  walk(body, (n) => {
    if (!owned) return false;
    if (n.type !== 'identifier' || n.text !== decl.name || n.startIndex === target!.startIndex || n.startIndex === decl.nameNode.startIndex) return true;
    if (ctx.sem.resolve(n) !== decl) return true;
    const sel = n.parent;
    const name = sel?.type === 'selector_expression' && field(sel, 'operand')?.id === n.id ? field(sel, 'field')?.text : undefined;
    const isReset = name === 'Reset' && sel!.parent?.type === 'call_expression';
    // Anything else (including `t = …` again, a second ticker) is not followed.
    if ((name !== 'C' && !isReset) || insideClosure(n, fn)) owned = false;
    return owned;
  });
  if (!owned) return;

  const statement = stmt.type === 'var_spec' ? (stmt.parent?.type === 'var_declaration' ? stmt.parent : stmt.parent?.parent ?? stmt) : stmt;
  // The function must be able to return after making the ticker (an endless worker loop keeps it busy).
  // A ticker's channel is never closed: `for range t.C` ends only by break or return.
  const overTicker = (loop: Node) => {
    const rc = namedChildren(loop).find((c) => c.type === 'range_clause');
    const right = rc && field(rc, 'right');
    const operand = right?.type === 'selector_expression' ? field(right, 'operand') : null;
    return field(right ?? loop, 'field')?.text === 'C' && operand?.type === 'identifier' && ctx.sem.resolve(operand) === decl;
  };
  const exit = new UnusedPathSearch(() => false, statement, false, overTicker).run(body);
  if (!exit) return;
  const atEnd = exit.id === body.id;
  const v = ctx.file.goVersion;
  const modern = v !== undefined && v >= 23;
  ctx.report({
    node: target,
    severity: modern ? 'info' : undefined,
    message: modern
      ? `ticker ${target.text} is never stopped; Go 1.23 collects it once unreferenced, but Stop releases it at once and states that this function owns it`
      : `ticker ${target.text} is never stopped; it keeps firing after this function returns and, before Go 1.23, is never garbage-collected`,
    related: [{ node: atEnd ? (body.lastChild ?? body) : exit, message: `the function ${atEnd ? 'ends here' : 'returns here'} without stopping ${target.text}` }],
    // In a loop a deferred Stop would pile up until the function returns: no fix there.
    fixes: statement.parent?.type === 'statement_list' && !enclosingLoop(statement)
      ? [{
          title: `Add defer ${target.text}.Stop() after the call`,
          safety: 'safe',
          edits: [{ start: statement.endIndex, end: statement.endIndex, newText: `\n${indentAt(ctx.file.text, statement.startIndex)}defer ${target.text}.Stop()` }],
        }]
      : [],
  });
}

function insideClosure(n: Node, fn: Node): boolean {
  for (let p = n.parent; p && p.id !== fn.id; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return true;
  return false;
}

import type { SyntaxNode as Node } from '../core/syntax/node';
import { sameFileFunction } from '../core/semantic/callee';
import { defineRule, type RuleContext } from '../core/rule';
import { isEndless } from '../core/semantic/flow';
import { enclosingFunction, field, FUNCTION_TYPES, namedChildren, walk } from '../core/semantic/nodes';
import { leavesLoop } from '../core/semantic/select-loop';

/**
 * `go func() { … for { … } … }()` where the endless loop has no way out: no return, no break or goto
 * that leaves it, no panic or other call that never returns. The goroutine then runs until the process
 * ends, whatever happens to whoever started it. `go f()` and `go x.m()` are followed into a function or
 * method declared in the same file. Goroutines started from main, init or TestMain (process daemons) and
 * in _test.go files are not judged.
 */
export default defineRule({
  id: 'goroutine-without-exit-path',
  // Visits go statements only.
  needs: ['go'],
  applies: (ctx) => !ctx.file.isTest,
  visit: {
    go_statement(go, ctx) {
      const call = go.namedChild(0);
      const callee = call?.type === 'call_expression' ? field(call, 'function') : null;
      const lit = callee?.type === 'func_literal' ? callee : callee ? sameFileFunction(callee, ctx.sem, ctx.file.root) : null;
      if (!lit) return;
      const body = field(lit, 'body');
      if (!body || daemonStarter(go)) return;
      const loop = endlessLoopWithoutExit(body);
      if (!loop) return;
      const cx = contextParam(lit, ctx) ?? contextInScope(go, ctx);
      ctx.report({
        node: callee!.type === 'func_literal' ? (callee!.child(0) ?? go) : callee!,
        message: cx
          ? `this goroutine never ends: its endless loop has no return or break and ignores ${cx}.Done(), so it outlives the work that started it`
          : 'this goroutine never ends: its endless loop has no return, break or cancellation case, so it runs until the process exits',
        // Without a context at hand this is often a deliberate process-lifetime worker: a hint only.
        severity: cx ? undefined : 'info',
        related: [{ node: loop.child(0) ?? loop, message: 'nothing in this loop leaves it' }],
      });
    },
  },
});

/** The name of a context.Context parameter of the function that starts the goroutine (or of an enclosing one). */
function contextInScope(go: Node, ctx: RuleContext): string | null {
  for (let fn = enclosingFunction(go); fn; fn = enclosingFunction(fn)) {
    const name = contextParam(fn, ctx);
    if (name) return name;
  }
  return null;
}

/** The name of a context.Context parameter of fn, if any. */
function contextParam(fn: Node, ctx: RuleContext): string | null {
  for (const p of namedChildren(field(fn, 'parameters'))) {
    if (p.type !== 'parameter_declaration') continue;
    const t = ctx.sem.parseType(field(p, 'type'));
    if (t.k !== 'named' || t.pkg !== 'context' || t.name !== 'Context') continue;
    const name = namedChildren(p).find((c) => c.type === 'identifier' && c.text !== '_');
    if (name) return name.text;
  }
  return null;
}


/** main, init and TestMain start goroutines for the life of the process. */
function daemonStarter(go: Node): boolean {
  let fn = enclosingFunction(go);
  while (fn?.type === 'func_literal') fn = enclosingFunction(fn);
  if (fn?.type !== 'function_declaration') return false;
  const name = field(fn, 'name')?.text;
  return name === 'main' || name === 'init' || name === 'TestMain';
}

/** The first endless `for {}` of the goroutine's own code (not in nested function literals) with no way out. */
function endlessLoopWithoutExit(body: Node): Node | null {
  let found: Node | null = null;
  walk(body, (n) => {
    if (found) return false;
    if (FUNCTION_TYPES.has(n.type)) return n.id === body.parent?.id;
    if (n.type === 'for_statement' && isEndless(n)) {
      const b = field(n, 'body');
      if (b && !leavesLoop(b, n)) found = n;
    }
    return true;
  });
  return found;
}

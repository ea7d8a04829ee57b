import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { PKG } from '../core/semantic/imports';
import { callArgs, FUNCTION_TYPES, field, indentAt, namedChildren, selectorCall, statementsOf, unparen, walk, within } from '../core/semantic/nodes';
import type { Decl } from '../core/semantic/scopes';
import { isNamedOrPointer } from '../core/semantic/types';
import type { Fix } from '../core/types';

/** Methods that end the calling goroutine with runtime.Goexit. */
const GOEXIT = new Set(['Fatal', 'Fatalf', 'FailNow', 'Skip', 'Skipf', 'SkipNow']);
/** The non-exiting twin a fix can use, followed by a return. */
const TWIN: Record<string, string> = { Fatal: 'Error', Fatalf: 'Errorf', FailNow: 'Fail' };

/**
 * t.Fatal / FailNow / Skip from a goroutine the test did not run on (go vet testinggoroutine,
 * staticcheck SA2002). The receiver must be a *testing.T/B/F or testing.TB by its declaration; a t
 * declared inside the goroutine (a t.Run subtest's parameter) belongs to its own test goroutine.
 */
export default defineRule({
  id: 'testing-fatal-in-goroutine',
  // Both visitors need a go statement in the declaration (see goroutineBetween).
  needs: ['go'],
  requiresImport: [PKG.testing],
  callees: [...GOEXIT],
  visit: {
    call_expression(call, ctx) {
      const sc = selectorCall(call);
      if (!sc || !GOEXIT.has(sc.name) || sc.operand.type !== 'identifier') return;
      const decl = ctx.sem.resolve(sc.operand);
      if (!decl || !isTestingValue(ctx.sem.declType(decl))) return;
      const go = goroutineBetween(call, decl);
      if (!go) return;
      ctx.report({
        node: call,
        message: `${sc.operand.text}.${sc.name} called from a goroutine other than the test's; it exits only this goroutine, not the test`,
        related: [{ node: go, message: 'the goroutine is started here' }],
        fixes: fixes(call, sc.name, go, ctx),
      });
    },
    go_statement(goStmt, ctx) {
      // `go helper(t)` where helper (a package function or a local func literal) calls t.Fatal.
      const call = goStmt.namedChild(0);
      if (call?.type !== 'call_expression') return;
      const fn = unparen(field(call, 'function')!);
      if (fn.type !== 'identifier') return;
      const args = callArgs(call);
      const local = ctx.sem.resolve(fn);
      if (local?.valueNode?.type === 'func_literal') {
        const { params, captured } = exitingUses(local.valueNode, ctx);
        if (captured || args.some((a, k) => params.has(k) && isTestingValue(ctx.sem.typeOf(a)))) report(goStmt, call, fn.text, ctx);
        return;
      }
      if (local && local.kind !== 'func') return;
      const info = ctx.sem.index.funcs.get(fn.text);
      if (!info) return;
      const hit = args.some((a, k) => {
        const p = info.params[k];
        return p && isTestingValue(p.type) && p.paramCalls.some((m) => GOEXIT.has(m)) && isTestingValue(ctx.sem.typeOf(a));
      });
      if (hit) report(goStmt, call, fn.text, ctx);
    },
  },
});

function report(goStmt: Node, call: Node, name: string, ctx: RuleContext): void {
  ctx.report({
    node: call,
    message: `${name} calls Fatal, FailNow or Skip on the test from the goroutine started here; it exits only this goroutine, not the test`,
    related: [{ node: goStmt, message: 'the goroutine is started here' }],
  });
}

function isTestingValue(t: ReturnType<RuleContext['sem']['typeOf']>): boolean {
  return isNamedOrPointer(t, PKG.testing, 'T', 'B', 'F') || isNamedOrPointer(t, PKG.testing, 'TB');
}

/**
 * The go statement that starts a goroutine between the call and the function declaring the receiver:
 * `go t.Fatal()` itself, or a `go func() { … }()` literal enclosing the call. Null when the call runs
 * on the goroutine that declared t (or in a literal whose caller is unknown).
 */
function goroutineBetween(call: Node, decl: Decl): Node | null {
  if (call.parent?.type === 'go_statement') return call.parent;
  for (let p = call.parent; p; p = p.parent) {
    if (within(decl.nameNode, p)) return null; // reached the scope that declares t
    if (p.type === 'func_literal') {
      const c = p.parent;
      if (c?.type === 'call_expression' && field(c, 'function')?.id === p.id && c.parent?.type === 'go_statement') return c.parent;
    }
    if (FUNCTION_TYPES.has(p.type) && p.type !== 'func_literal') return null;
  }
  return null;
}

/**
 * What a func literal's body does with Goexit methods (outside nested literals): the indexes of its
 * parameters it calls them on, and whether it calls them on a captured testing value.
 */
function exitingUses(lit: Node, ctx: RuleContext): { params: Set<number>; captured: boolean } {
  const names = namedChildren(field(lit, 'parameters')).flatMap((p) => p.childrenForFieldName('name').map((n) => n?.text ?? ''));
  const params = new Set<number>();
  let captured = false;
  const body = field(lit, 'body');
  if (!body) return { params, captured };
  walk(body, (n) => {
    if (n.type === 'func_literal') return false;
    const sc = selectorCall(n);
    if (sc && GOEXIT.has(sc.name) && sc.operand.type === 'identifier') {
      const i = names.indexOf(sc.operand.text);
      if (i >= 0) params.add(i);
      else {
        const d = ctx.sem.resolve(sc.operand);
        if (d && !within(d.nameNode, lit) && isTestingValue(ctx.sem.declType(d))) captured = true;
      }
    }
    return true;
  });
  return { params, captured };
}

/**
 * `t.Fatal(…)` → `t.Error(…)` plus `return`, when the call is a statement directly in the goroutine's
 * literal, which has no results: returning there runs the same deferred calls Goexit would, and the
 * failure is recorded for the test.
 */
function fixes(call: Node, method: string, go: Node, ctx: RuleContext): Fix[] {
  const twin = TWIN[method];
  const stmt = call.parent;
  const lit = unparen(field(go.namedChild(0)!, 'function') ?? go);
  if (!twin || stmt?.type !== 'expression_statement' || lit.type !== 'func_literal' || field(lit, 'result')) return [];
  if (!statementsOf(field(lit, 'body')).some((s) => s.id === stmt.id)) return [];
  const name = field(field(call, 'function')!, 'field')!;
  return [
    {
      title: `Use ${twin} and return from the goroutine`,
      safety: 'safe',
      edits: [
        { start: name.startIndex, end: name.endIndex, newText: twin },
        { start: stmt.endIndex, end: stmt.endIndex, newText: `\n${indentAt(ctx.file.text, stmt.startIndex)}return` },
      ],
    },
  ];
}

import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { PKG } from '../core/semantic/imports';
import { callArgs, enclosingFunction, field, freeName, namedChildren, selectorCall, unparen, walk, within } from '../core/semantic/nodes';
import type { Decl } from '../core/semantic/scopes';
import type { Fix, TextEdit } from '../core/types';

/**
 * `g, gctx := errgroup.WithContext(ctx)` whose tasks (`g.Go` / `g.TryGo` func literals) use the parent
 * `ctx` and never `gctx`, or `g, _ := errgroup.WithContext(ctx)` whose tasks use `ctx`: a failing task
 * then cancels none of its siblings. A parent of context.Background()/TODO() matches the same calls in a
 * task; under a real parent such a call is taken as a deliberate detachment and not counted.
 *
 * Decisions (see rules/errgroup-ignores-derived-ctx.md):
 * - `g, ctx := errgroup.WithContext(ctx)` (the derived context shadows or replaces the parent) is the
 *   idiom and is never reported.
 * - A task that mentions the derived context anywhere is trusted: using the parent as well is taken as a
 *   deliberate choice (cleanup that must outlive the cancellation, for instance).
 * - Uses that do not carry cancellation are not counted: `ctx.Value(k)`, `context.WithoutCancel(ctx)`
 *   (Go 1.21, detaching on purpose) and context readers such as `log.G(ctx)` / `xxx.FromContext(ctx)`
 *   (the derived context holds the same values).
 * - Tasks that take no context at all are not our concern (WithContext is then merely unused).
 * - Only func literals passed directly to Go/TryGo are read; `g.Go(worker)` is not followed.
 * One finding per group: the first offending use, with the other tasks as related locations.
 */
export default defineRule({
  id: 'errgroup-ignores-derived-ctx',
  // Only `errgroup.WithContext(…)` is judged.
  needs: ['WithContext'],
  requiresImport: [PKG.errgroup],
  visit: {
    short_var_declaration: (n, ctx) => check(n, ctx),
    assignment_statement: (n, ctx) => check(n, ctx),
    var_spec: (n, ctx) => check(n, ctx),
  },
});

interface Task {
  lit: Node;
  /** The g.Go / g.TryGo call. */
  call: Node;
  /** Uses of the parent context (identifier, selector or call), or of context.Background()/TODO(). */
  uses: Node[];
}

function check(stmt: Node, ctx: RuleContext): void {
  const isSpec = stmt.type === 'var_spec';
  const left = isSpec ? stmt.childrenForFieldName('name').filter((x): x is Node => !!x) : namedChildren(field(stmt, 'left'));
  const right = namedChildren(field(stmt, isSpec ? 'value' : 'right'));
  if (left.length !== 2 || right.length !== 1) return;
  const call = unparen(right[0]!);
  if (ctx.sem.packageCall(call, PKG.errgroup) !== 'WithContext') return;
  if (stmt.type === 'assignment_statement' && stmt.child(1)?.type !== '=') return;
  const [gNode, dNode] = left as [Node, Node];
  if (gNode.type !== 'identifier' || gNode.text === '_') return;
  if (dNode.type !== 'identifier') return; // g, s.ctx = …: stored for use elsewhere
  const parentArg = callArgs(call)[0];
  if (!parentArg) return;
  const parent = unparen(parentArg);
  const discarded = dNode.text === '_';
  // The idiom: g, ctx := errgroup.WithContext(ctx). Every later mention of ctx is the derived one.
  if (!discarded && dNode.text === parent.text) return;
  const gDecl = ctx.sem.resolve(gNode);
  const fn = enclosingFunction(stmt);
  if (!gDecl || !fn) return;
  const derivedDecl = discarded ? undefined : ctx.sem.resolve(dNode);
  if (!discarded && !derivedDecl) return;

  const isParent = parentMatcher(parent, ctx);
  const calls = groupCalls(fn, stmt, gDecl, ctx);
  const tasks = calls.flatMap((c) => (c.lit ? [c.lit] : []));
  // `ctx = gctx` (or any new value) after the group is made: later tasks no longer see the parent.
  const body = field(fn, 'body');
  const rewritten: number[] = [];
  if (body) {
    walk(body, (n) => {
      if (n.endIndex <= stmt.endIndex && n.id !== body.id && !within(stmt, n)) return false;
      if (n.type === 'func_literal' && tasks.some((t) => t.id === n.id)) return false;
      if (n.type === 'assignment_statement' && n.startIndex > stmt.endIndex && namedChildren(field(n, 'left')).some((l) => isParent(l))) rewritten.push(n.startIndex);
      return true;
    });
  }
  const offending: Task[] = [];
  for (const { call: goCall, lit } of calls) {
    if (!lit || rewritten.some((w) => w < goCall.startIndex)) continue;
    const uses: Node[] = [];
    let usesDerived = false;
    walk(lit, (n) => {
      if (usesDerived) return false;
      // A task of the same group started from inside this one is judged on its own.
      if (n.type === 'func_literal' && n.id !== lit.id && tasks.some((t) => t.id === n.id)) return false;
      if (n.type === 'identifier' && derivedDecl && n.text === dNode.text && ctx.sem.resolve(n) === derivedDecl) {
        usesDerived = true;
        return false;
      }
      if (isParent(n)) {
        if (carriesCancellation(n, ctx)) uses.push(n);
        return false;
      }
      return true;
    });
    if (usesDerived || uses.length === 0) continue;
    // The derived context is cancelled only by another task's error: some other task must be able to
    // fail, or this one when the same call starts several tasks (a loop).
    const siblingMayFail = calls.some((c) => (c.call.id !== goCall.id || inLoop(goCall, fn)) && c.mayFail);
    if (siblingMayFail) offending.push({ lit, call: goCall, uses });
  }
  if (offending.length === 0) return;
  // In a test a missed cancellation costs a slower failure, not a leak; under a root parent (Background,
  // TODO) the code never had a caller's cancellation to pass on.
  const severity = ctx.file.isTest || (discarded && isFreshContext(parent, ctx)) ? ('info' as const) : undefined;

  const first = offending[0]!;
  const useText = (n: Node) => n.text;
  const others = offending.slice(1).map((t) => ({ node: t.uses[0]!, message: `this task also uses ${useText(t.uses[0]!)}` }));
  const many = offending.length > 1 ? `${offending.length} tasks of this group use` : 'this task uses';
  if (discarded) {
    ctx.report({
      node: dNode,
      severity,
      message: `the context from errgroup.WithContext is discarded while ${offending.length > 1 ? `${offending.length} of the group's tasks use` : 'a task of the group uses'} ${useText(first.uses[0]!)}; when one task fails the others are not cancelled and Wait waits for them`,
      related: offending.map((t) => ({ node: t.uses[0]!, message: `this task uses ${useText(t.uses[0]!)}, which the group never cancels` })),
      fixes: fixDiscarded(stmt, call, gNode, dNode, parent, fn, offending, ctx),
    });
    return;
  }
  ctx.report({
    node: first.uses[0]!,
    severity,
    message: `${many} ${useText(first.uses[0]!)} instead of ${dNode.text} from errgroup.WithContext; when a sibling task fails it is not cancelled and Wait waits for it`,
    related: [{ node: dNode, message: `the group's derived context is ${dNode.text}` }, ...others],
    fixes: fixNamed(dNode.text, derivedDecl!, offending, ctx),
  });
}

/** A matcher for later mentions of the parent expression: the same variable, field or call. */
function parentMatcher(parent: Node, ctx: RuleContext): (n: Node) => boolean {
  // Under a root parent, a task's own context.Background()/TODO() is the same uncancelled root. Under a
  // real parent, a fresh root in a task is usually a deliberate detachment (graceful shutdown, cleanup).
  if (isFreshContext(parent, ctx)) return (n) => isFreshContext(n, ctx);
  const root = rootIdent(parent);
  if (!root) return () => false;
  const rootDecl = ctx.sem.resolve(root);
  return (n) => {
    if (n.type !== parent.type || n.text !== parent.text) return false;
    const r = rootIdent(n);
    return !!r && ctx.sem.resolve(r) === rootDecl;
  };
}

/** `ctx`, `s.ctx`, `r.Context()`: the identifier at the left end; undefined for other shapes. */
function rootIdent(n: Node): Node | undefined {
  let cur: Node | null = n;
  for (;;) {
    if (!cur) return undefined;
    if (cur.type === 'identifier') return cur;
    if (cur.type === 'selector_expression') cur = field(cur, 'operand');
    else if (cur.type === 'call_expression' && callArgs(cur).length === 0) cur = field(cur, 'function');
    else return undefined;
  }
}

/** context.Background() / context.TODO(): a root context nothing ever cancels. */
function isFreshContext(n: Node, ctx: RuleContext): boolean {
  if (n.type !== 'call_expression') return false;
  const f = ctx.sem.packageCall(n, PKG.context);
  return f === 'Background' || f === 'TODO';
}

/** Context readers: the derived context carries the same values, so these uses need no cancellation. */
const READER = /^(G|L|Ctx|Logger|Log|Span|FromContext|FromIncomingContext|FromOutgoingContext|SpanFromContext|SpanContextFromContext|[A-Z]\w*FromContext)$/;

/**
 * False when this mention of the context cannot matter for cancellation: `ctx.Value(k)`,
 * `context.WithoutCancel(ctx)` (detached on purpose), or an argument of a context reader such as
 * `log.G(ctx)`, `trace.SpanFromContext(ctx)`, `metadata.FromIncomingContext(ctx)`.
 */
function carriesCancellation(use: Node, ctx: RuleContext): boolean {
  const p = use.parent;
  if (!p) return true;
  if (p.type === 'selector_expression' && field(p, 'operand')?.id === use.id) {
    return field(p, 'field')?.text !== 'Value';
  }
  if (p.type === 'argument_list' && p.parent?.type === 'call_expression') {
    const call = p.parent;
    if (ctx.sem.packageCall(call, PKG.context) === 'WithoutCancel') return false;
    const fn = field(call, 'function');
    const name = fn?.type === 'selector_expression' ? field(fn, 'field')?.text : fn?.type === 'identifier' ? fn.text : undefined;
    if (name && READER.test(name) && callArgs(call).length === 1) return false;
  }
  return true;
}

interface GroupCall {
  call: Node;
  /** The func literal passed, or undefined for another expression (g.Go(worker)). */
  lit: Node | undefined;
  /** Whether the task can return a non-nil error (always assumed for a non-literal). */
  mayFail: boolean;
}

/**
 * The g.Go / g.TryGo calls of this group: after the statement that made it and before the next
 * assignment to g, anywhere in the function (including nested literals).
 */
function groupCalls(fn: Node, stmt: Node, gDecl: Decl, ctx: RuleContext): GroupCall[] {
  const body = field(fn, 'body');
  if (!body) return [];
  const reassigned: number[] = [];
  const out: GroupCall[] = [];
  walk(body, (n) => {
    if ((n.type === 'short_var_declaration' || n.type === 'assignment_statement') && n.startIndex > stmt.endIndex) {
      for (const l of namedChildren(field(n, 'left'))) {
        if (l.type === 'identifier' && l.text === gDecl.name && ctx.sem.resolve(l) === gDecl) reassigned.push(n.startIndex);
      }
    }
    if (n.type === 'call_expression' && n.startIndex > stmt.endIndex) {
      const sc = selectorCall(n);
      const arg = callArgs(n)[0];
      if (sc && arg && (sc.name === 'Go' || sc.name === 'TryGo') && sc.operand.type === 'identifier' && sc.operand.text === gDecl.name && ctx.sem.resolve(sc.operand) === gDecl) {
        const a = unparen(arg);
        const lit = a.type === 'func_literal' ? a : undefined;
        out.push({ call: n, lit, mayFail: lit ? mayFail(lit) : true });
      }
    }
    return true;
  });
  const end = Math.min(...reassigned, Infinity);
  return out.filter((c) => c.call.startIndex < end);
}

/** A task literal with a return of something other than nil (or a bare return of a named result). */
function mayFail(lit: Node): boolean {
  const named = namedChildren(field(lit, 'result')).some((p) => p.type === 'parameter_declaration' && !!field(p, 'name'));
  let fails = false;
  walk(field(lit, 'body') ?? lit, (n) => {
    if (fails || n.type === 'func_literal') return false;
    if (n.type === 'return_statement') {
      const list = namedChildren(n).flatMap((c) => (c.type === 'expression_list' ? namedChildren(c) : [c])).filter((v) => v.type !== 'comment');
      if (list.length === 0 ? named : !(list.length === 1 && unparen(list[0]!).type === 'nil')) fails = true;
      return false;
    }
    return true;
  });
  return fails;
}

/** The call sits in a loop of the function (directly or in a literal called there): it starts several tasks. */
function inLoop(call: Node, fn: Node): boolean {
  for (let p = call.parent; p && p.id !== fn.id; p = p.parent) if (p.type === 'for_statement') return true;
  return false;
}

/** Replace every counted use with `name` when `name` means the derived context at each of them. */
function replaceEdits(name: string, derived: Decl | undefined, tasks: Task[], ctx: RuleContext): { edits: TextEdit[]; fresh: boolean } | undefined {
  const edits: TextEdit[] = [];
  let fresh = false;
  const seen = new Set<number>();
  for (const t of tasks) {
    for (const u of t.uses) {
      if (seen.has(u.startIndex)) continue;
      seen.add(u.startIndex);
      if (derived && ctx.sem.scopes.lookup(name, u) !== derived) return undefined;
      // `ctx = wrap(ctx)` in a task: renaming would move the write to another variable.
      const p = u.parent;
      if (p?.type === 'expression_list' && p.parent?.type === 'assignment_statement' && field(p.parent, 'left')?.id === p.id) return undefined;
      if (isFreshContext(u, ctx)) fresh = true;
      edits.push({ start: u.startIndex, end: u.endIndex, newText: name });
    }
  }
  return { edits, fresh };
}

function fixNamed(name: string, derived: Decl, tasks: Task[], ctx: RuleContext): Fix[] {
  const r = replaceEdits(name, derived, tasks, ctx);
  if (!r) return [];
  // Replacing context.Background() may take away a detachment someone wanted: offered, not applied blindly.
  return [{ title: `Use ${name} in the group's tasks`, safety: r.fresh ? 'unsafe' : 'safe', edits: r.edits }];
}

/**
 * Two ways out, both offered and neither applied blindly: the code does not say whether the author
 * wanted fail-fast (then name and use the derived context) or wanted every task to run to the end (then a
 * plain group says so).
 */
function fixDiscarded(stmt: Node, call: Node, gNode: Node, blank: Node, parent: Node, fn: Node, tasks: Task[], ctx: RuleContext): Fix[] {
  const out: Fix[] = [];
  // `g, _ = …` cannot introduce a variable.
  if (stmt.type !== 'assignment_statement') {
    const name = freeName(fn, 'gctx');
    // The name is new to the whole function and declared next to g, so it is visible wherever g.Go is.
    const r = replaceEdits(name, undefined, tasks, ctx);
    if (r) {
      out.push({
        title: `Name the derived context ${name} and use it in the group's tasks`,
        safety: 'unsafe',
        edits: [{ start: blank.startIndex, end: blank.endIndex, newText: name }, ...r.edits],
      });
    }
  }
  // Dropping the WithContext call drops the evaluation of its argument: only for side-effect-free ones.
  const plainArg = parent.type === 'identifier' || parent.type === 'selector_expression' || isFreshContext(parent, ctx);
  const callee = field(call, 'function');
  if (plainArg && callee) {
    const group = callee.type === 'selector_expression' ? `${field(callee, 'operand')?.text}.Group` : 'Group';
    const edit =
      stmt.type === 'var_spec'
        ? { start: stmt.startIndex, end: stmt.endIndex, newText: `${gNode.text} = new(${group})` }
        : { start: stmt.startIndex, end: stmt.endIndex, newText: `${gNode.text} ${stmt.type === 'assignment_statement' ? '=' : ':='} new(${group})` };
    out.push({ title: `Use a plain ${group} (no cancellation wanted)`, safety: 'unsafe', edits: [edit] });
  }
  return out;
}


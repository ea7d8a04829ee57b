import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { UnusedPathSearch } from '../core/semantic/flow';
import { PKG } from '../core/semantic/imports';
import { enclosingFunction, field, freeName, indentAt, namedChildren, walk, within } from '../core/semantic/nodes';
import type { Decl } from '../core/semantic/scopes';
import type { Fix } from '../core/types';

const CONSTRUCTORS = new Set(['WithCancel', 'WithTimeout', 'WithDeadline', 'WithCancelCause', 'WithTimeoutCause', 'WithDeadlineCause']);

/**
 * The cancel func of a derived context is discarded, or not used on every path to a return. Follows
 * go vet lostcancel: any mention of the variable counts as a use (call, defer, passing it on, storing it,
 * capturing it), paths that end in panic/os.Exit/log.Fatal/t.FailNow do not count, a variable declared
 * outside the function is assumed to be used elsewhere, and main.main is exempt (the process exits).
 */
export default defineRule({
  id: 'missing-defer-cancel',
  // Only the context.With… constructors (also dot-imported) are judged.
  needs: [...CONSTRUCTORS],
  requiresImport: [PKG.context],
  visit: {
    short_var_declaration: (n, ctx) => check(n, ctx),
    assignment_statement: (n, ctx) => check(n, ctx),
    var_spec: (n, ctx) => check(n, ctx),
  },
});

function check(stmt: Node, ctx: RuleContext): void {
  // Every constructor reported is context.With… (WithCancel, WithTimeout, …): a text check first.
  if (!stmt.text.includes('With')) return;
  const isSpec = stmt.type === 'var_spec';
  const left = isSpec ? stmt.childrenForFieldName('name').filter((x): x is Node => !!x) : namedChildren(field(stmt, 'left'));
  const right = namedChildren(field(stmt, isSpec ? 'value' : 'right'));
  if (left.length !== 2 || right.length !== 1) return;
  const call = right[0]!;
  const ctor = ctx.sem.packageCall(call, PKG.context);
  if (!ctor || !CONSTRUCTORS.has(ctor)) return;
  if (stmt.type === 'assignment_statement' && stmt.child(1)?.type !== '=') return;
  const cancel = left[1]!;
  if (cancel.type !== 'identifier') return; // ctx, s.cancel = …: stored, used elsewhere
  const fn = enclosingFunction(stmt);
  if (!fn) return; // package-level var: lives as long as the program
  if (fn.type === 'function_declaration' && field(fn, 'name')?.text === 'main' && ctx.file.packageName === 'main') return;
  const statement = isSpec ? stmt.parent?.type === 'var_declaration' ? stmt.parent : stmt.parent?.parent ?? stmt : stmt;

  if (cancel.text === '_') {
    ctx.report({
      node: cancel,
      message: `the cancel function returned by context.${ctor} is discarded; the context and its resources leak until the parent is done`,
      // In an if/switch/for header there is no statement list to add `defer cancel()` to.
      fixes: statement.parent?.type === 'statement_list' ? fixDiscarded(stmt, statement, cancel, fn, ctx) : [],
    });
    return;
  }

  const decl = ctx.sem.resolve(cancel);
  if (!decl || decl.packageLevel) return;
  // Declared outside this function (e.g. a closure assigning an outer variable): used elsewhere.
  if (!within(decl.nameNode, fn)) return;
  const body = field(fn, 'body');
  if (!body) return;
  const uses = usesOf(decl, body, cancel, ctx);
  const mentions = (n: Node | null) => !!n && uses.some((o) => o >= n.startIndex && o < n.endIndex);
  const leak = new UnusedPathSearch(mentions, statement, decl.kind === 'result').run(body);
  if (!leak) return;
  const atEnd = leak.id === body.id;
  const leakNode = atEnd ? (body.lastChild ?? body) : leak;
  // No line numbers in the message: findings are cached per declaration and re-based when lines move.
  const where = atEnd ? 'the end of the function' : 'a return below';
  ctx.report({
    node: cancel,
    message: `${cancel.text} is not called on every path; ${where} leaks the context from context.${ctor}`,
    related: [{ node: leakNode, message: `this ${atEnd ? 'path' : 'return'} is reached without calling ${cancel.text}` }],
    fixes: statement.parent?.type === 'statement_list' ? [fixDefer(statement, cancel.text, ctx)] : [],
  });
}

/** Offsets of every identifier in body that refers to decl, except the assignment that defines it. */
function usesOf(decl: Decl, body: Node, defining: Node, ctx: RuleContext): number[] {
  const out: number[] = [];
  walk(body, (n) => {
    if (n.type === 'identifier' && n.text === decl.name && n.startIndex !== defining.startIndex && ctx.sem.resolve(n) === decl) out.push(n.startIndex);
    return true;
  });
  return out;
}

function fixDefer(statement: Node, name: string, ctx: RuleContext): Fix {
  const indent = indentAt(ctx.file.text, statement.startIndex);
  return {
    title: `Add defer ${name}() after the call`,
    safety: 'safe',
    edits: [{ start: statement.endIndex, end: statement.endIndex, newText: `\n${indent}defer ${name}()` }],
  };
}

function fixDiscarded(stmt: Node, statement: Node, blank: Node, fn: Node, ctx: RuleContext): Fix[] {
  const name = freeName(fn, 'cancel');
  const indent = indentAt(ctx.file.text, statement.startIndex);
  const edits = [
    { start: blank.startIndex, end: blank.endIndex, newText: name },
    { start: statement.endIndex, end: statement.endIndex, newText: `\n${indent}defer ${name}()` },
  ];
  if (stmt.type === 'assignment_statement') {
    // `ctx, _ = …` cannot introduce a variable: declare it first.
    const pkg = [...ctx.sem.imports.byName].find(([, p]) => p === PKG.context)?.[0] ?? 'context';
    edits.unshift({ start: statement.startIndex, end: statement.startIndex, newText: `var ${name} ${pkg}.CancelFunc\n${indent}` });
  }
  return [{ title: `Name the cancel function and add defer ${name}()`, safety: 'safe', edits }];
}


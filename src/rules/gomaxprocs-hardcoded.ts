import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { PKG } from '../core/semantic/imports';
import { callArgs, enclosingFunction, field, unparen } from '../core/semantic/nodes';

/**
 * `runtime.GOMAXPROCS(n)` with n fixed in the source: an integer constant, or a value computed only
 * from `runtime.NumCPU()` and constants. A value read from a flag, the environment or a config is a
 * deliberate setting and is not reported, nor is a call whose result is used (the save-and-restore
 * idiom `defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))`), nor a default set only when the GOMAXPROCS
 * environment variable is not (the function mentions "GOMAXPROCS"), nor anything in a _test.go file.
 * `NumCPU()` alone matches the default before Go 1.25, so it is reported only from 1.25 on, where
 * setting it turns off the default that follows the container's CPU limit.
 */
export default defineRule({
  id: 'gomaxprocs-hardcoded',
  requiresImport: [PKG.runtime],
  applies: (ctx) => !ctx.file.isTest,
  callees: ['GOMAXPROCS'],
  visit: {
    call_expression(call, ctx) {
      if (ctx.sem.packageCall(call, PKG.runtime) !== 'GOMAXPROCS') return;
      // The result is used: a query, or a save-and-restore pair.
      if (unparenParent(call)?.type !== 'expression_statement') return;
      const args = callArgs(call);
      if (args.length !== 1) return;
      const v = hostValue(args[0]!, ctx);
      if (!v) return;
      // A default that the GOMAXPROCS environment variable can override is a deliberate choice.
      const fn = enclosingFunction(call);
      if (fn && /"GOMAXPROCS"/.test(fn.text)) return;
      // Thread-level set-up (namespaces, thread-bound C libraries) that also pins the OS thread needs
      // one thread on purpose.
      if (fn && /\bLockOSThread\s*\(/.test(fn.text)) return;
      const modern = (ctx.file.goVersion ?? 0) >= 25;
      if (v.kind === 'const') {
        if (v.value === undefined || v.value <= 0) return; // 0 or less only queries
        const limit = modern ? "replaces the Go 1.25 default that follows the container's CPU limit" : 'ignores the CPU limit of the machine or container the program runs in';
        ctx.report({
          node: call,
          message: v.value === 1
            ? `GOMAXPROCS(1) ${limit}, and running on one thread hides data races rather than removing them`
            : `GOMAXPROCS fixed at ${v.value} ${limit}`,
        });
      } else if (modern) {
        ctx.report({
          node: call,
          message: 'GOMAXPROCS set from runtime.NumCPU() counts host cores and turns off the Go 1.25 default that follows the container\'s CPU limit',
        });
      }
    },
  },
});

function unparenParent(n: Node): Node | null {
  let p = n.parent;
  while (p?.type === 'parenthesized_expression') p = p.parent;
  return p;
}

type Value = { kind: 'const'; value: number | undefined } | { kind: 'cpu' };

/**
 * The argument as a fixed value: an integer constant (literal, or a local or package constant with a
 * literal value), or an expression of constants and runtime.NumCPU(). Anything else → undefined.
 */
function hostValue(arg: Node, ctx: RuleContext): Value | undefined {
  let cpu = false;
  const evalNode = (n: Node, depth: number): number | undefined | null => {
    // null: not fixed in the source; undefined: fixed but not computed (involves NumCPU).
    if (depth > 6) return null;
    n = unparen(n);
    switch (n.type) {
      case 'int_literal': {
        const v = Number(n.text.replace(/_/g, ''));
        return Number.isFinite(v) ? v : null;
      }
      case 'call_expression':
        if (ctx.sem.packageCall(n, PKG.runtime) === 'NumCPU' && callArgs(n).length === 0) {
          cpu = true;
          return undefined;
        }
        return null;
      case 'identifier': {
        const d = ctx.sem.resolve(n);
        if (!d || d.kind !== 'const' || !d.valueNode) return null;
        return evalNode(d.valueNode, depth + 1);
      }
      case 'binary_expression': {
        const l = field(n, 'left');
        const r = field(n, 'right');
        const op = field(n, 'operator')?.text ?? n.child(1)?.text;
        if (!l || !r) return null;
        const a = evalNode(l, depth + 1);
        const b = evalNode(r, depth + 1);
        if (a === null || b === null) return null;
        if (a === undefined || b === undefined) return undefined;
        switch (op) {
          case '+': return a + b;
          case '-': return a - b;
          case '*': return a * b;
          case '/': return b === 0 ? null : Math.trunc(a / b);
          default: return null;
        }
      }
      default:
        return null;
    }
  };
  const v = evalNode(arg, 0);
  if (v === null) return undefined;
  if (cpu) return { kind: 'cpu' };
  return { kind: 'const', value: v };
}

import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { walkLocks } from '../core/semantic/lock-state';
import { field, selectorCall, walk } from '../core/semantic/nodes';

/**
 * A call that waits on the network, another process or the clock, made while the function holds a mutex
 * it locked itself (on every path, see lock-state.ts). Only package functions resolved through the
 * file's imports are recognised, so the list is exact about what is called; whether waiting under that
 * lock matters is a design question, hence info severity.
 */
const IO: Readonly<Record<string, ReadonlySet<string>>> = {
  'net/http': new Set(['Get', 'Post', 'Head', 'PostForm']),
  net: new Set(['Dial', 'DialTimeout', 'DialTCP', 'LookupHost', 'LookupIP', 'LookupAddr', 'LookupCNAME', 'LookupMX', 'LookupSRV', 'LookupTXT']),
  time: new Set(['Sleep']),
};

/** Any name ioCall can return a finding for, as a word. */
const IO_NAME = new RegExp(`\\b(?:${[...Object.values(IO).flatMap((names) => [...names]), 'Run', 'Output', 'CombinedOutput', 'Wait'].join('|')})\\b`);

export default defineRule({
  id: 'lock-held-during-io',
  // Every lock it follows is an `x.Lock()` or `x.RLock()` call.
  needs: ['Lock', 'RLock'],
  requiresImport: ['net/http', 'net', 'time', 'os/exec'],
  visit: {
    function_declaration: (fn, ctx) => check(fn, ctx),
    method_declaration: (fn, ctx) => check(fn, ctx),
    func_literal: (fn, ctx) => check(fn, ctx),
  },
});

function check(fn: Node, ctx: RuleContext): void {
  const body = field(fn, 'body');
  if (!body || !/\bR?Lock\(\)/.test(body.text)) return;
  walkLocks(body, ctx.sem, {
    onNode(node, held) {
      if (held.size === 0 || node.type === 'go_statement' || node.type === 'defer_statement') return;
      // Every call judged names its function (Sleep, Get, Dial…, Run/Output/Wait): a text check first.
      if (!IO_NAME.test(node.text)) return;
      walk(node, (n) => {
        if (n.type === 'func_literal') return false;
        if (n.type !== 'call_expression') return true;
        const what = ioCall(n, ctx);
        if (!what) return true;
        const h = [...held.values()][0]!;
        ctx.report({
          node: n,
          message: `${what} while holding ${[...held.keys()].join(', ')}: every goroutine that needs the lock waits for it too`,
          related: [{ node: h.stmt, message: `${h.recv} locked here` }],
        });
        return false;
      });
    },
  });
}

function ioCall(call: Node, ctx: RuleContext): string | null {
  for (const [path, names] of Object.entries(IO)) {
    const f = ctx.sem.packageCall(call, path);
    if (f && names.has(f)) {
      if (path === 'time') return 'time.Sleep';
      return `${path === 'net/http' ? 'http' : path}.${f} (network I/O)`;
    }
  }
  // exec.Command(...).Run() / .Output() / .CombinedOutput(): waits for another process.
  const sc = selectorCall(call);
  if (sc && ['Run', 'Output', 'CombinedOutput', 'Wait'].includes(sc.name) && ctx.sem.packageCall(sc.operand, 'os/exec')?.startsWith('Command')) {
    return `running a command (${sc.name})`;
  }
  return null;
}

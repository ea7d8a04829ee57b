import type { SyntaxNode as Node } from '../syntax/node';

// Walks over a subtree in pre-order. A SyntaxNode reads its children once and keeps them (see
// syntax/node.ts), so the several rules and helpers that walk one function body share what the first
// walk read; an explicit stack keeps 10,000-deep nesting from overflowing the call stack.

/** Calls every node of the subtree (pre-order, node first) for which visit returns true to continue into its children. */
export function walk(node: Node, visit: (n: Node) => boolean | void): void {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (visit(n) === false) continue;
    const kids = n.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}

import type { SyntaxNode as Node } from '../syntax/node';
import { walk } from './walk';

/** Small, allocation-light helpers over tree-sitter-go nodes (grammar 0.25 shapes). */

export const FUNCTION_TYPES: ReadonlySet<string> = new Set(['function_declaration', 'method_declaration', 'func_literal']);

export function field(node: Node, name: string): Node | null {
  return node.childForFieldName(name);
}

export function namedChildren(node: Node | null | undefined): Node[] {
  if (!node) return [];
  return node.namedChildren.filter((n): n is Node => n !== null);
}

/** Statements of a block (`block` → `statement_list` in 0.25) or of a case clause. */
export function statementsOf(node: Node | null | undefined): Node[] {
  if (!node) return [];
  const out: Node[] = [];
  for (const c of namedChildren(node)) {
    if (c.type === 'statement_list') out.push(...namedChildren(c).filter((s) => s.type !== 'comment'));
  }
  return out;
}

/** The nearest enclosing function (declaration, method or literal), or null at package level. */
export function enclosingFunction(node: Node): Node | null {
  for (let p = node.parent; p; p = p.parent) if (FUNCTION_TYPES.has(p.type)) return p;
  return null;
}

/** True when node lies inside ancestor (or is it). */
export function within(node: Node, ancestor: Node): boolean {
  return ancestor.startIndex <= node.startIndex && node.endIndex <= ancestor.endIndex;
}

export function contains(outer: Node, offset: number): boolean {
  return outer.startIndex <= offset && offset < outer.endIndex;
}

/** Removes redundant parentheses around an expression. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

/** For `pkg.Name(...)` / `x.Method(...)`: the operand and field of the callee, else null. */
export function selectorCall(call: Node): { operand: Node; name: string; selector: Node } | null {
  if (call.type !== 'call_expression') return null;
  const fn = field(call, 'function');
  if (!fn || fn.type !== 'selector_expression') return null;
  const operand = field(fn, 'operand');
  const f = field(fn, 'field');
  if (!operand || !f) return null;
  return { operand, name: f.text, selector: fn };
}

export function callArgs(call: Node): Node[] {
  return namedChildren(field(call, 'arguments')).filter((n) => n.type !== 'comment');
}

// Rules walk through nodes.ts.
export { walk } from './walk';

/** The nearest for statement whose body contains node, without crossing a function boundary. */
export function enclosingLoop(node: Node): Node | null {
  let child = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return null;
    if (p.type === 'for_statement' && field(p, 'body')?.id === child.id) return p;
  }
  return null;
}

/** Each pair of consecutive statements (comments skipped) of a statement list. */
export function statementPairs(list: Node): [Node, Node][] {
  const stmts = namedChildren(list).filter((s) => s.type !== 'comment');
  const out: [Node, Node][] = [];
  for (let i = 0; i + 1 < stmts.length; i++) out.push([stmts[i]!, stmts[i + 1]!]);
  return out;
}

/** Line indentation (leading spaces/tabs) of the line containing offset. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*/.exec(text.slice(lineStart, lineStart + 200));
  return m ? m[0] : '';
}

export function lineStartOffset(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** base, or base2, base3… when the function already mentions that name (for a fix that declares one). */
export function freeName(fn: Node, base: string): string {
  const used = new Set<string>();
  walk(fn, (n) => {
    if (n.type === 'identifier') used.add(n.text);
    return true;
  });
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

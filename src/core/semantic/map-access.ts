import type { SyntaxNode as Node } from '../syntax/node';
import type { FileSemantics } from './file';
import { callArgs, field, unparen, walk } from './nodes';

/**
 * Accesses to Go maps as the syntax shows them: writes (`m[k] = v`, `m[k] += v`, `m[k]++`,
 * `delete(m, k)`, `clear(m)`) and reads (`m[k]`, `range m`). A map is recognised only when the semantic
 * layer knows the operand's type is a map (declared or inferred from `make`/a literal in the package);
 * unknown types are left out. Function literals nested in the searched node are not entered.
 */

export interface MapAccess {
  /** The map expression, e.g. `m` or `s.cache` (parentheses removed). */
  map: Node;
  /** The whole access: the index expression, the delete/clear call, or the range clause. */
  node: Node;
  write: boolean;
}

/** True when expr's type is known to be a map (through the package's named types and one pointer). */
export function isMapExpr(expr: Node, sem: FileSemantics): boolean {
  return sem.underlying(sem.typeOf(expr))?.k === 'map';
}

/** Every map access under node, in document order, not entering function literals. */
export function mapAccessesIn(node: Node, sem: FileSemantics): MapAccess[] {
  const out: MapAccess[] = [];
  walk(node, (n) => {
    if (n.type === 'func_literal') return false;
    const a = accessAt(n, sem);
    if (a) out.push(a);
    return true;
  });
  return out;
}

/** The map access that node is (an index expression, a delete/clear call, a range clause), or undefined. */
export function accessAt(n: Node, sem: FileSemantics): MapAccess | undefined {
  if (n.type === 'index_expression') {
    const operand = field(n, 'operand');
    if (!operand) return undefined;
    const m = unparen(operand);
    if (!isMapExpr(m, sem)) return undefined;
    return { map: m, node: n, write: isWriteTarget(n) };
  }
  if (n.type === 'call_expression') {
    const fn = field(n, 'function');
    if (fn?.type !== 'identifier' || (fn.text !== 'delete' && fn.text !== 'clear') || sem.resolve(fn)) return undefined;
    const arg = callArgs(n)[0];
    if (!arg) return undefined;
    const m = unparen(arg);
    return isMapExpr(m, sem) ? { map: m, node: n, write: true } : undefined;
  }
  if (n.type === 'range_clause') {
    const right = field(n, 'right');
    if (!right) return undefined;
    const m = unparen(right);
    return isMapExpr(m, sem) ? { map: m, node: n, write: false } : undefined;
  }
  return undefined;
}

/** `m[k]` as the target of `=`, `op=` or `++`/`--` (the element itself is replaced). */
function isWriteTarget(index: Node): boolean {
  let top = index;
  while (top.parent?.type === 'parenthesized_expression') top = top.parent;
  const p = top.parent;
  if (!p) return false;
  if (p.type === 'inc_statement' || p.type === 'dec_statement') return true;
  if (p.type === 'expression_list') {
    const stmt = p.parent;
    return stmt?.type === 'assignment_statement' && field(stmt, 'left')?.id === p.id;
  }
  return false;
}

/**
 * The variable a map expression hangs off (`m` for `m`, `s` for `s.a.b`), or undefined when the path
 * goes through anything but field selections (an index, a call: possibly a different map each time).
 */
export function mapRoot(m: Node): Node | undefined {
  let n = unparen(m);
  while (n.type === 'selector_expression') {
    const op = field(n, 'operand');
    if (!op) return undefined;
    n = unparen(op);
  }
  return n.type === 'identifier' ? n : undefined;
}

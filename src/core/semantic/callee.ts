import type { SyntaxNode as Node } from '../syntax/node';
import type { FileSemantics } from './file';
import { field, namedChildren } from './nodes';

/**
 * For a call's callee `run` or `x.run`: the function or method declared in this file under that name
 * (for a method, on the named type of x, pointer or not), else null. A name that resolves to anything
 * but a package-level func (a local func value, a parameter) gives null: its body is not known here.
 */
export function sameFileFunction(callee: Node, sem: FileSemantics, root: Node): Node | null {
  let name: string | undefined;
  let recvType: string | undefined;
  if (callee.type === 'identifier') {
    const d = sem.resolve(callee);
    if (d && !(d.kind === 'func' && d.packageLevel)) return null;
    name = callee.text;
  } else if (callee.type === 'selector_expression') {
    const operand = field(callee, 'operand')!;
    let t = sem.typeOf(operand);
    if (t?.k === 'pointer') t = t.elem;
    if (t?.k !== 'named' || t.pkg !== '') return null;
    recvType = t.name;
    name = field(callee, 'field')?.text;
  }
  if (!name) return null;
  for (const d of namedChildren(root)) {
    if (recvType === undefined ? d.type !== 'function_declaration' : d.type !== 'method_declaration') continue;
    if (field(d, 'name')?.text !== name) continue;
    if (recvType !== undefined) {
      const r = namedChildren(field(d, 'receiver')).find((c) => c.type === 'parameter_declaration');
      let rt = r ? sem.parseType(field(r, 'type')) : undefined;
      if (rt?.k === 'pointer') rt = rt.elem;
      if (rt?.k !== 'named' || rt.name !== recvType) continue;
    }
    return d;
  }
  return null;
}

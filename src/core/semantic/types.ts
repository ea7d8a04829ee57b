import type { SyntaxNode as Node } from '../syntax/node';
import { defaultName, type Imports } from './imports';
import { field, namedChildren } from './nodes';

/**
 * What the syntax says of a type. `named` types carry the import path of their package ('' for the
 * package being analysed, and for predeclared types and type parameters, which the index never holds).
 */
export type GoType =
  | { k: 'named'; pkg: string; name: string }
  | { k: 'pointer'; elem: GoType }
  | { k: 'slice'; elem: GoType }
  | { k: 'array'; elem: GoType }
  | { k: 'map'; key: GoType; elem: GoType }
  | { k: 'chan'; elem: GoType }
  | { k: 'struct'; fields: StructField[] }
  | { k: 'func'; results: GoType[] }
  | { k: 'interface' }
  | { k: 'unknown' };

export interface StructField {
  name: string;
  type: GoType;
  embedded: boolean;
}

export const UNKNOWN: GoType = { k: 'unknown' };

/** Parses a type expression node, resolving package qualifiers through the file's imports. */
export function parseType(node: Node | null | undefined, imports: Imports): GoType {
  if (!node) return UNKNOWN;
  switch (node.type) {
    case 'type_identifier':
    case 'identifier':
      return { k: 'named', pkg: '', name: node.text };
    case 'qualified_type':
    case 'selector_expression': {
      const pkgNode = field(node, 'package') ?? field(node, 'operand');
      const nameNode = field(node, 'name') ?? field(node, 'field');
      if (!pkgNode || !nameNode) return UNKNOWN;
      const path = imports.byName.get(pkgNode.text);
      return path === undefined ? UNKNOWN : { k: 'named', pkg: path, name: nameNode.text };
    }
    case 'generic_type':
      return parseType(field(node, 'type'), imports);
    case 'pointer_type':
      return { k: 'pointer', elem: parseType(node.namedChild(0), imports) };
    case 'unary_expression': // `*T` seen in expression position (new(*T) is rare, conversions)
      return node.child(0)?.type === '*' ? { k: 'pointer', elem: parseType(field(node, 'operand'), imports) } : UNKNOWN;
    case 'parenthesized_type':
    case 'parenthesized_expression':
      return parseType(node.namedChild(0), imports);
    case 'slice_type':
      return { k: 'slice', elem: parseType(field(node, 'element'), imports) };
    case 'array_type':
    case 'implicit_length_array_type':
      return { k: 'array', elem: parseType(field(node, 'element'), imports) };
    case 'map_type':
      return { k: 'map', key: parseType(field(node, 'key'), imports), elem: parseType(field(node, 'value'), imports) };
    case 'channel_type':
      return { k: 'chan', elem: parseType(field(node, 'value'), imports) };
    case 'function_type': {
      const r = field(node, 'result');
      return { k: 'func', results: resultTypes(r, imports) };
    }
    case 'interface_type':
      return { k: 'interface' };
    case 'struct_type':
      return { k: 'struct', fields: structFields(node, imports) };
    default:
      return UNKNOWN;
  }
}

/** Result types of a signature's `result` field (a single type or a parameter list). */
export function resultTypes(result: Node | null, imports: Imports): GoType[] {
  if (!result) return [];
  if (result.type !== 'parameter_list') return [parseType(result, imports)];
  const out: GoType[] = [];
  for (const p of namedChildren(result)) {
    if (p.type !== 'parameter_declaration') continue;
    const t = parseType(field(p, 'type'), imports);
    const n = Math.max(1, p.childrenForFieldName('name').length);
    for (let i = 0; i < n; i++) out.push(t);
  }
  return out;
}

export function structFields(structType: Node, imports: Imports): StructField[] {
  const out: StructField[] = [];
  const list = namedChildren(structType).find((c) => c.type === 'field_declaration_list');
  for (const f of namedChildren(list)) {
    if (f.type !== 'field_declaration') continue;
    const typeNode = field(f, 'type');
    let type = parseType(typeNode, imports);
    const names = f.childrenForFieldName('name').filter((n): n is Node => !!n);
    if (names.length === 0) {
      // Embedded field: its name is the type's name (`sync.Mutex` → Mutex, `*T` → T). The grammar keeps
      // the `*` of an embedded pointer as a separate token beside the `type` field, so look for it here:
      // without it an embedded *T would read as a T held by value (and a struct holding one as a lock).
      if (type.k !== 'pointer' && f.children.some((c) => c?.type === '*')) type = { k: 'pointer', elem: type };
      const base = type.k === 'pointer' ? type.elem : type;
      out.push({ name: base.k === 'named' ? base.name : '', type, embedded: true });
    } else {
      for (const n of names) out.push({ name: n.text, type, embedded: false });
    }
  }
  return out;
}

export function typeString(t: GoType): string {
  switch (t.k) {
    case 'named':
      return t.pkg ? `${defaultName(t.pkg)}.${t.name}` : t.name;
    case 'pointer':
      return `*${typeString(t.elem)}`;
    case 'slice':
      return `[]${typeString(t.elem)}`;
    case 'array':
      return `[...]${typeString(t.elem)}`;
    case 'map':
      return `map[${typeString(t.key)}]${typeString(t.elem)}`;
    case 'chan':
      return `chan ${typeString(t.elem)}`;
    case 'struct':
      return 'struct{...}';
    case 'func':
      return 'func(...)';
    case 'interface':
      return 'interface{...}';
    default:
      return '?';
  }
}

export function isNamed(t: GoType | undefined, pkg: string, ...names: string[]): boolean {
  return !!t && t.k === 'named' && t.pkg === pkg && (names.length === 0 || names.includes(t.name));
}

/** T or *T named pkg.name. */
export function isNamedOrPointer(t: GoType | undefined, pkg: string, ...names: string[]): boolean {
  if (!t) return false;
  return isNamed(t.k === 'pointer' ? t.elem : t, pkg, ...names);
}

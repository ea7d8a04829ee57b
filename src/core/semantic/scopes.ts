import type { SyntaxNode as Node } from '../syntax/node';
import { field, namedChildren, statementsOf } from './nodes';
import { mapStrings } from '../string-list';

/**
 * Lexical scopes of one file, computed lazily per scope node and cached by node id. Resolution walks the
 * identifier's ancestors and picks the latest declaration of the name visible at that point, which is
 * Go's rule for local scopes (a declaration is visible after its statement ends); package-level names
 * are visible everywhere.
 */

export type DeclKind = 'param' | 'receiver' | 'result' | 'var' | 'const' | 'type' | 'func' | 'range' | 'switch' | 'recv';

export interface Decl {
  readonly name: string;
  readonly kind: DeclKind;
  readonly nameNode: Node;
  /** The statement or spec that declares it. */
  readonly declNode: Node;
  /** Explicit type expression, when written. */
  readonly typeNode: Node | null;
  /** The initialising expression for this name when the right side pairs 1:1, else null. */
  readonly valueNode: Node | null;
  /** For `a, b := f()`: the single call on the right and this name's result index. */
  readonly tupleCall?: { call: Node; index: number };
  /** For range variables: the ranged expression, and 0 (key) or 1 (value). */
  readonly range?: { expr: Node; index: number };
  /** The scope node (function, block, statement header, case clause, source_file). */
  readonly scope: Node;
  /** Offset from which the name is visible. */
  readonly visibleFrom: number;
  readonly packageLevel: boolean;
}

const PREDECLARED: ReadonlySet<string> = new Set(['true', 'false', 'nil', 'iota']);

const SCOPE_TYPES: ReadonlySet<string> = new Set([
  'source_file',
  'function_declaration',
  'method_declaration',
  'func_literal',
  'block',
  'if_statement',
  'for_statement',
  'expression_switch_statement',
  'type_switch_statement',
  'expression_case',
  'default_case',
  'type_case',
  'communication_case',
]);

/**
 * The package-level declarations of one name in this file, in file order, for a caller that knows
 * which top-level declarations declare what (the editor, from its per-declaration cache): building the
 * whole file scope would read every declaration of the file on every keystroke.
 */
export type FileScope = (name: string, declare: (top: Node, into: Map<string, Decl[]>) => void) => Decl[] | undefined;

export class Scopes {
  private readonly cache = new Map<number, Map<string, Decl[]>>();

  /** fileScope: asked when the file scope is first needed; undefined there means build it whole. */
  constructor(private readonly fileScope?: () => FileScope | undefined) {}

  /** Per identifier node id: what it resolved to (rules resolve the same identifiers many times). */
  private readonly resolved = new Map<number, Decl | undefined>();
  /**
   * Per node id: the scope nodes around it, innermost first. Filled along each climb, so resolving the
   * next identifier of the same statement stops at the first ancestor already seen instead of asking
   * tree-sitter for every parent up to the file.
   */
  private readonly chains = new Map<number, readonly Node[]>();

  /** The declaration an identifier refers to (or declares), or undefined (builtin, import, other file, unknown). */
  resolve(ident: Node): Decl | undefined {
    let d = this.resolved.get(ident.id);
    if (d === undefined && !this.resolved.has(ident.id)) {
      d = this.lookup(ident.text, ident);
      this.resolved.set(ident.id, d);
    }
    return d;
  }

  private scopesAround(node: Node | null): readonly Node[] {
    const path: Node[] = [];
    let tail: readonly Node[] = [];
    for (let p = node; p; p = p.parent) {
      const known = this.chains.get(p.id);
      if (known) {
        tail = known;
        break;
      }
      path.push(p);
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const n = path[i]!;
      if (SCOPE_TYPES.has(n.type)) tail = [n, ...tail];
      this.chains.set(n.id, tail);
    }
    return tail;
  }

  /**
   * The declaration `name` would refer to if it were written in place of node `at` (for rewrites:
   * is a name in scope there, and not shadowed?).
   */
  lookup(name: string, at: Node): Decl | undefined {
    for (const p of this.scopesAround(at.parent)) {
      const decls = this.declsOf(p).get(name);
      if (!decls) continue;
      let best: Decl | undefined;
      for (const d of decls) {
        if (d.nameNode.startIndex === at.startIndex) return d;
        if (d.visibleFrom <= at.startIndex && (!best || d.visibleFrom >= best.visibleFrom)) best = d;
      }
      if (best) return best;
    }
    return undefined;
  }

  /** Declarations made directly in a scope node. */
  declsOf(scope: Node): Map<string, Decl[]> {
    let m = this.cache.get(scope.id);
    if (!m) {
      const lazy = scope.type === 'source_file' ? this.fileScope?.() : undefined;
      if (lazy) m = new LazyFileScope(scope, lazy);
      else {
        m = new Map();
        collect(scope, m);
      }
      this.cache.set(scope.id, m);
    }
    return m;
  }
}

/** The package-level names one top-level declaration declares (what resolving them at file scope finds). */
export function packageLevelNames(top: Node, root: Node): string[] {
  const m = new Map<string, Decl[]>();
  declareStatement(top, root, m, true);
  return mapStrings(m.keys(), (name) => name);
}

/** The file scope, filled one name at a time (only `get` and `has` are asked of it). */
class LazyFileScope extends Map<string, Decl[]> {
  private readonly asked = new Set<string>();

  constructor(
    private readonly root: Node,
    private readonly lookupName: FileScope,
  ) {
    super();
  }

  override get(name: string): Decl[] | undefined {
    if (!this.asked.has(name)) {
      this.asked.add(name);
      const found = this.lookupName(name, (top, into) => declareStatement(top, this.root, into, true));
      if (found?.length) super.set(name, found);
    }
    return super.get(name);
  }

  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

function add(m: Map<string, Decl[]>, d: Decl): void {
  if (d.name === '_' || d.name === '') return;
  const list = m.get(d.name);
  if (list) list.push(d);
  else m.set(d.name, [d]);
}

function collect(scope: Node, m: Map<string, Decl[]>): void {
  switch (scope.type) {
    case 'source_file':
      for (const d of namedChildren(scope)) declareStatement(d, scope, m, true);
      return;
    case 'function_declaration':
    case 'method_declaration':
    case 'func_literal': {
      const recv = field(scope, 'receiver');
      if (recv) declareParams(recv, 'receiver', scope, m);
      const params = field(scope, 'parameters');
      if (params) declareParams(params, 'param', scope, m);
      const result = field(scope, 'result');
      if (result && result.type === 'parameter_list') declareParams(result, 'result', scope, m);
      return;
    }
    case 'block':
    case 'expression_case':
    case 'default_case':
    case 'type_case': {
      // A function's parameters live in the same block as its body's top level: `x, y := …` there
      // reuses a parameter x rather than declaring a new one.
      const fn = scope.parent;
      const reused = new Set<string>();
      if (fn && scope.type === 'block' && field(fn, 'body')?.id === scope.id) {
        for (const [name] of paramsOf(fn)) reused.add(name);
      }
      for (const s of statementsOf(scope)) declareStatement(s, scope, m, false, reused);
      return;
    }
    case 'communication_case': {
      const comm = field(scope, 'communication');
      if (comm?.type === 'receive_statement' && hasToken(comm, ':=')) {
        const left = field(comm, 'left');
        for (const id of namedChildren(left)) {
          if (id.type === 'identifier') add(m, mk(id, 'recv', comm, scope, comm.endIndex, null, null));
        }
      }
      for (const s of statementsOf(scope)) declareStatement(s, scope, m, false);
      return;
    }
    case 'if_statement':
    case 'expression_switch_statement':
    case 'type_switch_statement': {
      const init = field(scope, 'initializer');
      if (init) declareStatement(init, scope, m, false);
      if (scope.type === 'type_switch_statement') {
        const alias = field(scope, 'alias');
        for (const id of namedChildren(alias)) {
          if (id.type === 'identifier') add(m, mk(id, 'switch', scope, scope, id.endIndex, null, field(scope, 'value')));
        }
      }
      return;
    }
    case 'for_statement': {
      for (const c of namedChildren(scope)) {
        if (c.type === 'for_clause') {
          const init = field(c, 'initializer');
          if (init) declareStatement(init, scope, m, false);
        } else if (c.type === 'range_clause' && hasToken(c, ':=')) {
          const right = field(c, 'right');
          const left = field(c, 'left');
          namedChildren(left).forEach((id, index) => {
            if (id.type !== 'identifier' || !right) return;
            add(m, { ...mk(id, 'range', c, scope, c.endIndex, null, null), range: { expr: right, index } });
          });
        }
      }
      return;
    }
  }
}

function hasToken(node: Node, token: string): boolean {
  for (const c of node.children) if (c && !c.isNamed && c.type === token) return true;
  return false;
}

function mk(
  nameNode: Node,
  kind: DeclKind,
  declNode: Node,
  scope: Node,
  visibleFrom: number,
  typeNode: Node | null,
  valueNode: Node | null,
  packageLevel = false,
): Decl {
  return { name: nameNode.text, kind, nameNode, declNode, typeNode, valueNode, scope, visibleFrom, packageLevel };
}

function declareParams(list: Node, kind: DeclKind, scope: Node, m: Map<string, Decl[]>): void {
  for (const p of namedChildren(list)) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const type = field(p, 'type');
    for (const n of p.childrenForFieldName('name')) {
      if (n) add(m, mk(n, kind, p, scope, -1, type, null));
    }
  }
}

/** Declarations made by one statement (or top-level declaration) into scope m. */
function paramsOf(fn: Node): Map<string, Decl[]> {
  const m = new Map<string, Decl[]>();
  if (fn.type === 'function_declaration' || fn.type === 'method_declaration' || fn.type === 'func_literal') collect(fn, m);
  return m;
}

function declareStatement(s: Node, scope: Node, m: Map<string, Decl[]>, pkg: boolean, reused: ReadonlySet<string> = new Set()): void {
  const visible = pkg ? -1 : s.endIndex;
  switch (s.type) {
    case 'short_var_declaration': {
      const left = namedChildren(field(s, 'left'));
      const right = namedChildren(field(s, 'right'));
      left.forEach((id, i) => {
        // `false := true` is legal Go: the predeclared names parse as their own node types.
        if (id.type !== 'identifier' && !PREDECLARED.has(id.type)) return;
        // `a, err := f()` reuses err when this scope already declares it.
        if ((m.get(id.text) ?? []).some((d) => d.scope.id === scope.id) || reused.has(id.text)) return;
        const d = mk(id, 'var', s, scope, visible, null, left.length === right.length ? (right[i] ?? null) : null);
        add(m, right.length === 1 && left.length > 1 ? { ...d, tupleCall: { call: right[0]!, index: i } } : d);
      });
      return;
    }
    case 'var_declaration':
    case 'const_declaration': {
      const kind: DeclKind = s.type === 'var_declaration' ? 'var' : 'const';
      const specs: Node[] = [];
      for (const c of namedChildren(s)) {
        if (c.type === 'var_spec' || c.type === 'const_spec') specs.push(c);
        else if (c.type === 'var_spec_list' || c.type === 'const_spec_list') specs.push(...namedChildren(c).filter((x) => x.type.endsWith('_spec')));
      }
      for (const spec of specs) {
        const names = spec.childrenForFieldName('name').filter((n): n is Node => !!n);
        const type = field(spec, 'type');
        const values = namedChildren(field(spec, 'value'));
        const vis = pkg ? -1 : spec.endIndex;
        names.forEach((id, i) => {
          const d = mk(id, kind, spec, scope, vis, type, names.length === values.length ? (values[i] ?? null) : null, pkg);
          add(m, values.length === 1 && names.length > 1 ? { ...d, tupleCall: { call: values[0]!, index: i } } : d);
        });
      }
      return;
    }
    case 'type_declaration':
      for (const c of namedChildren(s)) {
        if (c.type === 'type_spec' || c.type === 'type_alias') {
          const name = field(c, 'name');
          // A local type is visible from its own name on (recursive types); package types everywhere.
          if (name) add(m, mk(name, 'type', c, scope, pkg ? -1 : name.startIndex, field(c, 'type'), null, pkg));
        }
      }
      return;
    case 'function_declaration': {
      const name = field(s, 'name');
      if (name) add(m, mk(name, 'func', s, scope, -1, null, null, true));
      return;
    }
    case 'labeled_statement':
      return;
  }
}

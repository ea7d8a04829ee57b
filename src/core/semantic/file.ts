import type { SyntaxNode as Node } from '../syntax/node';
import { runFactQueries, type FileFactKind } from './file-facts';
import { collectImports, type Imports } from './imports';
import { trackedIndex } from './index-reads';
import { callArgs, field, unparen } from './nodes';
import type { PackageIndex } from './package-index';
import { Scopes, type Decl, type FileScope } from './scopes';
import { parseType, UNKNOWN, type GoType } from './types';

/**
 * Which facts of a kind a rule wants: those whose text mentions a name as a whole identifier (every fact
 * about a channel names it so: a cheap test that spares materialising the others), and/or those inside
 * a range.
 */
export interface FactFilter {
  mentions?: string;
  within?: readonly [number, number];
}

/** Whether the fact at [start, end) passes filter; text gives its text (read only when needed). */
export function factPasses(start: number, end: number, filter: FactFilter, text: () => string, at?: { source: string }): boolean {
  if (filter.within && (start < filter.within[0] || end > filter.within[1])) return false;
  const name = filter.mentions;
  if (!name) return true;
  const source = at ? at.source : text();
  const from = at ? start : 0;
  const to = at ? end : source.length;
  for (let i = source.indexOf(name, from); i !== -1 && i + name.length <= to; i = source.indexOf(name, i + 1)) {
    if (!identChar(source.charCodeAt(i - 1)) && !identChar(source.charCodeAt(i + name.length))) return true;
  }
  return false;
}

/** Identifier-like words, with the same characters as identChar (the editor indexes facts by them). */
export const IDENTIFIERS = /[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*/g;

/** A character that can continue a Go identifier (any non-ASCII one counts: Go allows Unicode letters). */
function identChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}

/**
 * The semantic layer of one file, built lazily: imports, scopes, and the declared type of an expression
 * as far as syntax says. Anything it cannot tell is `undefined`, and rules treat that as "do not report".
 */
export class FileSemantics {
  private importsCache?: Imports;
  private scopesCache?: Scopes;
  private readonly typeCache = new Map<number, GoType | undefined>();
  private factCache?: Map<FileFactKind, Node[]>;
  private factSource?: (kind: FileFactKind, filter: FactFilter) => Node[];
  private readonly factsByKind = new Map<string, Node[]>();
  /**
   * File-wide facts consulted since the engine last cleared this (once per declaration): a kind, or a
   * kind and the name its facts mentioned (`kind\u0005name`), or a kind inside a range
   * (`kind\u0006start\u0006end`, which depends on nothing outside a declaration holding the range).
   */
  readonly consulted = new Set<string>();
  /** Package-index entries read since the engine last cleared this, as `table\0key` (see index-reads.ts). */
  readonly indexReads = new Set<string>();
  /** The package index, through a view that records every read into indexReads. */
  readonly index: PackageIndex;

  private fileScope?: FileScope;

  constructor(
    readonly root: Node,
    index: PackageIndex,
  ) {
    this.index = trackedIndex(index, (table, key) => this.indexReads.add(`${table}\0${key}`));
  }

  get imports(): Imports {
    return (this.importsCache ??= collectImports(this.root));
  }

  get scopes(): Scopes {
    return (this.scopesCache ??= new Scopes(() => this.fileScope));
  }

  /**
   * Every node of a kind anywhere in the file (see file-facts.ts), found once per analysis. Reading it
   * makes the current declaration's result depend on the rest of the file, which the cache honours.
   */
  facts(kind: FileFactKind, filter: FactFilter = {}): readonly Node[] {
    this.consulted.add(filter.mentions ? `${kind}\u0005${filter.mentions}` : filter.within ? `${kind}\u0006${filter.within[0]}\u0006${filter.within[1]}` : kind);
    const memo = `${kind}\0${filter.mentions ?? ''}\0${filter.within?.join(',') ?? ''}`;
    let nodes = this.factsByKind.get(memo);
    if (!nodes) {
      if (this.factSource) nodes = this.factSource(kind, filter);
      else {
        this.factCache ??= runFactQueries(this.root);
        const all = this.factCache.get(kind)!;
        nodes = filter.mentions || filter.within ? all.filter((n) => factPasses(n.startIndex, n.endIndex, filter, () => n.text)) : all;
      }
      this.factsByKind.set(memo, nodes);
    }
    return nodes;
  }

  /**
   * Lets the facts of a kind be put together per declaration (the editor keeps them per declaration),
   * instead of one query over the whole file; the nodes must be those the query would find, in order.
   */
  useFacts(source: (kind: FileFactKind, filter: FactFilter) => Node[]): void {
    this.factSource = source;
  }

  /** Lets the file scope be filled one name at a time (see FileScope); set before names are resolved. */
  useFileScope(f: FileScope): void {
    this.fileScope = f;
  }

  resolve(ident: Node): Decl | undefined {
    const d = this.scopes.resolve(ident);
    // What a package-level name means depends on another declaration of the file (or on none): recorded,
    // like index reads, so the editor's cache re-judges this declaration when that one changes.
    if (!d || d.packageLevel) this.indexReads.add(`\u0002${ident.text}`);
    return d;
  }

  /** True when node is an identifier naming the import of `path` (and no local declaration shadows it). */
  isPackage(node: Node | null, path: string): boolean {
    if (!node || (node.type !== 'identifier' && node.type !== 'package_identifier')) return false;
    if (this.imports.byName.get(node.text) !== path) return false;
    return node.type === 'package_identifier' || this.resolve(node) === undefined;
  }

  /** For a call `pkg.F(...)` where pkg is the import of path: F; else undefined. Dot imports: `F(...)`. */
  packageCall(call: Node, path: string): string | undefined {
    if (call.type !== 'call_expression') return undefined;
    const fn = field(call, 'function');
    if (!fn) return undefined;
    if (fn.type === 'selector_expression') {
      return this.isPackage(field(fn, 'operand'), path) ? field(fn, 'field')?.text : undefined;
    }
    if (fn.type === 'identifier' && this.imports.dot.has(path) && !this.resolve(fn)) return fn.text;
    return undefined;
  }

  parseType(node: Node | null | undefined): GoType {
    return parseType(node, this.imports);
  }

  /** The declared type of a variable. */
  declType(d: Decl, depth = 0): GoType | undefined {
    if (depth > 8) return undefined;
    if (d.typeNode) return this.parseType(d.typeNode);
    if (d.valueNode) return this.typeOf(d.valueNode, depth + 1);
    if (d.tupleCall) {
      const r = this.callResults(d.tupleCall.call, depth + 1);
      return r?.[d.tupleCall.index];
    }
    if (d.range) {
      let t = this.underlying(this.typeOf(d.range.expr, depth + 1));
      if (t?.k === 'pointer') t = this.underlying(t.elem);
      if (!t) return undefined;
      if (t.k === 'slice' || t.k === 'array') return d.range.index === 0 ? { k: 'named', pkg: '', name: 'int' } : t.elem;
      if (t.k === 'map') return d.range.index === 0 ? t.key : t.elem;
      if (t.k === 'chan') return d.range.index === 0 ? t.elem : undefined;
      return undefined;
    }
    return undefined;
  }

  /** What the syntax says of an expression's type, or undefined. */
  typeOf(expr: Node, depth = 0): GoType | undefined {
    if (depth > 8) return undefined;
    const cached = this.typeCache.get(expr.id);
    if (cached !== undefined || this.typeCache.has(expr.id)) return cached;
    const t = this.computeType(unparen(expr), depth);
    const known = t && t.k !== 'unknown' ? t : undefined;
    this.typeCache.set(expr.id, known);
    return known;
  }

  private computeType(e: Node, depth: number): GoType | undefined {
    switch (e.type) {
      case 'type_identifier':
      case 'identifier': {
        const d = this.resolve(e);
        if (d) return d.kind === 'func' || d.kind === 'type' ? undefined : this.declType(d, depth);
        return this.index.vars.get(e.text);
      }
      case 'composite_literal':
        return this.parseType(field(e, 'type'));
      case 'unary_expression': {
        const op = e.child(0)?.type;
        const operand = field(e, 'operand');
        if (!operand) return undefined;
        if (op === '&') {
          const inner = this.typeOf(operand, depth + 1);
          return inner ? { k: 'pointer', elem: inner } : undefined;
        }
        if (op === '*') {
          const inner = this.typeOf(operand, depth + 1);
          return inner?.k === 'pointer' ? inner.elem : undefined;
        }
        if (op === '<-') {
          const inner = this.typeOf(operand, depth + 1);
          return inner?.k === 'chan' ? inner.elem : undefined;
        }
        return undefined;
      }
      case 'call_expression': {
        const fn = field(e, 'function');
        if (fn?.type === 'identifier' && !this.resolve(fn)) {
          if (fn.text === 'new') return { k: 'pointer', elem: this.parseType(callArgs(e)[0]) };
          if (fn.text === 'make') return this.parseType(callArgs(e)[0]);
        }
        return this.callResults(e, depth)?.[0];
      }
      case 'selector_expression': {
        const operand = field(e, 'operand');
        const name = field(e, 'field')?.text;
        if (!operand || !name) return undefined;
        if (operand.type === 'identifier' && this.imports.byName.has(operand.text) && !this.resolve(operand)) return undefined;
        const base = this.typeOf(operand, depth + 1);
        return base ? this.fieldType(base, name) : undefined;
      }
      case 'index_expression': {
        let t = this.underlying(this.typeOf(field(e, 'operand')!, depth + 1));
        if (t?.k === 'pointer') t = this.underlying(t.elem);
        if (t?.k === 'slice' || t?.k === 'array' || t?.k === 'map') return t.elem;
        return undefined;
      }
      case 'slice_expression': {
        // s[i:j] keeps a slice's or string's type; slicing an array (or *array) gives a slice.
        let t = this.underlying(this.typeOf(field(e, 'operand')!, depth + 1));
        if (t?.k === 'pointer') t = this.underlying(t.elem);
        if (t?.k === 'array') return { k: 'slice', elem: t.elem };
        return t?.k === 'slice' || (t?.k === 'named' && t.name === 'string' && t.pkg === '') ? t : undefined;
      }
      case 'type_assertion_expression':
        return this.parseType(field(e, 'type'));
      default:
        return undefined;
    }
  }

  /** A package type's underlying type (`type Table [4]T` → `[4]T`); other types unchanged. */
  underlying(t: GoType | undefined): GoType | undefined {
    for (let i = 0; i < 8 && t?.k === 'named' && t.pkg === ''; i++) {
      const u = this.index.namedTypes.get(t.name);
      if (!u) break;
      t = u;
    }
    return t;
  }

  /** The type of field `name` of a value of type t (through one pointer and embedded structs). */
  fieldType(t: GoType, name: string, depth = 0): GoType | undefined {
    if (depth > 4) return undefined;
    const base = t.k === 'pointer' ? t.elem : t;
    let fields = base.k === 'struct' ? base.fields : undefined;
    if (base.k === 'named' && base.pkg === '') fields = this.index.structs.get(base.name);
    if (!fields) return undefined;
    const direct = fields.find((f) => f.name === name);
    if (direct) return direct.type;
    for (const f of fields) {
      if (!f.embedded) continue;
      const inner = this.fieldType(f.type, name, depth + 1);
      if (inner) return inner;
    }
    return undefined;
  }

  /** Result types of a call to a function or method declared in this package. */
  callResults(call: Node, depth = 0): GoType[] | undefined {
    if (call.type !== 'call_expression') return undefined;
    const fn = field(call, 'function');
    if (!fn) return undefined;
    if (fn.type === 'identifier') {
      const d = this.resolve(fn);
      if (d && d.kind !== 'func') return undefined;
      return this.index.funcs.get(fn.text)?.results;
    }
    if (fn.type === 'selector_expression') {
      const operand = field(fn, 'operand');
      const name = field(fn, 'field')?.text;
      if (!operand || !name) return undefined;
      if (operand.type === 'identifier' && this.imports.byName.has(operand.text) && !this.resolve(operand)) return undefined;
      let t = this.typeOf(operand, depth + 1);
      if (t?.k === 'pointer') t = t.elem;
      if (t?.k !== 'named' || t.pkg !== '') return undefined;
      return this.index.methods.get(t.name)?.find((m) => m.name === name)?.results;
    }
    return undefined;
  }
}

export { UNKNOWN };

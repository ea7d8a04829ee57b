import type { Language, Point, Tree } from 'web-tree-sitter';
import {
  childCount,
  childrenAddress,
  ERROR_SYMBOL,
  hasErrorSubtree,
  isExtra,
  isMissingSubtree,
  isNamedSubtree,
  isVisible,
  languageTables,
  len,
  paddingOf,
  productionId,
  refCount,
  sizeBytes,
  sizeOf,
  SUBTREE_SIZE,
  symbolOf,
  syncHeap,
  H_CHILD_COUNT,
  H_FLAGS,
  H_PADDING,
  H_SIZE,
  H_SYMBOL,
  H_VISIBLE_CHILD_COUNT,
  I_PADDING_BYTES,
  I_PADDING_COLUMNS,
  I_PADDING_ROWS,
  I_SIZE_BYTES,
  I_SYMBOL,
  U16,
  U32,
  U8,
  visibleChildCount as visibleChildren,
  type LanguageTables,
} from './layout';
import { ObjectMemo } from '../memo';

/**
 * One tree as the engine reads it: the web-tree-sitter Tree (for queries, edits and its language), the
 * text it was parsed from, and the language's tables.
 */
export class TreeView {
  constructor(
    readonly tree: Tree,
    readonly text: string,
    readonly lang: LanguageTables,
  ) {}
}

/**
 * A syntax node read from tree-sitter's memory (see layout.ts): the same answers as web-tree-sitter's
 * Node for the members the engine uses, at the cost of a few typed-array loads instead of a call into
 * WASM per property. Like a TSNode it is the address of its Subtree (`id`, the same number
 * web-tree-sitter gives) with its start position and alias; its children are read once and kept, and
 * each child knows its parent, which tree-sitter itself finds by descending again from the root. Every
 * node is reached from the root (syntaxRoot), through children; a query's results are found again in
 * the tree by `locate` (semantic/queries.ts).
 *
 * Valid as long as its tree is (the engine deletes a tree only after it is done with its nodes).
 */
export class SyntaxNode {
  /** Start in UTF-16 code units (tree-sitter counts bytes of the UTF-16 input: twice as many). */
  readonly startIndex: number;
  private kids: SyntaxNode[] | undefined = undefined;
  /** Field id of each child (0: none), as a TreeCursor reports it; read when first asked for. */
  private kidFields: number[] | undefined = undefined;
  private named: SyntaxNode[] | undefined = undefined;
  /**
   * Children found one at a time (see child) before all were read; children takes them over, so each
   * child is one object however it was reached.
   */
  private some: SyntaxNode[] | undefined = undefined;

  constructor(
    readonly view: TreeView,
    /** Address of the node's Subtree; web-tree-sitter's Node.id. */
    readonly id: number,
    private readonly startByte: number,
    private readonly startRow: number,
    private readonly startColumnBytes: number,
    private readonly alias: number,
    /** The alias, or else the Subtree's symbol: what the type is named after. */
    private readonly sym: number,
    /** null for the root. */
    private readonly parentNode: SyntaxNode | null,
    /** Position among the parent's children (siblings in one step, not a scan of them). */
    private readonly index: number,
  ) {
    this.startIndex = startByte >>> 1;
  }

  get tree(): Tree {
    return this.view.tree;
  }

  get type(): string {
    return this.view.lang.names[this.sym]!;
  }

  get isNamed(): boolean {
    syncHeap();
    return this.alias ? this.view.lang.metaNamed[this.alias] === 1 : isNamedSubtree(this.id);
  }

  get isError(): boolean {
    return this.sym === ERROR_SYMBOL;
  }

  get isMissing(): boolean {
    syncHeap();
    return isMissingSubtree(this.id);
  }

  get isExtra(): boolean {
    syncHeap();
    return isExtra(this.id);
  }

  get hasError(): boolean {
    syncHeap();
    return hasErrorSubtree(this.id);
  }

  get endIndex(): number {
    syncHeap();
    return (this.startByte + sizeBytes(this.id)) >>> 1;
  }

  get startPosition(): Point {
    return { row: this.startRow, column: this.startColumnBytes >>> 1 };
  }

  get endPosition(): Point {
    syncHeap();
    const size = sizeOf(this.id);
    return size.row > 0
      ? { row: this.startRow + size.row, column: size.column >>> 1 }
      : { row: this.startRow, column: (this.startColumnBytes + size.column) >>> 1 };
  }

  get text(): string {
    return this.view.text.slice(this.startIndex, this.endIndex);
  }

  // --- children

  /** The visible children: hidden nodes (rules starting with `_`, repetitions) are looked through. */
  get children(): SyntaxNode[] {
    if (this.kids === undefined) this.readChildren();
    return this.kids!;
  }

  private readChildren(): void {
    syncHeap();
    const out: SyntaxNode[] = [];
    this.collect(this.id, this.startByte, this.startRow, this.startColumnBytes, 0, out, undefined);
    if (this.some) {
      this.some.forEach((k, i) => {
        if (out[i]?.id === k.id) out[i] = k;
      });
      this.some = undefined;
    }
    this.kids = out;
  }

  private fieldsOfChildren(): number[] {
    if (this.kidFields === undefined) {
      if (this.kids === undefined) this.readChildren();
      syncHeap();
      const fields: number[] = [];
      this.collect(this.id, this.startByte, this.startRow, this.startColumnBytes, 0, undefined, fields);
      this.kidFields = fields;
    }
    return this.kidFields;
  }

  /**
   * Forgets the children read so far (the whole subtree below, unless held elsewhere), so that a
   * finished declaration's nodes die young; they are read again if asked for.
   */
  release(): void {
    this.kids = undefined;
    this.some = undefined;
    this.kidFields = undefined;
    this.named = undefined;
  }

  /**
   * Appends the visible children of subtree `s` (starting at the given position) and, through its
   * hidden children, theirs: tree-sitter's NodeChildIterator, with the field of each child worked out
   * as ts_tree_cursor_current_field_id does (a hidden child's field is inherited by its children that
   * have none of their own, unless the hidden child is extra).
   */
  private collect(s: number, bytes: number, row: number, column: number, inherited: number, out: SyntaxNode[] | undefined, fields: number[] | undefined): void {
    // The reads of layout.ts, inlined: this loop runs once per child of every node the engine reads.
    const n = childCount(s);
    if (n === 0) return;
    const lang = this.view.lang;
    const prod = productionId(s);
    const aliasBase = prod * lang.maxAliasSequence;
    const base = childrenAddress(s);
    const u8 = U8;
    const u16 = U16;
    const u32 = U32;
    let structural = 0;
    for (let i = 0; i < n; i++) {
      const c = base + i * SUBTREE_SIZE;
      const b0 = u8[c]!;
      const inline = (b0 & 1) === 1;
      const p = inline ? 0 : u32[c >>> 2]!;
      if (i > 0) {
        if (inline) {
          bytes += u8[c + I_PADDING_BYTES]!;
          const rows = u8[c + I_PADDING_ROWS]! & 15;
          if (rows > 0) {
            row += rows;
            column = u8[c + I_PADDING_COLUMNS]!;
          } else column += u8[c + I_PADDING_COLUMNS]!;
        } else {
          const q = (p + H_PADDING) >>> 2;
          bytes += u32[q]!;
          const rows = u32[q + 1]!;
          if (rows > 0) {
            row += rows;
            column = u32[q + 2]!;
          } else column += u32[q + 2]!;
        }
      }
      const flags = inline ? b0 >>> 1 : u8[p + H_FLAGS]!; // bit 0 visible, bit 2 extra (inline data is shifted by is_inline)
      const extra = (flags & 4) !== 0;
      let alias = 0;
      let field = 0;
      if (!extra) {
        if (prod !== 0) alias = lang.aliasSequences[aliasBase + structural]!;
        if (fields) field = fieldAt(lang, prod, structural) || inherited;
        structural++;
      }
      if (alias !== 0 || (flags & 1) !== 0) {
        if (out) {
          const symbol = alias !== 0 ? alias : inline ? u8[c + I_SYMBOL]! : u16[(p + H_SYMBOL) >>> 1]!;
          out.push(new SyntaxNode(this.view, c, bytes, row, column, alias, symbol, this, out.length));
        }
        if (fields) fields.push(field);
      } else if (!inline && u32[(p + H_CHILD_COUNT) >>> 2]! > 0 && u32[(p + H_VISIBLE_CHILD_COUNT) >>> 2]! > 0) {
        // A hidden child is looked through when it has visible children (ts_node__relevant_child_count).
        this.collect(c, bytes, row, column, field, out, fields);
      }
      if (inline) {
        const size = u8[c + I_SIZE_BYTES]!;
        bytes += size;
        column += size;
      } else {
        const q = (p + H_SIZE) >>> 2;
        bytes += u32[q]!;
        const rows = u32[q + 1]!;
        if (rows > 0) {
          row += rows;
          column = u32[q + 2]!;
        } else column += u32[q + 2]!;
      }
    }
  }

  get childCount(): number {
    if (this.kids !== undefined) return this.kids.length;
    // tree-sitter's own count of the children as read here (visible or aliased, through hidden nodes).
    syncHeap();
    return visibleChildren(this.id);
  }

  /**
   * Child `index`. Of a node with many children (the source file's declarations) it is read alone, not
   * with all the others: a keystroke asks for a few of the file's hundreds of declarations.
   */
  child(index: number): SyntaxNode | null {
    if (this.kids !== undefined) return this.kids[index] ?? null;
    const kept = this.some?.[index];
    if (kept) return kept;
    syncHeap();
    const count = visibleChildren(this.id);
    if (count <= READ_ALONE_ABOVE) return this.children[index] ?? null;
    if (!Number.isInteger(index) || index < 0 || index >= count) return null;
    const found = this.nth(index);
    (this.some ??= [])[index] = found;
    return found;
  }

  /**
   * Child `index` read by itself: down through the hidden nodes that hold it, each of the others skipped
   * whole (its size moves the position, tree-sitter's count of its visible children the index), as
   * ts_node_child does. Positions and aliases are worked out as collect works them out.
   */
  private nth(index: number): SyntaxNode {
    const lang = this.view.lang;
    let s = this.id;
    const at = { bytes: this.startByte, row: this.startRow, column: this.startColumnBytes };
    let left = index;
    for (;;) {
      const n = childCount(s);
      const prod = productionId(s);
      const base = childrenAddress(s);
      let structural = 0;
      let inside = 0;
      for (let i = 0; i < n && inside === 0; i++) {
        const c = base + i * SUBTREE_SIZE;
        if (i > 0) moveBy(at, paddingOf(c));
        let alias = 0;
        if (!isExtra(c)) {
          if (prod !== 0) alias = lang.aliasSequences[prod * lang.maxAliasSequence + structural]!;
          structural++;
        }
        if (alias !== 0 || isVisible(c)) {
          if (left === 0) return new SyntaxNode(this.view, c, at.bytes, at.row, at.column, alias, alias !== 0 ? alias : symbolOf(c), this, index);
          left--;
        } else if (childCount(c) > 0 && visibleChildren(c) > 0) {
          const v = visibleChildren(c);
          if (left < v) {
            inside = c;
            continue;
          }
          left -= v;
        }
        moveBy(at, sizeOf(c));
      }
      if (inside === 0) throw new Error(`child ${index} not found under node ${this.id}`);
      s = inside;
    }
  }

  get namedChildren(): SyntaxNode[] {
    if (this.named === undefined) {
      const named: SyntaxNode[] = [];
      for (const c of this.children) if (c.isNamed) named.push(c);
      this.named = named;
    }
    return this.named;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  namedChild(index: number): SyntaxNode | null {
    return this.namedChildren[index] ?? null;
  }

  get lastChild(): SyntaxNode | null {
    const k = this.children;
    return k[k.length - 1] ?? null;
  }

  get firstNamedChild(): SyntaxNode | null {
    return this.namedChildren[0] ?? null;
  }

  /** Children the TreeCursor reports under the field (web-tree-sitter's childrenForFieldName). */
  childrenForFieldName(name: string): SyntaxNode[] {
    const id = this.view.lang.fieldIds.get(name);
    const kids = this.children;
    const out: SyntaxNode[] = [];
    if (id === undefined) return out;
    const fields = this.fieldsOfChildren();
    for (let i = 0; i < kids.length; i++) if (fields[i] === id) out.push(kids[i]!);
    return out;
  }

  /** ts_node_child_by_field_id: the first child for the field, looking through hidden children. */
  childForFieldName(name: string): SyntaxNode | null {
    const id = this.view.lang.fieldIds.get(name);
    if (id === undefined) return null;
    const kids = this.children;
    if (kids.length === 0) return null;
    syncHeap();
    const found = childByField(this.view.lang, this.id, id);
    if (found === 0) return null;
    for (const k of kids) if (k.id === found) return k;
    return null;
  }

  // --- parent and siblings

  get parent(): SyntaxNode | null {
    return this.parentNode;
  }

  private siblingIndex(): number {
    const p = this.parentNode;
    if (!p) return -1;
    // The parent's children are read again after release(): this node is then found by its id.
    if (p.child(this.index)?.id === this.id) return this.index;
    const kids = p.children;
    for (let i = 0; i < kids.length; i++) if (kids[i]!.id === this.id) return i;
    return -1;
  }

  /**
   * The next sibling as ts_node__next_sibling finds it: a later child that ends after this node ends
   * (so a zero-width node, such as a MISSING token, at this node's end is not its next sibling).
   */
  private later(named: boolean): SyntaxNode | null {
    const i = this.siblingIndex();
    if (i < 0) return null;
    const parent = this.parentNode!;
    const count = parent.childCount;
    const end = this.endIndex;
    const start = this.startIndex;
    const empty = start === end;
    for (let j = i + 1; j < count; j++) {
      const k = parent.child(j)!;
      if (k.endIndex <= end) continue;
      if (empty ? k.startIndex < start : k.startIndex <= start) continue;
      if (!named || k.isNamed) return k;
    }
    return null;
  }

  get nextSibling(): SyntaxNode | null {
    return this.later(false);
  }

  get previousSibling(): SyntaxNode | null {
    const i = this.siblingIndex();
    return i <= 0 ? null : this.parentNode!.child(i - 1);
  }

  get nextNamedSibling(): SyntaxNode | null {
    return this.later(true);
  }

  /**
   * The smallest node that spans [start, end] (ts_node_descendant_for_byte_range, over the visible
   * children: the first child that reaches the end and starts at or before the start).
   */
  descendantForIndex(start: number, end: number = start): SyntaxNode {
    const rs = start * 2;
    const re = end * 2;
    let node: SyntaxNode = this;
    for (;;) {
      let next: SyntaxNode | undefined;
      const count = node.childCount;
      // Among many children not read yet (the file's declarations), the first that can hold the range is
      // found by a binary search on their ends, which never decrease: those before it end too early.
      let from = 0;
      if (node.kids === undefined && count > READ_ALONE_ABOVE) {
        const least = Math.max(rs, re);
        let hi = count;
        while (from < hi) {
          const mid = (from + hi) >>> 1;
          if (node.child(mid)!.endIndex * 2 < least) from = mid + 1;
          else hi = mid;
        }
      }
      for (let j = from; j < count; j++) {
        const c = node.child(j)!;
        const cEnd = c.endIndex * 2;
        if (cEnd < re) continue;
        const cStart = c.startByte;
        if (cStart === cEnd ? cEnd < rs : cEnd <= rs) continue;
        if (rs < cStart) break;
        next = c;
        break;
      }
      if (!next) return node;
      node = next;
    }
  }

  /**
   * The node with this id in this subtree, found by descending through the children whose range holds
   * [start, end] (a query's result, given back as the node with its parent known).
   */
  locate(id: number, start: number, end: number): SyntaxNode | null {
    const stack: SyntaxNode[] = [this];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.id === id) return n;
      const kids = n.children;
      for (let i = kids.length - 1; i >= 0; i--) {
        const k = kids[i]!;
        if (k.startIndex <= start && k.endIndex >= end) stack.push(k);
      }
    }
    return null;
  }

  toString(): string {
    return `(${this.type})`;
  }
}

/** A position (bytes, row, column in bytes) moved past a length, as tree-sitter's length_add does. */
function moveBy(at: { bytes: number; row: number; column: number }, by: typeof len): void {
  at.bytes += by.bytes;
  if (by.row > 0) {
    at.row += by.row;
    at.column = by.column;
  } else at.column += by.column;
}

/** Above this many children, child(i) reads the one child asked for instead of all of them. */
const READ_ALONE_ABOVE = 64;

/** Field id of the structural child `index` of a production (0: none); not inherited entries. */
function fieldAt(lang: LanguageTables, prod: number, index: number): number {
  const first = lang.fieldSlices[2 * prod];
  if (first === undefined) return 0;
  const end = first + lang.fieldSlices[2 * prod + 1]!;
  const e = lang.fieldEntries;
  for (let i = first; i < end; i++) if (e[3 * i + 2] === 0 && e[3 * i + 1] === index) return e[3 * i]!;
  return 0;
}

/** ts_node_child_by_field_id over raw subtrees: the id of the child found, 0 for none. */
function childByField(lang: LanguageTables, s: number, field: number): number {
  for (;;) {
    if (visibleChildren(s) === 0) return 0;
    const prod = productionId(s);
    const sliceStart = lang.fieldSlices[2 * prod];
    if (sliceStart === undefined) return 0;
    let lo = sliceStart;
    let hi = sliceStart + lang.fieldSlices[2 * prod + 1]!;
    if (lo === hi) return 0;
    const e = lang.fieldEntries;
    while (e[3 * lo]! < field) if (++lo === hi) return 0;
    while (e[3 * (hi - 1)]! > field) if (--hi === lo) return 0;
    const n = childCount(s);
    const base = childrenAddress(s);
    const aliasBase = prod * lang.maxAliasSequence;
    let structural = 0;
    let descend = 0;
    for (let i = 0; i < n; i++) {
      const c = base + i * SUBTREE_SIZE;
      if (isExtra(c)) continue;
      const index = structural++;
      if (index < e[3 * lo + 1]!) continue;
      if (e[3 * lo + 2] === 1) {
        if (lo + 1 === hi) {
          descend = c;
          break;
        }
        const r = childByField(lang, c, field);
        if (r !== 0) return r;
        if (++lo === hi) return 0;
      } else if (isVisible(c) || (prod !== 0 && lang.aliasSequences[aliasBase + index] !== 0)) {
        return c;
      } else if (visibleChildren(c) > 0) {
        return firstVisible(lang, c);
      } else if (++lo === hi) return 0;
    }
    if (descend === 0) return 0;
    s = descend;
  }
}

/** ts_node_child(hidden, 0): the first visible node inside a hidden subtree. */
function firstVisible(lang: LanguageTables, s: number): number {
  const n = childCount(s);
  const prod = productionId(s);
  const base = childrenAddress(s);
  let structural = 0;
  for (let i = 0; i < n; i++) {
    const c = base + i * SUBTREE_SIZE;
    let alias = 0;
    if (!isExtra(c)) {
      if (prod !== 0) alias = lang.aliasSequences[prod * lang.maxAliasSequence + structural]!;
      structural++;
    }
    if (alias !== 0 || isVisible(c)) return c;
    if (visibleChildren(c) > 0) {
      const r = firstVisible(lang, c);
      if (r !== 0) return r;
    }
  }
  return 0;
}

const roots = new ObjectMemo<Tree, SyntaxNode>('syntaxRoot');

/** The root of a tree parsed from `text`, the same object on every call for one tree. */
export function syntaxRoot(tree: Tree, text: string): SyntaxNode {
  let root = roots.get(tree);
  if (root && root.view.text === text) return root;
  syncHeap();
  const lang = languageTables(tree.language as Language);
  const view = new TreeView(tree, text, lang);
  const address = (tree as unknown as { 0: number })[0];
  // TSTree starts with its root Subtree; the root node starts after the root's padding.
  const pad = paddingOf(address);
  root = new SyntaxNode(view, address, pad.bytes, pad.row, pad.column, 0, symbolOf(address), null, 0);
  roots.set(tree, root);
  return root;
}

/** A top-level node a re-parse built anew: [start, end - 1, type, whether it has syntax errors]. */
export type RebuiltTop = [number, number, string, boolean];

/**
 * Where the top level of a tree from an incremental parse may differ in structure from the old tree's,
 * asked while the old tree is still alive: the span of each top-level node the parse built anew.
 * tree-sitter reuses a subtree only unchanged and in place, and then both trees hold it (its reference
 * count is 2; after the parse nothing else holds a node of the new tree), so a node is new when neither
 * it nor a hidden node above it (a repetition holding many declarations) is held twice. Such a node can
 * be far from every edit: an unclosed brace swallows the declarations after it. Leaves are not reported
 * (a comment or `;` changes only where its text does, which the edits cover). Coarser than tree-sitter's
 * changed ranges (a whole declaration, not the line in it), at a fraction of their cost: they walked both
 * trees on every keystroke, and this looks only at the nodes that are not shared. Spans are
 * [start, end - 1], the offsets inside the node. Not every node built anew changed: tree-sitter never
 * reuses a node it built while two readings of the code were open (a GLR split), so it rebuilds such
 * declarations on every re-parse, all over the file, with the same text (see TopLevel).
 */
export function changedTopLevel(root: SyntaxNode): RebuiltTop[] {
  syncHeap();
  const out: RebuiltTop[] = [];
  const names = root.view.lang.names;
  // Children of s from its start (the first child's padding is its parent's), as collect() places them.
  const walk = (s: number, bytes: number): void => {
    const n = childCount(s);
    const base = n > 0 ? childrenAddress(s) : 0;
    for (let i = 0; i < n; i++) {
      const c = base + i * SUBTREE_SIZE;
      if (i > 0) bytes += paddingOf(c).bytes;
      const start = bytes;
      bytes += sizeBytes(c);
      if (childCount(c) === 0 || refCount(c) > 1) continue;
      if (isVisible(c)) out.push([start >>> 1, Math.max(start >>> 1, (bytes >>> 1) - 1), names[symbolOf(c)]!, hasErrorSubtree(c) || symbolOf(c) === ERROR_SYMBOL]);
      else walk(c, start);
    }
  };
  if (refCount(root.id) <= 1) walk(root.id, root.startIndex * 2);
  return out;
}

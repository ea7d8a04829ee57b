import type { RebuiltTop, SyntaxNode as Node } from './syntax/node';
import type { DocChanges } from './document';

/** Root children that declare package-level names (each has its part of the package index). */
export const DECLARATIONS: ReadonlySet<string> = new Set(['function_declaration', 'method_declaration', 'type_declaration', 'var_declaration', 'const_declaration']);

/** Root children that make up a Go file's structure: its clauses and its declarations. */
export const FILE_PARTS: ReadonlySet<string> = new Set(['package_clause', 'import_declaration', ...DECLARATIONS]);

/**
 * One child of the source file (a declaration, comment, package clause or `;`) as the engine's cache
 * sees it. The key is the text that decides whether an earlier result still holds: the comment lines
 * right above and the node's own text; '' when the node has syntax errors (always analysed afresh).
 */
export interface TopEntry {
  /** Position among the root's children. */
  readonly i: number;
  readonly type: string;
  readonly base: number;
  readonly end: number;
  readonly key: string;
}

/**
 * The root's children with their keys, in order. Reading a key means copying the declaration's text out
 * of the tree, which for 600 declarations costs more than a keystroke may. So the editor carries keys
 * over: a child whose span, mapped through the edits since the last call, is unchanged, and that no
 * edited range or newly built top-level node touches (from the end of the previous non-comment child,
 * which covers its leading comments), has the same text as before and keeps its key. The others are read.
 */
export class TopLevel {
  private prev: TopEntry[] = [];

  /**
   * The entries of the current tree. Entries outside the changed stretch are the previous ones (those
   * after it shifted in place): an entry is valid until the next update.
   */
  update(root: Node, text: string, changes: DocChanges): TopEntry[] {
    const out = changes.all || this.prev.length === 0 ? undefined : this.around(root, text, changes);
    this.prev = out ?? this.read(root, text, withRebuilt(changes, () => true), 0, 0, -1, Infinity, this.prev)!;
    return this.prev;
  }

  /**
   * A node the re-parse built anew that is the previous entry as it was: same type and place, its
   * text and the comments above it untouched by the edits, no syntax error. tree-sitter rebuilds such
   * declarations on every re-parse (see changedTopLevel); counted as changed, they made each keystroke
   * read hundreds of the root's children between them and the edit.
   */
  private unchanged([start, last, type, error]: RebuiltTop, changes: DocChanges): boolean {
    const prev = this.prev;
    if (error) return false;
    // The first entry that starts at or after start (positions moved by the edits keep their order).
    let lo = 0;
    let hi = prev.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = mapLoose(prev[mid]!.base, changes.edits);
      if ((at < 0 ? -1 - at : at) < start) lo = mid + 1;
      else hi = mid;
    }
    const p = prev[lo];
    if (!p || p.key === '' || p.type !== type || mapOffset(p.base, changes.edits) !== start) return false;
    const end = mapOffset(p.end, changes.edits);
    if (end === undefined || Math.max(start, end - 1) !== last) return false;
    // Its key holds the comments right above: from the end of the declaration before them.
    let k = lo - 1;
    while (k >= 0 && prev[k]!.type === 'comment') k--;
    const after = k >= 0 ? mapOffset(prev[k]!.end, changes.edits) : 0;
    return after !== undefined && !touches(changes.dirty, after, end);
  }

  /**
   * Only the children around the changes are read from the tree: those before the first change are
   * the same entries, those after the last (and past one more declaration, whose leading comments and
   * key may have changed) the same shifted: the others' keys (a copy of each declaration's text) are
   * not made again on every keystroke. Undefined when the tree does not line up with the previous
   * entries as expected (then everything is read).
   */
  private around(root: Node, text: string, given: DocChanges): TopEntry[] | undefined {
    const prev = this.prev;
    const changes = withRebuilt(given, (r) => !this.unchanged(r, given));
    if (changes.edits.length === 0 && changes.dirty.length === 0) return prev;
    // Before lo the old and new texts and trees agree; after hi (new offsets) they agree shifted.
    let lo = Infinity;
    let hi = -Infinity;
    for (const [s] of changes.edits) lo = Math.min(lo, s);
    for (const [s, e] of changes.dirty) {
      lo = Math.min(lo, s);
      hi = Math.max(hi, e);
    }
    let a = 0;
    while (a < prev.length && prev[a]!.end < lo - 1) a++;
    let b = a;
    while (b < prev.length && !((mapOffset(prev[b]!.base, changes.edits) ?? -1) > hi + 1)) b++;
    // Past the comments and the declaration after the change: its leading comments start after the
    // previous declaration, which may be the changed one.
    while (b < prev.length && prev[b]!.type === 'comment') b++;
    if (b < prev.length) b++;
    // The state of the comment chain and the last declaration's end where the reading starts.
    let after = 0;
    let commentStart = -1;
    for (let j = a - 1; j >= 0; j--) {
      if (prev[j]!.type !== 'comment') {
        after = prev[j]!.end;
        break;
      }
      commentStart = prev[j]!.base;
    }
    const stop = b < prev.length ? mapOffset(prev[b]!.base, changes.edits)! : Infinity;
    const middle = this.read(root, text, changes, a, after, commentStart, stop, prev.slice(a, b));
    if (!middle) return undefined;
    // The tree must agree before anything is shifted (a fallback reads with the previous entries): as
    // many children, the last unchanged one and the first shifted one where they are expected.
    const at = a + middle.length;
    if (at + prev.length - b !== root.childCount) return undefined;
    if (b < prev.length) {
      const first = root.child(at);
      const p = prev[b]!;
      if (!first || first.startIndex !== stop || first.endIndex !== mapOffset(p.end, changes.edits) || first.type !== p.type) return undefined;
    }
    if (a > 0) {
      const last = root.child(a - 1);
      if (!last || last.endIndex !== prev[a - 1]!.end || last.type !== prev[a - 1]!.type) return undefined;
    }
    const out = prev.slice(0, a);
    out.push(...middle);
    for (let j = b; j < prev.length; j++) {
      const p = prev[j] as Mutable<TopEntry>;
      p.base = mapOffset(p.base, changes.edits)!;
      p.end = mapOffset(p.end, changes.edits)!;
      p.i = out.length;
      out.push(p);
    }
    return out;
  }

  /**
   * Reads the children from number `from` (the chain of comments above it starts at commentStart, the
   * last declaration before it ended at after) up to the one that starts at stop, carrying keys over
   * from the given previous entries. Undefined when no child starts at stop.
   */
  private read(
    root: Node,
    text: string,
    changes: DocChanges,
    from: number,
    after: number,
    commentStart: number,
    stop: number,
    previous: TopEntry[],
  ): TopEntry[] | undefined {
    const carried = new Map<number, TopEntry>();
    if (!changes.all) {
      for (const p of previous) {
        if (!p.key) continue;
        const s = mapOffset(p.base, changes.edits);
        const e = mapOffset(p.end, changes.edits);
        if (s !== undefined && e !== undefined) carried.set(s, { ...p, base: s, end: e });
      }
    }
    const out: TopEntry[] = [];
    let i = from;
    let reached = stop === Infinity;
    /** One child; false once the child at stop is reached. */
    const visit = (type: string, base: number, end: number, node: () => Node): boolean => {
      if (base >= stop) {
        reached = base === stop;
        return false;
      }
      const p = carried.get(base);
      let key: string;
      // The comments above must start where they did: an edit that splits a comment can end the chain
      // above the node later than before without touching the text between them and the node.
      const lead = commentStart >= 0 ? base - commentStart : 0;
      if (p && p.end === end && p.type === type && p.key.length === lead + 1 + (end - base) && !touches(changes.dirty, after, end)) key = p.key;
      else key = keyOf(node(), text, commentStart);
      out.push({ i, type, base, end, key });
      if (type === 'comment') {
        if (commentStart < 0) commentStart = base;
      } else {
        commentStart = -1;
        after = end;
      }
      i++;
      return true;
    };
    // A keystroke reads the few children around it, each by itself (see SyntaxNode.child), not the
    // hundreds of the file. Past a few, the stretch is long (an unclosed brace changes every
    // declaration after it): then all are read at once.
    const count = root.childCount;
    if (stop === Infinity) void root.children;
    for (let j = from; j < count; j++) {
      if (j - from === READ_ONE_BY_ONE) void root.children;
      const n = root.child(j)!;
      if (!visit(n.type, n.startIndex, n.endIndex, () => n)) break;
    }
    if (!reached) return undefined;
    return out;
  }
}

/** How many of the root's children a keystroke reads one at a time before it reads them all. */
const READ_ONE_BY_ONE = 16;

/**
 * The changes with the rebuilt nodes that count added to the edited ranges (read() and around() look
 * at dirty only).
 */
function withRebuilt(changes: DocChanges, counts: (r: RebuiltTop) => boolean): DocChanges {
  if (changes.rebuilt.length === 0) return changes;
  const dirty = [...changes.dirty];
  for (const r of changes.rebuilt) if (counts(r)) dirty.push([r[0], r[1]]);
  return { ...changes, dirty, rebuilt: [] };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Every child of root, without carrying anything over: with keys for a first analysis, without (all
 * '') when nothing is cached (the CLI), which spares copying each declaration's text.
 */
export function topEntries(root: Node, text: string, withKeys: boolean): TopEntry[] {
  if (withKeys) return new TopLevel().update(root, text, { all: true, edits: [], dirty: [], rebuilt: [] });
  const out: TopEntry[] = [];
  const kids = root.children;
  for (let i = 0; i < kids.length; i++) out.push({ i, type: kids[i]!.type, base: kids[i]!.startIndex, end: kids[i]!.endIndex, key: '' });
  return out;
}

function keyOf(node: Node, text: string, commentStart: number): string {
  // A declaration with syntax errors can parse differently with the same text in another context: it is
  // always analysed afresh (it is usually the one being typed).
  if (node.hasError || node.isMissing || node.type === 'ERROR') return '';
  // The comments right above are part of the key (a doc comment may matter to a rule, e.g. "for tests
  // only"); they are separate children, so a change to them alone must not reuse the result.
  return detach(`${commentStart >= 0 ? text.slice(commentStart, node.startIndex) : ''}\0${node.text}`);
}

/**
 * A copy of s that does not point into the text it was cut from. V8 represents a slice of a string as a
 * view on the whole string, so a key kept for an unchanged declaration would keep the entire document
 * of the keystroke that made it alive (one more copy of the file per edited declaration).
 */
export function detach(s: string): string {
  return (s + ' ').slice(0, -1);
}

/**
 * A copy of a kept value (arrays, maps, sets and plain objects, as many levels deep as they go) whose
 * strings are detached; other objects are kept as they are, shared parts stay shared.
 */
export function detachDeep<T>(value: T, seen = new Map<object, unknown>()): T {
  if (typeof value === 'string') return detach(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  const done = seen.get(value);
  if (done) return done as T;
  let out: unknown = value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const x of value) copy.push(detachDeep(x, seen));
    out = copy;
  } else if (value instanceof Map) {
    const copy = new Map();
    seen.set(value, copy);
    for (const [k, x] of value) copy.set(detachDeep(k, seen), detachDeep(x, seen));
    out = copy;
  } else if (value instanceof Set) {
    const copy = new Set();
    seen.set(value, copy);
    for (const x of value) copy.add(detachDeep(x, seen));
    out = copy;
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    seen.set(value, copy);
    for (const [k, x] of Object.entries(value)) copy[k] = detachDeep(x, seen);
    out = copy;
  }
  return out as T;
}

/** offset after the edits, or undefined when an edit touches it (the text around it changed). */
function mapOffset(offset: number, edits: readonly [number, number, number][]): number | undefined {
  const o = mapLoose(offset, edits);
  return o < 0 ? undefined : o;
}

/**
 * offset after the edits; one that an edit touches goes to where the edit's new text starts or ends,
 * which keeps the order of offsets (for a binary search), and is returned as -1 - that place.
 */
function mapLoose(offset: number, edits: readonly [number, number, number][]): number {
  let o = offset;
  let touched = false;
  for (const [start, oldEnd, newEnd] of edits) {
    if (o < start) continue;
    if (o > oldEnd) o += newEnd - oldEnd;
    else {
      o = Math.min(o, newEnd);
      touched = true;
    }
  }
  return touched ? -1 - o : o;
}

function touches(ranges: readonly [number, number][], start: number, end: number): boolean {
  for (const [s, e] of ranges) if (s <= end && e >= start) return true;
  return false;
}

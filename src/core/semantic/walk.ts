import type { Node } from 'web-tree-sitter';

// Walks over a subtree in pre-order. Several rules and helpers walk the same function bodies: the
// first walk of a subtree materialises it, and later walks iterate the copy (see walk at the end).

/**
 * A subtree in pre-order, materialised once: several rules walk the same function body, and each step
 * of a TreeCursor walk crosses into WASM and makes a new Node. `next[i]` is the index just past node
 * i's subtree, so a visitor that declines a node's children skips them in one step.
 */
interface Preorder {
  readonly nodes: Node[];
  readonly next: Int32Array;
  readonly starts: Int32Array;
  readonly start: number;
  readonly end: number;
}

// Only the trees of one file are cached at a time, and releaseWalks() drops them when the engine is
// done with a tree: the Nodes must not outlive it, and memory must not grow with the files analysed.
let cachedTree: unknown = null;
let cached: Preorder[] = [];
let lastHit: Preorder | undefined;
/** Forgets every materialised subtree (call when the tree they belong to is done with). */
export function releaseWalks(): void {
  cachedTree = null;
  cached = [];
  lastHit = undefined;
}

// Every node type of a language (named and anonymous): descendantsOfType with all of them returns
// the whole subtree in pre-order from one call into WASM, where a cursor walk makes three per node.
// web-tree-sitter turns the names into symbols with `types.includes(name)` for each of the ~220
// symbols; a list whose includes is a set lookup keeps that from costing 220 x 220 string
// comparisons per call (were it done otherwise, the list is still every type: only slower).
class TypeList extends Array<string> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  private readonly names: Set<string>;
  constructor(types: readonly string[]) {
    super();
    this.push(...types);
    this.names = new Set(types);
  }
  override includes(name: string): boolean {
    return this.names.has(name);
  }
}

const allTypes = new WeakMap<object, TypeList>();

function typesOf(root: Node): TypeList {
  const lang = root.tree.language;
  let types = allTypes.get(lang);
  if (!types) {
    types = new TypeList([...new Set(lang.types.filter((t): t is string => typeof t === 'string' && t !== ''))]);
    allTypes.set(lang, types);
  }
  return types;
}

/**
 * A subtree in pre-order. Without syntax errors, one descendantsOfType call with every type returns
 * it. With errors, a cursor walk: ERROR is not among the language's types and cannot be asked with
 * them (web-tree-sitter puts its symbol first, where the lookup inside WASM expects sorted symbols).
 */
function materialise(root: Node): Preorder {
  if (root.hasError) return materialiseByCursor(root);
  const nodes = root.descendantsOfType(typesOf(root)).filter((n): n is Node => n !== null);
  if (nodes[0]?.id !== root.id) nodes.unshift(root);
  const n = nodes.length;
  const starts = new Int32Array(n);
  for (let i = 0; i < n; i++) starts[i] = nodes[i]!.startIndex;
  // next[i] (past node i's subtree) is worked out only when a visitor declines node i's children.
  const next = new Int32Array(n).fill(-1);
  next[0] = n;
  return { nodes, next, starts, start: root.startIndex, end: root.endIndex };
}

/** The index just past node i's subtree: the first later node that starts at or after its end. */
function subtreeEnd(p: Preorder, i: number): number {
  let e = p.next[i]!;
  if (e >= 0) return e;
  const end = p.nodes[i]!.endIndex;
  // A zero-width node exactly at the end may be the subtree's last descendant or come after it: its
  // parents decide (rare: such nodes are mostly MISSING tokens, in trees walked by cursor).
  e = i + 1;
  while (e < p.starts.length && (p.starts[e]! < end || (p.starts[e]! === end && p.nodes[e]!.endIndex === end && end > p.starts[i]! && isInside(p.nodes[e]!, p.nodes[i]!)))) e++;
  p.next[i] = e;
  return e;
}

function isInside(n: Node, ancestor: Node): boolean {
  for (let a = n.parent; a; a = a.parent) if (a.id === ancestor.id) return true;
  return false;
}

/** The whole subtree by a cursor walk: for subtrees with syntax errors (see materialise). */
function materialiseByCursor(root: Node): Preorder {
  const nodes: Node[] = [];
  const open: number[] = [];
  let next: Int32Array = new Int32Array(64);
  const cursor = root.walk();
  try {
    for (;;) {
      nodes.push(cursor.currentNode);
      if (cursor.gotoFirstChild()) {
        open.push(nodes.length - 1);
        continue;
      }
      if (next.length < nodes.length) next = grow(next, nodes.length);
      next[nodes.length - 1] = nodes.length;
      let done = false;
      while (!cursor.gotoNextSibling()) {
        const parent = open.pop();
        if (parent === undefined || !cursor.gotoParent()) {
          done = true;
          break;
        }
        next[parent] = nodes.length;
      }
      if (done || open.length === 0) break;
    }
  } finally {
    cursor.delete();
  }
  // A root with children ends the loop with its own entry still open.
  for (const i of open) next[i] = nodes.length;
  const starts = new Int32Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) starts[i] = nodes[i]!.startIndex;
  return { nodes, next: next.length === nodes.length ? next : next.slice(0, nodes.length), starts, start: root.startIndex, end: root.endIndex };
}

function grow(a: Int32Array, need: number): Int32Array {
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Node's index in p, or -1: nodes sharing a start are told apart by id. */
function indexIn(p: Preorder, node: Node): number {
  const start = node.startIndex;
  if (start < p.start || start > p.end) return -1;
  let lo = 0;
  let hi = p.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (p.starts[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < p.starts.length && p.starts[i] === start; i++) if (p.nodes[i]!.id === node.id) return i;
  return -1;
}

/** How many copies starting at or before a node are asked whether they hold it (nested ones overlap). */
const CANDIDATES = 8;

function preorderOf(node: Node): [Preorder, number] {
  if (cachedTree !== node.tree) {
    cachedTree = node.tree;
    cached = [];
    lastHit = undefined;
  }
  if (lastHit) {
    const i = indexIn(lastHit, node);
    if (i >= 0) return [lastHit, i];
  }
  // The copies are kept by start: the nearest few that start at or before the node are asked, so a
  // file with thousands of walked functions costs a binary search per walk, not a scan of them all.
  // One that holds the node further back is missed only in deep nesting, and then a copy is made.
  const start = node.startIndex;
  let lo = 0;
  let hi = cached.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cached[mid]!.start <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let j = lo - 1; j >= 0 && j >= lo - CANDIDATES; j--) {
    const p = cached[j]!;
    const i = p === lastHit ? -1 : indexIn(p, node);
    if (i >= 0) return [(lastHit = p), i];
  }
  const p = materialise(node);
  cached.splice(lo, 0, p);
  return [(lastHit = p), 0];
}

/**
 * walk() for a one-off walk that declines most children (the path to syntax errors): it moves a
 * cursor instead of materialising the whole subtree.
 */
export function walkPruned(node: Node, visit: (n: Node) => boolean | void): void {
  const cursor = node.walk();
  try {
    let depth = 0;
    for (;;) {
      const descend = visit(cursor.currentNode) !== false;
      if (descend && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (depth === 0 || !cursor.gotoParent()) return;
        depth--;
      }
      if (depth === 0) return;
    }
  } finally {
    cursor.delete();
  }
}

/** Calls every descendant (pre-order) for which visit returns true to continue into its children. */
export function walk(node: Node, visit: (n: Node) => boolean | void): void {
  const [p, first] = preorderOf(node);
  const { nodes } = p;
  const stop = subtreeEnd(p, first);
  for (let i = first; i < stop; ) i = visit(nodes[i]!) !== false ? i + 1 : subtreeEnd(p, i);
}


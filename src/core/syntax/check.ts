import { Parser, type Language, type Node as WasmNode } from 'web-tree-sitter';
import { syntaxRoot, type SyntaxNode } from './node';

// A sample that exercises what SyntaxNode reads: hidden and aliased nodes, fields (inherited ones
// too), extras (comments), multi-line positions, non-ASCII text, a syntax error and a MISSING node.
const SAMPLE = `package p

// c
import "sync"

type T struct{ mu sync.Mutex; n int }

func (t *T) f(ch chan<- int, xs ...string) (int, error) {
\tt.mu.Lock()
\tdefer t.mu.Unlock()
\tgo func() { ch <- len("é") }()
\tfor i, x := range xs { _ = x; _ = i }
\tswitch v := any(t).(type) { case *T: _ = v }
\treturn 0, nil
}

func g() { h(1,
`;

/**
 * Compares SyntaxNode with web-tree-sitter's Node over a sample, once per process: a web-tree-sitter
 * whose memory layout differs from the one layout.ts reads (another version) stops the engine with a
 * clear message instead of misreading every tree. test/core/syntax-node.test.ts does the same over
 * every fixture.
 */
export function checkLayout(language: Language): void {
  const parser = new Parser();
  try {
    parser.setLanguage(language);
    const tree = parser.parse(SAMPLE);
    if (!tree) throw new Error('no tree');
    try {
      const problem = firstDifference(tree.rootNode, syntaxRoot(tree, SAMPLE), SAMPLE_FIELDS);
      if (problem) throw new Error(`this web-tree-sitter's trees are laid out otherwise than the engine reads them (${problem})`);
    } finally {
      tree.delete();
    }
  } finally {
    parser.delete();
  }
}

const SAMPLE_FIELDS = ['name', 'body', 'type', 'value', 'left', 'right', 'function', 'arguments', 'operand', 'field'];

const idOf = (n: { id: number } | null): number => n?.id ?? 0;
const idsOf = (nodes: readonly ({ id: number } | null)[]): string => nodes.map(idOf).join(',');

/**
 * Where a SyntaxNode tree first differs from web-tree-sitter's Node tree (undefined: nowhere), for
 * every member the engine uses: type and flags, range and positions, text, children and named
 * children, the given fields (first child and all children), parent and siblings, and the smallest
 * node over each node's range as the root finds it.
 */
export function firstDifference(real: WasmNode, ours: SyntaxNode, fields: readonly string[]): string | undefined {
  const realRoot = real;
  const ourRoot = ours;
  const stack: [WasmNode, SyntaxNode][] = [[real, ours]];
  while (stack.length > 0) {
    const [r, o] = stack.pop()!;
    const at = `${r.type} at ${r.startIndex}`;
    if (o.id !== r.id || o.type !== r.type || o.startIndex !== r.startIndex || o.endIndex !== r.endIndex) return `${at}: read as ${o.type} at ${o.startIndex}-${o.endIndex}`;
    if (o.isNamed !== r.isNamed || o.isMissing !== r.isMissing || o.isError !== r.isError || o.hasError !== r.hasError || o.isExtra !== r.isExtra) return `${at}: flags`;
    if (o.startPosition.row !== r.startPosition.row || o.startPosition.column !== r.startPosition.column) return `${at}: start position`;
    if (o.endPosition.row !== r.endPosition.row || o.endPosition.column !== r.endPosition.column) return `${at}: end position`;
    if (o.text !== r.text) return `${at}: text`;
    if (idsOf(o.children) !== idsOf(r.children) || o.childCount !== r.childCount) return `${at}: children`;
    if (idsOf(o.namedChildren) !== idsOf(r.namedChildren) || o.namedChildCount !== r.namedChildCount) return `${at}: named children`;
    if (idOf(o.firstNamedChild) !== idOf(r.firstNamedChild) || idOf(o.lastChild) !== idOf(r.lastChild)) return `${at}: first named or last child`;
    if (idOf(o.parent) !== idOf(r.parent)) return `${at}: parent`;
    if (idOf(o.nextSibling) !== idOf(r.nextSibling) || idOf(o.previousSibling) !== idOf(r.previousSibling)) return `${at}: siblings`;
    if (idOf(o.nextNamedSibling) !== idOf(r.nextNamedSibling)) return `${at}: next named sibling`;
    for (const f of fields) {
      if (idOf(o.childForFieldName(f)) !== idOf(r.childForFieldName(f))) return `${at}: field ${f}`;
      if (idsOf(o.childrenForFieldName(f)) !== idsOf(r.childrenForFieldName(f))) return `${at}: fields ${f}`;
    }
    const s = r.startIndex;
    const e = r.endIndex;
    if (ourRoot.descendantForIndex(s, e).id !== idOf(realRoot.descendantForIndex(s, e))) return `${at}: descendantForIndex`;
    if (ourRoot.descendantForIndex(s).id !== idOf(realRoot.descendantForIndex(s))) return `${at}: descendantForIndex(start)`;
    const rk = r.children;
    const ok = o.children;
    for (let i = 0; i < rk.length; i++) stack.push([rk[i]!, ok[i]!]);
  }
  return undefined;
}

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
      const problem = differs(tree.rootNode, syntaxRoot(tree, SAMPLE));
      if (problem) throw new Error(`this web-tree-sitter's trees are laid out otherwise than the engine reads them (${problem})`);
    } finally {
      tree.delete();
    }
  } finally {
    parser.delete();
  }
}

function differs(real: WasmNode, ours: SyntaxNode): string | undefined {
  const stack: [WasmNode, SyntaxNode][] = [[real, ours]];
  while (stack.length > 0) {
    const [r, o] = stack.pop()!;
    const at = `${r.type} at ${r.startIndex}`;
    if (o.id !== r.id || o.type !== r.type || o.startIndex !== r.startIndex || o.endIndex !== r.endIndex) return `${at}: read as ${o.type} at ${o.startIndex}-${o.endIndex}`;
    if (o.isNamed !== r.isNamed || o.isMissing !== r.isMissing || o.hasError !== r.hasError || o.isExtra !== r.isExtra) return `${at}: flags`;
    if (o.endPosition.row !== r.endPosition.row || o.endPosition.column !== r.endPosition.column) return `${at}: end position`;
    for (const f of ['name', 'body', 'type', 'value', 'left', 'right', 'function', 'arguments', 'operand', 'field']) {
      if ((o.childForFieldName(f)?.id ?? 0) !== (r.childForFieldName(f)?.id ?? 0)) return `${at}: field ${f}`;
    }
    const rk = r.children;
    const ok = o.children;
    if (rk.length !== ok.length) return `${at}: ${ok.length} children, not ${rk.length}`;
    for (let i = 0; i < rk.length; i++) stack.push([rk[i]!, ok[i]!]);
  }
  return undefined;
}

import type { SyntaxNode as Node } from '../syntax/node';
import { captures, queryFor } from './queries';

/**
 * File-wide facts: the nodes of one kind anywhere in the file (every close call, every send), which
 * some rules consult to judge a statement in another declaration ("is this channel closed anywhere?").
 *
 * Each kind is one tree-sitter query, compiled once per language and run once per analysed file: the
 * matching happens inside WASM, so only the matching nodes reach JavaScript, instead of a JavaScript walk
 * over the whole file for every statement judged (which made a 5,000-line file cost seconds).
 *
 * A declaration whose findings consulted a kind depends on code outside itself: the editor's
 * per-declaration cache stores the kind's fingerprint with the result and reuses it only while the
 * fingerprint is unchanged (see engine.ts).
 */
export const FILE_FACT_QUERIES = {
  /** Calls of the builtin-looking `close(x)` (closeArg decides whether close is the builtin). */
  closeCalls: '(call_expression function: (identifier) @f (#eq? @f "close")) @n',
  /** Send statements `ch <- v`. */
  sends: '(send_statement) @n',
  /** Two-value receives `v, ok := <-ch` / `v, ok = <-ch`, in or out of select cases. */
  okReceives: `[
    (short_var_declaration left: (expression_list (_) (_)) right: (expression_list (unary_expression operator: "<-"))) @n
    (assignment_statement left: (expression_list (_) (_)) right: (expression_list (unary_expression operator: "<-"))) @n
    (receive_statement left: (expression_list (_) (_)) right: (unary_expression operator: "<-")) @n
  ]`,
  /** range clauses (`for x := range ch`): rules check that the operand is a channel. */
  ranges: '(range_clause) @n',
  /** Receive expressions `<-ch`. */
  receives: '(unary_expression operator: "<-") @n',
} as const;

export type FileFactKind = keyof typeof FILE_FACT_QUERIES;

/**
 * Whether text can hold a fact: every kind's node holds one of these words (the builtin's name, the
 * arrow of a send or receive, the range keyword). Text without them has none, and its query is skipped.
 */
export function mayHoldFacts(text: string): boolean {
  return text.includes('<-') || text.includes('close') || text.includes('range');
}

/** All kinds in one query, each capture named by its kind. */
const ALL_FACTS = Object.entries(FILE_FACT_QUERIES)
  .map(([kind, pattern]) => pattern.replace(/@n\b/g, `@${kind}`))
  .join('\n');

/**
 * All kinds at once: one query (one traversal of the tree inside WASM) per analysed file, whichever
 * kind is asked for first; the captures are sorted into kinds by name.
 */
export function runFactQueries(root: Node): Map<FileFactKind, Node[]> {
  const q = queryFor(root, ALL_FACTS);
  const out = new Map<FileFactKind, Node[]>(Object.keys(FILE_FACT_QUERIES).map((k) => [k as FileFactKind, []]));
  const seen = new Set<string>();
  for (const c of captures(q, root)) {
    const list = out.get(c.name as FileFactKind);
    if (!list || seen.has(`${c.name}:${c.node.id}`)) continue;
    seen.add(`${c.name}:${c.node.id}`);
    list.push(c.node);
  }
  for (const list of out.values()) list.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  return out;
}

/** What a kind's nodes say, as text: equal fingerprints mean the same facts for every consumer. */
export function factFingerprint(nodes: readonly Node[]): string {
  return nodes.map((n) => n.text).join('\u0001');
}

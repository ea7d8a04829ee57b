import { Query, type Language, type Node as WasmNode } from 'web-tree-sitter';
import type { SyntaxNode as Node } from '../syntax/node';

/** Queries by language and source, compiled once: compiling one costs far more than running it. */
const compiled = new WeakMap<Language, Map<string, Query>>();

export function compiledQuery(language: Language, source: string): Query {
  let bySource = compiled.get(language);
  if (!bySource) compiled.set(language, (bySource = new Map()));
  let q = bySource.get(source);
  if (!q) bySource.set(source, (q = new Query(language, source)));
  return q;
}

/** The compiled query for the language of node's tree. */
export function queryFor(node: Node, source: string): Query {
  return compiledQuery(node.tree.language, source);
}

/**
 * The captures of a query run over node's subtree (inside WASM, as web-tree-sitter runs it), each
 * node given as the engine's SyntaxNode under `node`, in the query's order.
 */
export function captures(query: Query, node: Node): { name: string; node: Node }[] {
  const wasm = wasmNodeOf(node);
  if (!wasm) return [];
  const out: { name: string; node: Node }[] = [];
  for (const c of query.captures(wasm)) {
    const found = node.locate(c.node.id, c.node.startIndex, c.node.endIndex);
    if (found) out.push({ name: c.name, node: found });
  }
  return out;
}

/** web-tree-sitter's Node for a SyntaxNode (the same id): the smallest node over its range, or an ancestor. */
function wasmNodeOf(node: Node): WasmNode | null {
  let n: WasmNode | null = node.tree.rootNode.descendantForIndex(node.startIndex, node.endIndex);
  while (n && n.id !== node.id && n.startIndex >= node.startIndex && n.endIndex <= node.endIndex) n = n.parent;
  return n && n.id === node.id ? n : null;
}

import { Query, type Language, type Node } from 'web-tree-sitter';

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

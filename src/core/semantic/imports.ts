import type { SyntaxNode as Node } from '../syntax/node';
import { field, namedChildren } from './nodes';

/** The import paths rules care about, by their usual names. */
export const PKG = {
  sync: 'sync',
  atomic: 'sync/atomic',
  time: 'time',
  context: 'context',
  testing: 'testing',
  runtime: 'runtime',
  signal: 'os/signal',
  os: 'os',
  log: 'log',
  errgroup: 'golang.org/x/sync/errgroup',
} as const;

export interface Imports {
  /** local name → import path (renamed imports use the new name; blank imports are not listed). */
  readonly byName: ReadonlyMap<string, string>;
  /** import paths imported with `.` */
  readonly dot: ReadonlySet<string>;
  /** every imported path */
  readonly paths: ReadonlySet<string>;
}

/** Default local name of an import path: its last element, without a `/vN` major-version suffix. */
export function defaultName(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1] ?? path;
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2]!;
  // gopkg.in/yaml.v3 → yaml
  last = last.replace(/\.v\d+$/, '');
  return last.replace(/^go-/, '').replace(/-go$/, '').replace(/[^A-Za-z0-9_]/g, '_');
}

const OTHER_DECLS = new Set(['function_declaration', 'method_declaration', 'type_declaration', 'var_declaration', 'const_declaration']);

export function collectImports(root: Node): Imports {
  const byName = new Map<string, string>();
  const dot = new Set<string>();
  const paths = new Set<string>();
  // Imports come right after the package clause: the walk stops at the first other declaration, so
  // it costs a few nodes, not one per declaration of the file (it runs on every keystroke).
  // By index: each child is read by itself (see SyntaxNode.child), not the file's every declaration.
  const count = root.childCount;
  for (let i = 0; i < count; i++) {
    const decl = root.child(i)!;
    if (OTHER_DECLS.has(decl.type)) break;
    if (decl.type !== 'import_declaration') continue;
    const specs: Node[] = [];
    for (const c of namedChildren(decl)) {
      if (c.type === 'import_spec') specs.push(c);
      else if (c.type === 'import_spec_list') specs.push(...namedChildren(c).filter((s) => s.type === 'import_spec'));
    }
    for (const spec of specs) {
      const pathNode = field(spec, 'path');
      if (!pathNode) continue;
      const path = pathNode.text.replace(/^["`]|["`]$/g, '');
      paths.add(path);
      const nameNode = field(spec, 'name');
      if (!nameNode) byName.set(defaultName(path), path);
      else if (nameNode.type === 'dot') dot.add(path);
      else if (nameNode.type === 'blank_identifier' || nameNode.text === '_') continue;
      else byName.set(nameNode.text, path);
    }
  }
  return { byName, dot, paths };
}

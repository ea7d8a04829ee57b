import type { Tree } from 'web-tree-sitter';
import { syntaxRoot } from './syntax/node';
import { allRules } from '../rules';
import { ruleDocs } from '../generated/rule-docs';
import type { Analyzer, AnalyzerInit, DocumentHandle, DocumentRequest, PackageRequest } from './analyzer-api';
import type { Config } from './config';
import { GoDocument } from './document';
import { analyzeTree, DeclCache } from './engine';
import { buildConstraintVersion, effectiveGoVersion, goModVersion } from './go-version';
import { GoParser, loadGo } from './parser';
import type { RuleDefinition } from './rule';
import { collectImports } from './semantic/imports';
import { indexDelta, type IndexDelta } from './semantic/index-reads';
import { indexDecl, indexFile, indexText, mergeIndexes, packageNameOf, type PackageIndex } from './semantic/package-index';
import { DECLARATIONS, detach, detachDeep, TopLevel, type TopEntry } from './top-level';
import type { FileResult, Severity, SourceInput } from './types';

export type { Analyzer, AnalyzerInit, DocumentHandle, DocumentRequest, PackageRequest } from './analyzer-api';

/** Findings the engine itself produces; they have docs under rules/engine/. */
export const ENGINE_RULE_IDS = ['internal-error', 'malformed-ignore', 'unused-ignore'] as const;

export function defaultSeverity(ruleId: string): Severity {
  return ruleDocs[ruleId]?.severity ?? 'warning';
}

/** How many sibling-file indexes the editor path keeps (plain data, a few KB each). */
const SIBLING_CACHE_SIZE = 2000;

export async function createAnalyzer(init: AnalyzerInit, rules: readonly RuleDefinition[] = allRules): Promise<Analyzer> {
  const parser = new GoParser(await loadGo(init));
  const ruleIds = [...rules.map((r) => r.id), ...ENGINE_RULE_IDS];
  const known = new Set(ruleIds);
  // Index of a sibling file by path, reused while its text is unchanged (LRU by insertion order).
  const siblingIndexes = new Map<string, { text: string; index: PackageIndex }>();

  const run = (
    tree: Tree,
    file: SourceInput,
    index: PackageIndex,
    o: { goMod?: string; goVersion?: number; config?: Config; only?: string[]; ruleBudgetMs?: number },
    cache?: { decls: DeclCache; context: string; tops: TopEntry[]; delta?: IndexDelta; lineStarts?: Uint32Array },
  ): FileResult =>
    analyzeTree(
      tree,
      {
        path: file.path,
        text: file.text,
        goVersion: effectiveGoVersion(o.goVersion ?? goModVersion(o.goMod), file.text),
        packageName: packageNameOf(syntaxRoot(tree, file.text)),
        isTest: file.path.endsWith('_test.go'),
      },
      index,
      {
        rules: o.only ? rules.filter((r) => o.only!.includes(r.id)) : rules,
        defaultSeverity,
        knownRuleIds: known,
        config: o.config,
        ruleBudgetMs: o.ruleBudgetMs,
        cache: cache?.decls,
        context: cache?.context,
        tops: cache?.tops,
        indexDelta: cache?.delta,
        lineStarts: cache?.lineStarts,
      },
    );

  const siblingIndex = (f: SourceInput): { index: PackageIndex } => {
    const hit = siblingIndexes.get(f.path);
    if (hit && hit.text === f.text) {
      siblingIndexes.delete(f.path);
      siblingIndexes.set(f.path, hit);
      return hit;
    }
    const tree = parser.parse(f.text);
    try {
      const index = indexFile(syntaxRoot(tree, f.text));
      const entry = { text: f.text, index };
      siblingIndexes.delete(f.path);
      siblingIndexes.set(f.path, entry);
      while (siblingIndexes.size > SIBLING_CACHE_SIZE) siblingIndexes.delete(siblingIndexes.keys().next().value!);
      return entry;
    } finally {
      tree.delete();
    }
  };

  return {
    ruleIds,
    analyzePackage(req: PackageRequest): FileResult[] {
      const targets = new Set(req.targets ?? req.files.map((f) => f.path));
      const trees: Tree[] = [];
      try {
        const parsed = req.files.map((f) => {
          const tree = parser.parse(f.text);
          trees.push(tree);
          return { file: f, tree };
        });
        const index = mergeIndexes(parsed.map((p) => indexFile(syntaxRoot(p.tree, p.file.text))));
        return parsed.filter((p) => targets.has(p.file.path)).map((p) => run(p.tree, p.file, index, req));
      } finally {
        for (const t of trees) t.delete();
      }
    },
    openDocument(path: string, text: string): DocumentHandle {
      const doc = new GoDocument(parser, text);
      // Editor path caches, bounded by the document (swept once they hold 64 stale entries).
      let declIndexes = new Map<string, PackageIndex>();
      let declImportsKey = '';
      // The top-level entries of the last analysis (their keys never change), and the keys of the last
      // one under the other kind of root (an ERROR root or not): the engine keeps that context's
      // results aside, and its keys' indexes are kept too, for the keystroke that brings it back.
      let lastTops: readonly TopEntry[] = [];
      let asideKeys: string[] = [];
      let lastRootType = '';
      // The merged index of the previous analysis and the parts it was merged from: a keystroke that
      // leaves every part's content as it was (typing in a function body) keeps the same index object,
      // which tells the engine that no index entry can have changed (see DeclCache.index).
      let prevParts: PackageIndex[] = [];
      let prevIndex: PackageIndex | undefined;
      const decls = new DeclCache();
      const topLevel = new TopLevel();
      return {
        path,
        get text() {
          return doc.text;
        },
        update: (changes) => doc.update(changes),
        reset: (t) => doc.reset(t),
        settle: () => doc.settle(),
        analyze(req: DocumentRequest = {}): FileResult {
          const root = syntaxRoot(doc.tree, doc.text);
          const imports = collectImports(root);
          const importsKey = JSON.stringify([[...imports.byName], [...imports.dot]]);
          // A declaration's index depends on its text and the imports: keyed by the text, dropped
          // whole when the imports change (not prefixed to every key: that copied and hashed the
          // import list once per declaration on every keystroke).
          if (importsKey !== declImportsKey) declIndexes = new Map();
          declImportsKey = importsKey;
          const changes = doc.takeChanges();
          if (changes.reparsed) {
            // After settle the editor must show what the CLI shows: the same text may have parsed
            // otherwise before (see DocChanges.reparsed), so everything kept by text is dropped.
            declIndexes = new Map();
            prevParts = [];
            prevIndex = undefined;
            decls.clear();
          }
          const tops = topLevel.update(root, doc.text, changes);
          if (root.type !== lastRootType) {
            asideKeys = lastTops.map((t) => t.key);
            lastRootType = root.type;
          }
          lastTops = tops;
          const parts: PackageIndex[] = [];
          for (const t of tops) {
            if (!DECLARATIONS.has(t.type)) continue;
            // A declaration with syntax errors has no key: indexed afresh (it is the one being typed).
            let index = t.key ? declIndexes.get(t.key) : undefined;
            if (!index) {
              index = indexDecl(root.child(t.i)!, imports);
              // Kept across keystrokes: its strings, cut from this keystroke's text, must not keep it alive.
              if (t.key) declIndexes.set(t.key, (index = detachDeep(index)));
            }
            parts.push(index);
          }
          // Kept across keystrokes and swept once it holds 64 stale entries: rebuilding
          // a map of every declaration per keystroke was garbage the editor paid for in GC pauses.
          if (declIndexes.size > parts.length + asideKeys.length + 64) {
            const live = new Set([...tops.map((t) => t.key), ...asideKeys]);
            for (const k of declIndexes.keys()) if (!live.has(k)) declIndexes.delete(k);
          }
          for (const s of req.siblings ?? []) if (s.path !== path) parts.push(siblingIndex(s).index);
          const equal = (x: PackageIndex, y: PackageIndex) => x === y || indexText(x) === indexText(y);
          const same = prevIndex !== undefined && parts.length === prevParts.length && parts.every((p, i) => equal(p, prevParts[i]!));
          const index = same ? prevIndex! : mergeIndexes(parts);
          // What changed, for the engine to re-check only the entries that may differ.
          const delta = !same && prevIndex ? indexDelta(prevIndex, prevParts, parts, equal) : undefined;
          prevParts = parts;
          prevIndex = index;
          index.packageName = detach(packageNameOf(root));
          // Everything outside a declaration that its findings may depend on, but the package index and
          // file-wide facts: the engine records which index entries and facts each declaration read and
          // re-judges it only when those change (so typing in one function does not re-analyse the file).
          const context = [
            index.packageName,
            effectiveGoVersion(req.goVersion ?? goModVersion(req.goMod), doc.text) ?? '',
            // The file's own //go:build version too: loop-variable-capture reads it apart from the
            // effective version (an older build line keeps the old loop semantics in a newer module).
            buildConstraintVersion(doc.text) ?? '',
            JSON.stringify(req.config ?? null),
            JSON.stringify(req.only ?? null),
            importsKey,
          ].join('\u0001');
          return run(doc.tree, { path, text: doc.text }, index, req, { decls, context, tops, delta, lineStarts: doc.lineStarts });
        },
        dispose: () => doc.dispose(),
      };
    },
    dispose() {
      siblingIndexes.clear();
      parser.delete();
    },
  };
}

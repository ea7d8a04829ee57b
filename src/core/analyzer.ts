import type { Tree } from 'web-tree-sitter';
import { allRules } from '../rules';
import { ruleDocs } from '../generated/rule-docs';
import type { Analyzer, AnalyzerInit, PackageRequest } from './analyzer-api';
import { analyzeTree } from './engine';
import { effectiveGoVersion, goModVersion } from './go-version';
import { GoParser, loadGo } from './parser';
import type { RuleDefinition } from './rule';
import { indexFile, mergeIndexes, packageNameOf, type PackageIndex } from './semantic/package-index';
import type { FileResult, Severity } from './types';

export type { Analyzer, AnalyzerInit, PackageRequest } from './analyzer-api';

/** Findings the engine itself produces; they have docs under rules/engine/. */
export const ENGINE_RULE_IDS = ['internal-error', 'malformed-ignore', 'unused-ignore'] as const;

export function defaultSeverity(ruleId: string): Severity {
  return ruleDocs[ruleId]?.severity ?? 'warning';
}

export async function createAnalyzer(init: AnalyzerInit, rules: readonly RuleDefinition[] = allRules): Promise<Analyzer> {
  const parser = new GoParser(await loadGo(init));
  const ruleIds = [...rules.map((r) => r.id), ...ENGINE_RULE_IDS];
  const known = new Set(ruleIds);
  return {
    ruleIds,
    analyzePackage(req: PackageRequest): FileResult[] {
      const targets = new Set(req.targets ?? req.files.map((f) => f.path));
      const moduleVersion = req.goVersion ?? goModVersion(req.goMod);
      const selected = req.only ? rules.filter((r) => req.only!.includes(r.id)) : rules;
      const trees: Tree[] = [];
      try {
        const parsed = req.files.map((f) => {
          const tree = parser.parse(f.text);
          trees.push(tree);
          return { file: f, tree };
        });
        const index: PackageIndex = mergeIndexes(parsed.map((p) => indexFile(p.tree.rootNode)));
        const results: FileResult[] = [];
        for (const { file, tree } of parsed) {
          if (!targets.has(file.path)) continue;
          results.push(
            analyzeTree(
              tree,
              {
                path: file.path,
                text: file.text,
                goVersion: effectiveGoVersion(moduleVersion, file.text),
                packageName: packageNameOf(tree.rootNode),
                isTest: file.path.endsWith('_test.go'),
              },
              index,
              { rules: selected, defaultSeverity, knownRuleIds: known, config: req.config, ruleBudgetMs: req.ruleBudgetMs },
            ),
          );
        }
        return results;
      } finally {
        for (const t of trees) t.delete();
      }
    },
    dispose() {
      parser.delete();
    },
  };
}

import type { Node, Tree } from 'web-tree-sitter';
import type { Config } from './config';
import { LineMap, nodeSpan } from './position';
import type { Report, RuleContext, RuleDefinition, SourceFile, Visitor } from './rule';
import { FileSemantics } from './semantic/file';
import type { PackageIndex } from './semantic/package-index';
import { applySuppression, parseDirectives } from './suppress';
import type { Finding, FileResult, Severity, Span } from './types';

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface RunOptions {
  rules: readonly RuleDefinition[];
  defaultSeverity: (ruleId: string) => Severity;
  knownRuleIds: ReadonlySet<string>;
  config?: Config;
  /** Milliseconds one rule may spend on one file before it is stopped there (default 1000). */
  ruleBudgetMs?: number;
  /** Clock, replaceable in tests. */
  now?: () => number;
}

interface Dispatch {
  rule: RuleDefinition;
  visit: Visitor;
  ctx: RuleContext;
}

/**
 * Runs every enabled rule over one parsed file in a single walk, then drops findings inside syntax
 * errors, applies ignore directives and the config, sorts and de-duplicates. A rule that throws is
 * stopped for this file and reported once as internal-error; the other rules go on.
 */
export function analyzeTree(tree: Tree, file: Omit<SourceFile, 'root'>, index: PackageIndex, opts: RunOptions): FileResult {
  const root = tree.rootNode;
  const source: SourceFile = { ...file, root };
  const sem = new FileSemantics(root, index);
  const lines = new LineMap(file.text);
  const findings: Finding[] = [];
  const failed = new Set<string>();
  const enabled = opts.rules.filter((r) => opts.config?.rules[r.id] !== 'off');

  const imports = enabled.some((r) => r.requiresImport) ? sem.imports.paths : undefined;
  const byType = new Map<string, Dispatch[]>();
  for (const rule of enabled) {
    if (rule.requiresImport && !rule.requiresImport.some((p) => imports!.has(p))) continue;
    const ctx: RuleContext = {
      file: source,
      sem,
      report: (r: Report) => findings.push(toFinding(rule.id, r, opts.defaultSeverity(rule.id))),
    };
    for (const [type, visit] of Object.entries(rule.visit)) {
      const list = byType.get(type) ?? [];
      list.push({ rule, visit, ctx });
      byType.set(type, list);
    }
  }

  const budget = opts.ruleBudgetMs ?? 1000;
  const now = opts.now ?? (() => performance.now());
  const spent = new Map<string, number>();
  const errors: Span[] = [];
  const comments: { start: number; end: number; text: string }[] = [];
  const cursor = root.walk();
  try {
    let descend = true;
    for (;;) {
      if (descend) {
        const type = cursor.nodeType;
        if (type === 'comment') {
          const n = cursor.currentNode;
          if (n.text.includes('gopitfalls:')) comments.push({ start: n.startIndex, end: n.endIndex, text: n.text });
        } else if (type === 'ERROR' || cursor.currentNode.isMissing) {
          errors.push(nodeSpan(cursor.currentNode));
        }
        const list = byType.get(type);
        if (list) {
          const node = cursor.currentNode;
          for (const d of list) {
            if (failed.has(d.rule.id)) continue;
            const t0 = now();
            try {
              d.visit(node, d.ctx);
            } catch (e) {
              failed.add(d.rule.id);
              findings.push(internalError(d.rule.id, e, node));
            }
            // A rule cannot be interrupted inside a call, but once its total for this file passes the
            // budget it is stopped here, so one pathological file cannot freeze the editor.
            const total = (spent.get(d.rule.id) ?? 0) + (now() - t0);
            spent.set(d.rule.id, total);
            if (total > budget && !failed.has(d.rule.id)) {
              failed.add(d.rule.id);
              findings.push(internalError(d.rule.id, new Error(`exceeded its time budget of ${budget} ms`), node));
            }
          }
        }
      }
      if (descend && cursor.gotoFirstChild()) continue;
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      if (!cursor.gotoParent()) break;
      descend = false;
    }
  } finally {
    cursor.delete();
  }

  // Half-typed code: a finding that touches a syntax error says more about the parse than the code.
  const clean = findings.filter(
    (f) => f.ruleId === 'internal-error' || !errors.some((e) => e.start.offset < f.span.end.offset && f.span.start.offset < e.end.offset),
  );
  const ran = new Set(enabled.map((r) => r.id));
  const directives = parseDirectives(comments, file.text, lines);
  const { kept, directiveFindings } = applySuppression(clean, directives, opts.knownRuleIds, ran, file.text);
  const all = [...kept, ...directiveFindings]
    .filter((f) => opts.config?.rules[f.ruleId] !== 'off')
    .map((f) => {
      const s = opts.config?.rules[f.ruleId];
      return s && s !== 'off' ? { ...f, severity: s } : f;
    });
  return { path: file.path, findings: sortAndDedupe(all), syntaxErrors: errors.length };
}

function toFinding(ruleId: string, r: Report, severity: Severity): Finding {
  const sev = r.severity && RANK[r.severity] < RANK[severity] ? r.severity : severity;
  return {
    ruleId,
    severity: sev,
    message: r.message,
    span: nodeSpan(r.node),
    related: (r.related ?? []).map((x) => ({ span: nodeSpan(x.node), message: x.message })),
    fixes: r.fixes ?? [],
  };
}

function internalError(ruleId: string, e: unknown, node: Node): Finding {
  const msg = e instanceof Error ? e.message : String(e);
  return {
    ruleId: 'internal-error',
    severity: 'error',
    message: `rule ${ruleId} failed on this file and was stopped for it: ${msg}`,
    span: nodeSpan(node),
    related: [],
    fixes: [],
  };
}

export function sortAndDedupe(findings: Finding[]): Finding[] {
  const sorted = [...findings].sort(
    (a, b) =>
      a.span.start.offset - b.span.start.offset ||
      a.span.end.offset - b.span.end.offset ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
  const out: Finding[] = [];
  for (const f of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.ruleId === f.ruleId && prev.message === f.message && prev.span.start.offset === f.span.start.offset && prev.span.end.offset === f.span.end.offset) continue;
    out.push(f);
  }
  return out;
}

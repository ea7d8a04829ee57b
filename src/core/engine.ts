import type { Language, Node, Query, Tree } from 'web-tree-sitter';
import type { Config } from './config';
import { LineMap } from './position';
import type { Report, RuleContext, RuleDefinition, SourceFile, Visitor } from './rule';
import { FileSemantics } from './semantic/file';
import { factFingerprint, runFactQueries, type FileFactKind } from './semantic/file-facts';
import { readValue } from './semantic/index-reads';
import { compiledQuery } from './semantic/queries';
import { walk } from './semantic/nodes';
import { packageLevelNames, type Decl } from './semantic/scopes';
import type { PackageIndex } from './semantic/package-index';
import { applySuppression, parseDirectives } from './suppress';
import { detach, topEntries, type TopEntry } from './top-level';
import type { Finding, FileResult, Severity, Span, TextEdit } from './types';

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
  /**
   * Editor path: results per top-level declaration, reused while the declaration's text and the
   * context (package index, imports, Go version, rules, config) are unchanged.
   */
  cache?: DeclCache;
  /** Fingerprint of everything outside a declaration that its findings may depend on. */
  context?: string;
  /** The root's children with their cache keys, when the caller tracks them (the editor). */
  tops?: TopEntry[];
}

/** Raw (pre-suppression) findings of one top-level declaration, with offsets relative to its start. */
interface DeclResult {
  findings: RawFinding[];
  errors: [number, number][];
  comments: { start: number; end: number; text: string }[];
  /**
   * What the rules read outside the declaration, with its value when this result was computed: a
   * file-wide fact kind (its fingerprint), or a package-index entry (`\u0001table\0key`, its value).
   */
  deps: [string, string][];
}

/** A finding as rules report it, by offsets only (spans are computed at the end). */
interface RawFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  related: { start: number; end: number; message: string; anchor?: string }[];
  fixes: { title: string; safety: 'safe' | 'unsafe'; edits: TextEdit[] }[];
}

export class DeclCache {
  context = '';
  entries = new Map<string, DeclResult>();
  /** Per declaration key: its file-wide facts (fingerprint and places, per kind). */
  facts = new Map<string, TopFacts>();
  /** Per declaration key: the package-level names it declares. */
  names = new Map<string, string[]>();
  /**
   * The value of each dependency at the previous analysis. An equal value computed now is replaced by
   * this same string, so comparing it with the values stored in results is a pointer check.
   */
  values = new Map<string, string>();
  /** Per fact kind: the declarations' parts and the fingerprint they made at the previous analysis. */
  parts = new Map<FileFactKind, { parts: string[]; fp: string }>();
}

/**
 * A child of the root in one analysis: its cache key, its anchor for related locations in other
 * declarations (see analyzeTree), and its node, asked of tree-sitter only when needed.
 */
class Top {
  private nodeValue?: Node;

  constructor(
    private readonly root: Node,
    readonly entry: TopEntry,
    readonly key: string,
    readonly anchor: string,
  ) {}

  get base(): number {
    return this.entry.base;
  }

  get end(): number {
    return this.entry.end;
  }

  get node(): Node {
    return (this.nodeValue ??= this.root.child(this.entry.i)!);
  }
}

/** One top-level declaration's file-wide facts: per kind, their fingerprint and where they are. */
interface TopFacts {
  fp: Map<FileFactKind, string>;
  /** [start, end, type] of each fact node, relative to the declaration's start. */
  at: Map<FileFactKind, [number, number, string][]>;
}

interface Dispatch {
  rule: RuleDefinition;
  visit: Visitor;
  ctx: RuleContext;
}

/**
 * Runs every enabled rule over one parsed file in a single walk, then drops findings inside syntax
 * errors, applies ignore directives and the config, sorts and de-duplicates. A rule that throws (or runs
 * past its time budget) is stopped for this file and reported once as internal-error; the others go on.
 */
export function analyzeTree(tree: Tree, file: Omit<SourceFile, 'root'>, index: PackageIndex, opts: RunOptions): FileResult {
  const root = tree.rootNode;
  const source: SourceFile = { ...file, root };
  const sem = new FileSemantics(root, index);
  const lines = new LineMap(file.text);
  const enabled = opts.rules.filter((r) => opts.config?.rules[r.id] !== 'off');
  const failed = new Set<string>();
  const budget = opts.ruleBudgetMs ?? 1000;
  const now = opts.now ?? (() => performance.now());
  const spent = new Map<string, number>();

  let bucket: RawFinding[] = [];
  const imports = enabled.some((r) => r.requiresImport) ? sem.imports.paths : undefined;
  const byType = new Map<string, Dispatch[]>();
  for (const rule of enabled) {
    if (rule.requiresImport && !rule.requiresImport.some((p) => imports!.has(p))) continue;
    const ctx: RuleContext = {
      file: source,
      sem,
      report: (r: Report) => bucket.push(toRaw(rule.id, r, opts.defaultSeverity(rule.id))),
    };
    if (rule.applies && !rule.applies(ctx)) continue;
    for (const [type, visit] of Object.entries(rule.visit)) {
      const list = byType.get(type) ?? [];
      list.push({ rule, visit, ctx });
      byType.set(type, list);
    }
  }

  const query = visitQuery(tree.language, [...byType.keys()]);
  const cache = opts.cache;
  if (cache && cache.context !== opts.context) {
    cache.context = opts.context ?? '';
    cache.entries.clear();
  }
  const used = new Map<string, DeclResult>();
  const raw: RawFinding[] = [];
  const errors: [number, number][] = [];
  const comments: { start: number; end: number; text: string }[] = [];
  const fingerprints = new Map<FileFactKind, string>();
  // Each declaration's facts come from the cache while its text is unchanged: a keystroke queries only
  // the declaration it changed. Nodes found by this analysis's queries are used as they are; the others
  // are looked up by position, and only for the kind a rule asks for.
  const usedFacts = new Map<string, TopFacts>();
  const queried = new Map<Top, Map<FileFactKind, Node[]>>();
  const factsOf = (t: Top): TopFacts => {
    let per = t.key ? (cache!.facts.get(t.key) ?? usedFacts.get(t.key)) : undefined;
    if (!per) {
      const found = runFactQueries(t.node);
      queried.set(t, found);
      per = { fp: new Map(), at: new Map() };
      for (const [kind, nodes] of found) {
        per.fp.set(kind, factFingerprint(nodes));
        per.at.set(kind, nodes.map((n) => [n.startIndex - t.base, n.endIndex - t.base, n.type]));
      }
    }
    if (t.key) usedFacts.set(t.key, per);
    return per;
  };
  const fingerprint = (kind: FileFactKind): string => {
    let fp = fingerprints.get(kind);
    if (fp === undefined) {
      // Only the editor asks (dependencies are recorded only where there is a cache).
      const parts: string[] = [];
      for (const t of tops) {
        // Declarations without such facts add nothing: a new one (a half-typed line) leaves the kind as it was.
        const part = factsOf(t).fp.get(kind)!;
        if (part) parts.push(part);
      }
      const prev = cache!.parts.get(kind);
      fp = prev && prev.parts.length === parts.length && prev.parts.every((p, i) => p === parts[i]) ? prev.fp : parts.join('\u0003');
      cache!.parts.set(kind, { parts, fp });
      fingerprints.set(kind, fp);
    }
    return fp;
  };
  if (cache) {
    sem.useFacts((kind) => {
      const out: Node[] = [];
      for (const t of tops) {
        const per = factsOf(t);
        const fresh = queried.get(t);
        if (fresh) out.push(...fresh.get(kind)!);
        else for (const [s, e, type] of per.at.get(kind)!) {
          const n = nodeAt(root, t.base + s, t.base + e, type);
          if (n) out.push(n);
        }
      }
      return out;
    });
  }

  // The top-level nodes with their cache keys (the editor carries them over by position, see
  // top-level.ts). A related location in another declaration is stored relative to that declaration
  // (its key and which occurrence of that text it is): the result is reused only while that
  // declaration is still there unchanged, wherever it moved.
  const entries = opts.tops ?? topEntries(root, file.text, !!cache);
  const tops: Top[] = [];
  const anchors = new Map<string, number>();
  const repeats = new Map<string, number>();
  for (const entry of entries) {
    const key = cache ? entry.key : '';
    let anchor = '';
    if (key) {
      // The first declaration with a text is anchored by the text itself; later copies by their number.
      if (!anchors.has(key)) anchor = key;
      else {
        const n = (repeats.get(key) ?? 0) + 1;
        repeats.set(key, n);
        anchor = `${n}\u0002${key}`;
      }
      anchors.set(anchor, entry.base);
    }
    tops.push(new Top(root, entry, key, anchor));
  }
  /** The reusable top-level node that holds [start, end), by binary search. */
  const topAt = (start: number, end: number): Top | undefined => {
    let lo = 0;
    let hi = tops.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = tops[mid]!;
      if (t.end <= start) lo = mid + 1;
      else if (t.base > start) hi = mid - 1;
      else return end <= t.end && t.key ? t : undefined;
    }
    return undefined;
  };

  // Index entries read while the rules were set up (applies) count for every declaration.
  const fileReads = [...sem.indexReads];
  const indexValues = new Map<string, string>();
  const depValue = (dep: string): string => {
    if (!dep.startsWith('\u0001')) return fingerprint(dep as FileFactKind);
    let v = indexValues.get(dep);
    if (v === undefined) {
      const read = dep.slice(1);
      if (read.startsWith('\u0002')) v = declText(read.slice(1));
      else {
        const [table, key] = read.split('\0') as [string, string];
        v = readValue(index, table, key);
      }
      if (cache) {
        const prev = cache.values.get(dep);
        if (prev === v) v = prev;
        values.set(dep, v);
      }
      indexValues.set(dep, v);
    }
    return v;
  };
  const values = new Map<string, string>();
  // Package-level name → the top-level nodes that declare it, from each declaration's names (kept in
  // the cache by key): the scope of the file and what a resolved name depends on, without reading every
  // declaration on every keystroke.
  let declaring: Map<string, Top[]> | undefined;
  const usedNames = new Map<string, string[]>();
  const declaringTops = (name: string): Top[] => {
    if (!declaring) {
      declaring = new Map();
      for (const t of tops) {
        const names = (t.key && (cache?.names.get(t.key) ?? usedNames.get(t.key))) || packageLevelNames(t.node, root);
        if (t.key) usedNames.set(t.key, names);
        for (const n of names) {
          const list = declaring.get(n) ?? [];
          list.push(t);
          declaring.set(n, list);
        }
      }
    }
    return declaring.get(name) ?? [];
  };
  // What resolving a package-level name read: the keys of its declarations (the text, for one with
  // syntax errors); a declaration that resolved it is re-judged when one of them changes.
  const declText = (name: string): string =>
    declaringTops(name)
      .map((t) => t.key || `\u0004${t.node.text}`)
      .join('\u0003');
  if (cache) {
    sem.useFileScope((name, declare) => {
      const into = new Map<string, Decl[]>();
      for (const t of declaringTops(name)) declare(t.node, into);
      return into.get(name);
    });
  }

  // One top-level node at a time: reuse its cached result, or walk it.
  for (const t of tops) {
    const { base, end, key } = t;
    const reusable = key !== '';
    let result = reusable ? (cache!.entries.get(key) ?? used.get(key)) : undefined;
    // A result that read file-wide facts (a close elsewhere in the file) or package-index entries holds
    // only while they are unchanged.
    if (result && !result.deps.every(([dep, value]) => depValue(dep) === value)) result = undefined;
    if (result && !result.findings.every((f) => f.related.every((r) => !r.anchor || anchors.has(r.anchor)))) result = undefined;
    if (!result) {
      bucket = [];
      sem.consulted.clear();
      sem.indexReads.clear();
      const errs: [number, number][] = [];
      const coms: { start: number; end: number; text: string }[] = [];
      visitSubtree(t.node, query, byType, failed, errs, coms, budget, now, spent, () => bucket);
      const within = (s: number, e: number) => s >= base && e <= end;
      // A finding, its fixes and its related locations inside the declaration are stored relative to
      // it; a related location in another declaration relative to that one; anything else (a fix
      // that edits another declaration, a location between declarations) keeps the result uncached.
      let cacheable = reusable;
      const findings = bucket.map((f) => {
        if (!within(f.start, f.end) || !f.fixes.every((x) => x.edits.every((e) => within(e.start, e.end)))) cacheable = false;
        const local = shift({ ...f, related: [] }, -base);
        local.related = f.related.map((r) => {
          if (within(r.start, r.end)) return { ...r, start: r.start - base, end: r.end - base };
          const t = topAt(r.start, r.end);
          if (!t) {
            cacheable = false;
            return { ...r, start: r.start - base, end: r.end - base };
          }
          return { ...r, start: r.start - t.base, end: r.end - t.base, anchor: t.anchor };
        });
        return local;
      });
      result = {
        findings,
        errors: errs.map(([s, e]) => [s - base, e - base]),
        comments: coms.map((c) => ({ ...c, start: c.start - base, end: c.end - base })),
        // Without a cache (the CLI) nothing is reused, so what the result read is not worked out.
        deps: cache ? [...sem.consulted, ...new Set([...fileReads, ...sem.indexReads].map((r) => `\u0001${r}`))].map((dep) => [dep, depValue(dep)]) : [],
      };
      // While a rule is stopped for this file, results lack its findings: they are not kept (the rule
      // runs again on the next analysis). Results computed before it stopped stay valid.
      if (cacheable && failed.size === 0) used.set(key, result);
    } else if (reusable) {
      used.set(key, result);
    }
    for (const f of result.findings) {
      const g = shift({ ...f, related: [] }, base);
      g.related = f.related.map(({ anchor, ...r }) => {
        const at = anchor ? anchors.get(anchor)! : base;
        return { ...r, start: r.start + at, end: r.end + at };
      });
      raw.push(g);
    }
    for (const [s, e] of result.errors) errors.push([s + base, e + base]);
    for (const c of result.comments) comments.push({ ...c, start: c.start + base, end: c.end + base });
  }
  if (cache) {
    // Keep only what this text has: the cache never outgrows the file.
    cache.entries = used;
    if (usedFacts.size) cache.facts = usedFacts;
    if (declaring) cache.names = usedNames;
    cache.values = values;
  }

  // Half-typed code: a finding that touches a syntax error says more about the parse than the code.
  const clean = raw.filter((f) => f.ruleId === 'internal-error' || !errors.some(([s, e]) => s < f.end && f.start < e));
  const findings = clean.map((f) => toFinding(f, lines));
  const ran = new Set(enabled.map((r) => r.id));
  const directives = parseDirectives(comments, file.text, lines);
  const { kept, directiveFindings } = applySuppression(findings, directives, opts.knownRuleIds, ran, file.text);
  const all = [...kept, ...directiveFindings]
    .filter((f) => opts.config?.rules[f.ruleId] !== 'off')
    .map((f) => {
      const s = opts.config?.rules[f.ruleId];
      return s && s !== 'off' ? { ...f, severity: s } : f;
    });
  return { path: file.path, findings: sortAndDedupe(all), syntaxErrors: errors.length };
}

/**
 * One query per set of visited node types, compiled once: tree-sitter matches the node types inside
 * WASM, so only the nodes some rule visits (and comments) are materialised in JavaScript.
 */
function visitQuery(language: Language, types: string[]): Query {
  const alts = [...types].sort().filter((t) => /^[a-z_]+$/.test(t) && t !== 'comment').map((t) => `(${t})`);
  return compiledQuery(language, `${alts.length ? `[${alts.join(' ')}] @node\n` : ''}(comment) @comment`);
}

function visitSubtree(
  top: Node,
  query: Query,
  byType: Map<string, Dispatch[]>,
  failed: Set<string>,
  errors: [number, number][],
  comments: { start: number; end: number; text: string }[],
  budget: number,
  now: () => number,
  spent: Map<string, number>,
  out: () => RawFinding[],
): void {
  if (top.hasError || top.isMissing || top.type === 'ERROR') collectErrors(top, errors);
  for (const { name, node } of query.captures(top)) {
    if (name === 'comment') {
      const text = node.text;
      if (text.includes('gopitfalls:')) comments.push({ start: node.startIndex, end: node.endIndex, text });
      continue;
    }
    const list = byType.get(node.type);
    if (!list) continue;
    let callee: string | null | undefined;
    for (const d of list) {
      if (failed.has(d.rule.id)) continue;
      if (d.rule.callees && node.type === 'call_expression') {
        if (callee === undefined) callee = calleeName(node);
        if (callee !== null && !d.rule.callees.includes(callee)) continue;
      }
      const t0 = now();
      try {
        d.visit(node, d.ctx);
      } catch (e) {
        failed.add(d.rule.id);
        out().push(internalError(d.rule.id, e, node));
      }
      // A rule cannot be interrupted inside a call, but once its total for this file passes the
      // budget it is stopped here, so one pathological file cannot freeze the editor.
      const total = (spent.get(d.rule.id) ?? 0) + (now() - t0);
      spent.set(d.rule.id, total);
      if (total > budget && !failed.has(d.rule.id)) {
        failed.add(d.rule.id);
        out().push(internalError(d.rule.id, new Error(`exceeded its time budget of ${budget} ms`), node));
      }
    }
  }
}

/** The last name of a call's callee (`f`, `Wait` of `x.c.Wait`), or null when it has none to give. */
function calleeName(call: Node): string | null {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text;
  if (fn?.type === 'selector_expression') return fn.childForFieldName('field')?.text ?? null;
  return null;
}

/** The node of type with exactly this range (the smallest node spanning it, or an ancestor of that). */
function nodeAt(root: Node, start: number, end: number, type: string): Node | undefined {
  for (let n: Node | null = root.descendantForIndex(start, end); n; n = n.parent) {
    if (n.startIndex === start && n.endIndex === end && n.type === type) return n;
    if (n.startIndex < start || n.endIndex > end) return undefined;
  }
  return undefined;
}

/** ERROR and MISSING nodes under top, descending only into subtrees that contain one. */
function collectErrors(top: Node, errors: [number, number][]): void {
  walk(top, (n) => {
    if (n.type === 'ERROR' || n.isMissing) {
      errors.push([n.startIndex, Math.max(n.endIndex, n.startIndex + 1)]);
      return false;
    }
    return n.hasError;
  });
}

function shift(f: RawFinding, by: number): RawFinding {
  return {
    ...f,
    start: f.start + by,
    end: f.end + by,
    related: f.related.map((r) => ({ ...r, start: r.start + by, end: r.end + by })),
    fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, start: e.start + by, end: e.end + by })) })),
  };
}

function toRaw(ruleId: string, r: Report, severity: Severity): RawFinding {
  const sev = r.severity && RANK[r.severity] < RANK[severity] ? r.severity : severity;
  return {
    ruleId,
    severity: sev,
    // Messages quote the code (`${node.text}`): detached, so a cached result does not keep the whole
    // document of the keystroke that made it alive.
    message: detach(r.message),
    start: r.node.startIndex,
    end: r.node.endIndex,
    related: (r.related ?? []).map((x) => ({ start: x.node.startIndex, end: x.node.endIndex, message: detach(x.message) })),
    fixes: r.fixes ?? [],
  };
}

function toFinding(f: RawFinding, lines: LineMap): Finding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    span: lines.span(f.start, f.end),
    related: f.related.map((r) => ({ span: lines.span(r.start, r.end), message: r.message })),
    fixes: f.fixes,
  };
}

function internalError(ruleId: string, e: unknown, node: Node): RawFinding {
  const msg = e instanceof Error ? e.message : String(e);
  return {
    ruleId: 'internal-error',
    severity: 'error',
    message: `rule ${ruleId} failed on this file and was stopped for it: ${msg}`,
    start: node.startIndex,
    end: node.endIndex,
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

export type { Span };

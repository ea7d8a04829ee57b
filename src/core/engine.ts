import type { Tree } from 'web-tree-sitter';
import { syntaxRoot, type SyntaxNode as Node } from './syntax/node';
import type { Config } from './config';
import { LineMap } from './position';
import type { Report, RuleContext, RuleDefinition, SourceFile, Visitor } from './rule';
import { factPasses, FileSemantics, IDENTIFIERS } from './semantic/file';
import { FILE_FACT_QUERIES, factFingerprint, mayHoldFacts, runFactQueries, type FileFactKind } from './semantic/file-facts';
import { deltaTouches, readValue, type IndexDelta } from './semantic/index-reads';
import { walk } from './semantic/walk';
import { packageLevelNames, type Decl } from './semantic/scopes';
import type { PackageIndex } from './semantic/package-index';
import { applySuppression, parseDirectives } from './suppress';
import { detach, FILE_PARTS, topEntries, type TopEntry } from './top-level';
import type { Finding, FileResult, Severity, Span, TextEdit } from './types';
import { ObjectMemo } from './memo';
import { gateMatcher, identifierWords, skipKey, type Gate } from './gates';
import { mapStrings, stringList } from './string-list';

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
  /** How the index differs from the previous analysis's (the editor), when it is a new object. */
  indexDelta?: IndexDelta;
  /** The text's line starts, when the caller keeps them through edits (the editor's document). */
  lineStarts?: Uint32Array;
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
  /** The same, sorted for the per-keystroke check: facts, resolved names, whether the index was read. */
  reads: { facts: readonly string[]; names: ReadonlySet<string>; index: boolean };
  /** Whether a finding has a related location in another declaration. */
  anchored: boolean;
  /** The rules its words left out when it was computed (see RuleDefinition.needs), comma-separated. */
  skip: string;
  /** Its findings as last placed in the file: at which offset, line and column, and the findings. */
  placed?: { base: number; line: number; character: number; findings: RawFinding[] };
}

const NONE: ReadonlySet<string> = new Set();

function readsOf(deps: [string, string][]): DeclResult['reads'] {
  const facts: string[] = [];
  let names: Set<string> | undefined;
  let index = false;
  for (const [dep] of deps) {
    if (!dep.startsWith('\u0001')) facts.push(dep);
    else if (dep.startsWith('\u0001\u0002')) (names ??= new Set()).add(dep.slice(2));
    else index = true;
  }
  return { facts, names: names ?? NONE, index };
}

/**
 * What a declaration's read of file-wide facts depends on: facts inside itself (a range within it)
 * on nothing outside; facts mentioning a name on those facts; anything else on the whole kind.
 */
function factDeps(consulted: Iterable<string>, base: number, end: number): string[] {
  const out = new Set<string>();
  for (const c of consulted) {
    const [kind, from, to] = c.split('\u0006');
    if (from === undefined) out.add(c);
    else if (!(Number(from) >= base && Number(to) <= end)) out.add(kind!);
  }
  return [...out];
}

/** A finding as rules report it, by offsets only (spans are computed at the end). */
interface RawFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  start: number;
  end: number;
  /** anchor/occ: in a cached result, a location in another declaration: its key and occurrence. */
  related: { start: number; end: number; message: string; anchor?: string; occ?: number }[];
  fixes: { title: string; safety: 'safe' | 'unsafe'; edits: TextEdit[] }[];
  /**
   * The Finding made of a placed raw finding: placed raw findings are reused only where every offset
   * they hold has the same line and column as when they were placed, so their Findings are the same
   * too. A field every raw finding has from the start (undefined until made): added later, or kept in
   * a side table on the object, it changed the objects' hidden class, and V8 threw away the optimised
   * engine loop each time such a finding reached it.
   */
  final: Finding | undefined;
}

export class DeclCache {
  context = '';
  entries = new Map<string, DeclResult>();
  /** Per declaration key: its file-wide facts (fingerprint and places, per kind). */
  facts = new Map<string, TopFacts>();
  /** Per declaration key: the package-level names it declares (set through setNames). */
  names = new Map<string, string[]>();
  /**
   * The other way round: per name, the keys in `names` that declare it. Most names a rule resolves are
   * declared by no declaration of the file (imported packages, builtins, other files' names), and each
   * such lookup was a scan of every declaration's names (870 map lookups in a 5,000-line file).
   */
  private declarers = new Map<string, Set<string>>();
  /** Per declaration key: its identifiers, for the rules' gates (made when the rules' words change). */
  words = new Map<string, ReadonlySet<string>>();
  /**
   * The value of each dependency at the previous analysis. An equal value computed now is replaced by
   * this same string, so comparing it with the values stored in results is a pointer check.
   */
  values = new Map<string, string>();
  /** Per fact kind: the declarations' parts and the fingerprint they made at the previous analysis. */
  parts = new Map<FileFactKind, { parts: string[]; fp: string }>();
  /** The previous analysis: its declaration keys in order ('' for one with syntax errors) and index. */
  keys: string[] = stringList();
  index?: PackageIndex;
  /** The rules' words at the previous analysis (see RuleDefinition.needs). */
  gates = '';
  /** Package-level names declared by the previous analysis's declarations without a key, by position. */
  keylessNames = new Map<number, string[]>();
  /** Their file-wide facts, where they were worked out. */
  keylessFacts = new Map<number, TopFacts>();

  /** The entries of the context before the current one (see analyzeOne), bounded as they were then. */
  stashed?: { context: string; entries: Map<string, DeclResult> };

  setNames(key: string, names: string[]): void {
    this.dropNames(key);
    this.names.set(key, names);
    for (const name of names) {
      const keys = this.declarers.get(name);
      if (keys) keys.add(key);
      else this.declarers.set(name, new Set([key]));
    }
  }

  private dropNames(key: string): void {
    const old = this.names.get(key);
    if (!old) return;
    this.names.delete(key);
    for (const name of old) {
      const keys = this.declarers.get(name);
      if (keys?.delete(key) && keys.size === 0) this.declarers.delete(name);
    }
  }

  /** The keys whose declarations declare name (of those in `names`), or undefined for none. */
  keysDeclaring(name: string): ReadonlySet<string> | undefined {
    return this.declarers.get(name);
  }

  /** Forgets everything: a fresh parse of text with errors (see DocChanges.reparsed). */
  clear(): void {
    Object.assign(this, new DeclCache());
  }

  /**
   * The maps above are kept across analyses and updated in place (a keystroke used to rebuild each of
   * them with an entry per declaration, garbage that surfaced as GC pauses); they are swept once they
   * hold 64 entries more than the file has declarations, so they stay bounded by the document.
   */
  sweep(live: readonly string[]): void {
    // The keys of the results kept aside (see stashed) are live too: those results come back with
    // their context, and need their facts, names and words. Swept while the root was an ERROR node,
    // they were all made again on the keystroke that ended it (0.1 s in a 5,000-line file).
    const aside = this.stashed?.entries;
    const limit = live.length + (aside?.size ?? 0) + 64;
    if (this.entries.size <= limit && this.facts.size <= limit && this.names.size <= limit && this.words.size <= limit && this.values.size <= 4 * limit) return;
    const keep = new Set(live);
    if (aside) for (const k of aside.keys()) keep.add(k);
    for (const m of [this.entries, this.facts, this.words]) for (const k of m.keys()) if (!keep.has(k)) m.delete(k);
    for (const k of this.names.keys()) if (!keep.has(k)) this.dropNames(k);
    // Values only make comparisons pointer checks; the stale ones go with the stale keys.
    this.values.clear();
  }
}

/**
 * A child of the root in one analysis: its cache key and its node, asked of tree-sitter only when needed.
 */
class Top {
  private nodeValue?: Node;

  constructor(
    private readonly root: Node,
    readonly entry: TopEntry,
    readonly key: string,
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
  /** Per kind: each identifier its facts' text holds → which of them (indexes into at). */
  names: Map<FileFactKind, Map<string, number[]>>;
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
  try {
    const result = analyzeOne(tree, file, index, opts);
    // Sorted here, not in analyzeOne: V8 inlined the sort there, and each new shape of finding list
    // threw away analyzeOne's optimised code (42 times in 1,000 keystrokes).
    result.findings = sortAndDedupe(result.findings);
    return result;
  } finally {
    // The nodes read for this analysis die young: the tree itself stays (the editor keeps it until
    // the next keystroke) and, holding its root, would keep every node read from it alive through
    // the young-generation GCs until then (3.4 MB promoted per scavenge instead of 1.0 MB).
    syntaxRoot(tree, file.text).release();
  }
}

function analyzeOne(tree: Tree, file: Omit<SourceFile, 'root'>, index: PackageIndex, opts: RunOptions): FileResult {
  const root = syntaxRoot(tree, file.text);
  const source: SourceFile = { ...file, root };
  const sem = new FileSemantics(root, index);
  const lines = new LineMap(file.text, opts.lineStarts);
  const enabled = opts.rules.filter((r) => opts.config?.rules[r.id] !== 'off');
  const failed = new Set<string>();
  const budget = opts.ruleBudgetMs ?? 1000;
  const now = opts.now ?? (() => performance.now());
  const spent = new Map<string, number>();

  let bucket: RawFinding[] = [];
  const imports = enabled.some((r) => r.requiresImport) ? sem.imports.paths : undefined;
  const byType = new Map<string, Dispatch[]>();
  const gateIds: string[] = [];
  const gateLists: (readonly string[])[] = [];
  /** The rules that visit anything (see plan). */
  const dispatched: string[] = [];
  for (const rule of enabled) {
    if (rule.requiresImport && !rule.requiresImport.some((p) => imports!.has(p))) continue;
    const ctx: RuleContext = {
      file: source,
      sem,
      report: (r: Report) => bucket.push(toRaw(rule.id, r, opts.defaultSeverity(rule.id))),
    };
    if (rule.applies && !rule.applies(ctx)) continue;
    const needs = rule.needs === undefined ? calleeWords(rule) : rule.needs;
    if (typeof needs === 'function') {
      // What a needs function reads does not count for every declaration (as applies' reads do): a
      // cached result stays valid while the rules it skipped are the same (see DeclResult.skip).
      const before = new Set(sem.indexReads);
      gateIds.push(rule.id);
      gateLists.push(needs(ctx));
      for (const r of sem.indexReads) if (!before.has(r)) sem.indexReads.delete(r);
    } else if (needs) {
      gateIds.push(rule.id);
      gateLists.push(needs);
    }
    let visits = false;
    for (const [type, visit] of Object.entries(rule.visit)) {
      const list = byType.get(type) ?? [];
      list.push({ rule, visit, ctx });
      byType.set(type, list);
      visits = true;
    }
    if (visits) dispatched.push(rule.id);
  }

  // Which rules a declaration's words leave out (see RuleDefinition.needs), and the node types the
  // others visit (see plan); where every rule is left out, only the directives are looked for, and
  // only if the text has one.
  // The same gates give the same matcher: made once per set of words, not on every keystroke.
  const { gated, key: gateKey } = gatesOf(gateIds, gateLists);
  const gates = gateMatcher(gated, gateKey);
  const everything = visitSet([...byType.keys()]);
  const commentsOnly = visitSet([]);
  const skipOf = (t: Top): ReadonlySet<string> => (gates ? gates.inText(file.text, t.base, t.end) : NONE);
  // Where no rule that visits calls is left in (most declarations lack the callees' words), calls are
  // not dispatched: they are the most numerous kind visited.
  const withoutCalls = byType.has('call_expression') ? visitSet([...byType.keys()].filter((type) => type !== 'call_expression')) : everything;
  const callVisitors = byType.get('call_expression') ?? [];
  /** Where no rule runs: the comments, for directives, and only if the text has one. */
  const directivesOnly = (t: Top): VisitSet | undefined => (file.text.slice(t.base, t.end).includes('gopitfalls:') ? commentsOnly : undefined);
  const plan = (t: Top): { skip: ReadonlySet<string>; visit: VisitSet | undefined } => {
    const skip = skipOf(t);
    // A top-level ERROR node is one syntax error from end to end, and every finding that touches an
    // error is dropped (see `clean` below): no rule is run in it, only its directives are read. Where
    // tree-sitter recovers with an ERROR root, the rest of the file is hundreds of such fragments,
    // each analysed afresh on every keystroke (they have no cache key) for nothing.
    if (t.entry.type === 'ERROR') return { skip, visit: directivesOnly(t) };
    // Under an ERROR root, tree-sitter has given up on the file's structure: past the break, what is not
    // a declaration is a fragment of one (a method header read as a function type, a body as a
    // composite literal), without its receiver, parameters or scope. Rules are not run there: what they
    // would say is about the misreading. This was also most of such a keystroke's analysis (typing
    // `var x =` above a method: 2,000 fragments in a 5,000-line file, each one new).
    if (root.type === 'ERROR' && !FILE_PARTS.has(t.entry.type)) return { skip, visit: directivesOnly(t) };
    if (skip.size === 0) return { skip, visit: everything };
    if (dispatched.some((id) => !skip.has(id))) {
      return { skip, visit: callVisitors.some((d) => !skip.has(d.rule.id)) ? everything : withoutCalls };
    }
    return { skip, visit: directivesOnly(t) };
  };
  const cache = opts.cache;
  // A root that is one ERROR node (badly broken code) has no file scope: every name resolves otherwise
  // than under a source_file, for declarations whose text did not change too.
  const context = `${opts.context ?? ''}\u0000${root.type}`;
  // The results of the context last left are kept aside: one keystroke can turn the root into an
  // ERROR node and the next turn it back, and each switch used to re-analyse every declaration (a
  // 5,000-line file: some 900 of them, twice). Results brought back were valid when that context
  // was left, not necessarily at the previous analysis: every dependency of theirs is checked again.
  let restored = false;
  if (cache && cache.context !== context) {
    const back = cache.stashed?.context === context ? cache.stashed.entries : undefined;
    cache.stashed = { context: cache.context, entries: cache.entries };
    cache.entries = back ?? new Map();
    cache.context = context;
    restored = back !== undefined;
  }
  // A cached result is reused only if the same rules are left out of its declaration, which can
  // differ only where a rule's words changed (copied-lock's, when a lock type is declared).
  const gatesChanged = !!cache && cache.gates !== gateKey;
  if (cache) cache.gates = gateKey;
  const raw: RawFinding[] = [];
  const errors: [number, number][] = [];
  const comments: { start: number; end: number; text: string }[] = [];
  const fingerprints = new Map<FileFactKind, string>();
  // Each declaration's facts come from the cache while its text is unchanged: a keystroke queries only
  // the declaration it changed. Nodes found by this analysis's queries are used as they are; the others
  // are looked up by position, and only for the kind a rule asks for.
  const queried = new Map<Top, Map<FileFactKind, Node[]>>();
  const keylessFacts = new Map<Top, TopFacts>();
  const factsOf = (t: Top): TopFacts => {
    let per = t.key ? cache!.facts.get(t.key) : keylessFacts.get(t);
    // Most declarations have no channel operation and no close: no query, one shared empty set of facts
    // (a half-typed line at the top level is a new declaration on every keystroke).
    if (!per && !mayHoldFacts(file.text.slice(t.base, t.end))) per = NO_FACTS;
    if (!per) {
      const found = runFactQueries(t.node);
      queried.set(t, found);
      per = { fp: new Map(), at: new Map(), names: new Map() };
      for (const [kind, nodes] of found) {
        // Detached (as every string a cache keeps): a slice of the text keeps the whole document of
        // this keystroke alive, and each GC scavenge copies it.
        per.fp.set(kind, detach(factFingerprint(nodes)));
        per.at.set(kind, nodes.map((n) => [n.startIndex - t.base, n.endIndex - t.base, n.type]));
        const names = new Map<string, number[]>();
        nodes.forEach((n, i) => {
          for (const [name] of n.text.matchAll(IDENTIFIERS)) {
            const list = names.get(name);
            if (!list) names.set(detach(name), [i]);
            else if (list[list.length - 1] !== i) list.push(i);
          }
        });
        per.names.set(kind, names);
      }
    }
    if (t.key) cache!.facts.set(t.key, per);
    else keylessFacts.set(t, per);
    return per;
  };
  /** The text of a kind's facts that mention name, in file order (see FactFilter). */
  const namedFingerprint = (kind: FileFactKind, name: string): string => {
    const parts: string[] = [];
    for (const t of tops) {
      const per = factsOf(t);
      const which = per.names.get(kind)!.get(name);
      if (!which) continue;
      const at = per.at.get(kind)!;
      for (const i of which) parts.push(file.text.slice(t.base + at[i]![0], t.base + at[i]![1]));
    }
    return detach(parts.join('\u0001'));
  };
  const fingerprint = (kind: FileFactKind): string => {
    let fp = fingerprints.get(kind);
    // No declaration with such facts changed: the parts, and so the fingerprint, are as they were.
    if (fp === undefined && !suspectKinds.has(kind)) fp = cache!.parts.get(kind)?.fp;
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
    // Filtered by position and text before a node is asked of tree-sitter: most facts of a file are
    // about other channels, and materialising each (a lookup by position) was most of what a
    // keystroke in a function with a channel cost.
    const source = { source: file.text };
    const materialised = new Map<string, Node | undefined>();
    sem.useFacts((kind, filter) => {
      const out: Node[] = [];
      const w = filter.within;
      for (const t of tops) {
        if (w && (t.end <= w[0] || t.base >= w[1])) continue;
        const per = factsOf(t);
        const fresh = queried.get(t);
        // Only the facts whose text holds the name, by the declaration's identifier index.
        const which = filter.mentions ? per.names.get(kind)!.get(filter.mentions) : undefined;
        if (filter.mentions && !which) continue;
        if (fresh) {
          const nodes = fresh.get(kind)!;
          for (const i of which ?? nodes.keys()) if (factPasses(nodes[i]!.startIndex, nodes[i]!.endIndex, filter, () => nodes[i]!.text, source)) out.push(nodes[i]!);
        } else {
          const at = per.at.get(kind)!;
          for (const i of which ?? at.keys()) {
            const [s, e, type] = at[i]!;
            if (!factPasses(t.base + s, t.base + e, filter, () => '', source)) continue;
            // Once per analysis: several filters (one per channel name) can pass the same fact.
            const where = `${t.base + s}:${t.base + e}:${type}`;
            let n = materialised.get(where);
            if (n === undefined && !materialised.has(where)) materialised.set(where, (n = nodeAt(root, t.base + s, t.base + e, type)));
            if (n) out.push(n);
          }
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
  for (let k = 0; k < entries.length; k++) tops.push(new Top(root, entries[k]!, cache ? entries[k]!.key : ''));
  // Where each key's declarations start, in order: a related location is anchored by the key and which
  // occurrence of that text it is. A few dozen keys are asked per keystroke: a scan for each (memoised)
  // allocates far less than a map of every declaration's key, which survived into each GC scavenge.
  const anchors = new Map<string, number[] | undefined>();
  const anchorBases = (key: string): number[] | undefined => {
    if (!key) return undefined;
    if (anchors.has(key)) return anchors.get(key);
    let bases: number[] | undefined;
    for (let k = 0; k < tops.length; k++) if (tops[k]!.key === key) (bases ??= []).push(tops[k]!.base);
    anchors.set(key, bases);
    return bases;
  };
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
  let readMemo = indexReadMemo.get(index);
  if (!readMemo) indexReadMemo.set(index, (readMemo = new Map()));
  const depValue = (dep: string): string => {
    if (!dep.startsWith('\u0001')) {
      const named = dep.indexOf('\u0005');
      if (named < 0) return fingerprint(dep as FileFactKind);
      let v = indexValues.get(dep);
      if (v === undefined) indexValues.set(dep, (v = namedFingerprint(dep.slice(0, named) as FileFactKind, dep.slice(named + 1))));
      return v;
    }
    let v = indexValues.get(dep);
    if (v === undefined) {
      const read = dep.slice(1);
      if (read.startsWith('\u0002')) v = declText(read.slice(1));
      else {
        // An index entry's value depends on the index alone: kept with the index object, which the
        // editor keeps while no declaration's index changes.
        v = readMemo!.get(read);
        if (v === undefined) {
          const [table, key] = read.split('\0') as [string, string];
          v = readValue(index, table, key);
          readMemo!.set(read, v);
        }
      }
      if (cache) {
        const prev = cache.values.get(dep);
        if (prev === v) v = prev;
        else cache.values.set(dep, v);
      }
      indexValues.set(dep, v);
    }
    return v;
  };
  const wordsOf = (t: Top): ReadonlySet<string> => {
    let words = cache!.words.get(t.key);
    if (!words) cache!.words.set(t.key, (words = identifierWords(file.text, t.base, t.end)));
    return words;
  };
  // A declaration without a key (one with syntax errors) has its names worked out once per analysis:
  // declaringTops asks every declaration for each name it looks up, and where the root is an ERROR
  // node hundreds of fragments have no key (their names were read again for each name, 0.1 s a keystroke).
  const keylessNames = new Map<Top, string[]>();
  const namesOf = (t: Top): string[] => {
    let names = t.key ? cache?.names.get(t.key) : keylessNames.get(t);
    if (!names) {
      names = packageLevelNames(t.node, root);
      if (t.key) cache!.setNames(t.key, (names = mapStrings(names, detach)));
      else keylessNames.set(t, names);
    }
    return names;
  };
  // Package-level name → the top-level nodes that declare it, from each declaration's names (kept in
  // the cache by key): the scope of the file and what a resolved name depends on. A handful of names
  // are asked per keystroke: a scan for each (memoised) rather than a map of every declaration's
  // names, which was rebuilt on most keystrokes and kept alive into GC scavenges.
  // With a cache, a declaration with a key is asked through the cache's index of names instead: every
  // such declaration's names are in the cache by the time a rule runs. Those of the changed stretch
  // are worked out before any rule runs (see suspectNamesOf below); the others' keys are those of
  // the previous analysis, whose names were all in the cache when it ended (by the same argument, from
  // the first analysis, whose stretch is the whole file), and a sweep keeps the names of live keys.
  const declaring = new Map<string, Top[]>();
  const declaringTops = (name: string): Top[] => {
    let list = declaring.get(name);
    if (!list) {
      list = [];
      const keyed = cache?.keysDeclaring(name);
      for (let k = 0; k < tops.length; k++) {
        const t = tops[k]!;
        if (t.key ? keyed !== undefined && keyed.has(t.key) : namesOf(t).includes(name)) list.push(t);
      }
      declaring.set(name, list);
    }
    return list;
  };
  // What resolving a package-level name read: the keys of its declarations (the text, for one with
  // syntax errors); a declaration that resolved it is re-judged when one of them changes.
  const declText = (name: string): string =>
    detach(
      declaringTops(name)
        .map((t) => t.key || `\u0004${t.node.text}`)
        .join('\u0003'),
    );
  if (cache) {
    sem.useFileScope((name, declare) => {
      const into = new Map<string, Decl[]>();
      for (const t of declaringTops(name)) declare(t.node, into);
      return into.get(name);
    });
  }

  // What may have changed since the previous analysis, worked out from the declarations that changed
  // instead of re-computing every dependency of every cached result (each of which was valid then).
  // The declarations outside the changed stretch (the longest common prefix and suffix of the two key
  // lists) are the same, in the same order; a dependency of theirs can only have changed through the
  // stretch: a fact kind of which a changed declaration (old or new) has facts, a name one of them
  // declares, or any index entry when the index is not the same object. Only those are re-computed.
  const prevKeys = cache?.keys ?? [];
  let prefix = 0;
  let suffix = 0;
  const wholeIndex = !cache || cache.index !== index;
  // A new index whose change is known: only the entries the changed declarations have may differ.
  const delta = wholeIndex && cache && opts.indexDelta?.from === cache.index ? opts.indexDelta : undefined;
  const suspectKinds = new Set<string>();
  const unknownKinds = new Set<string>();
  const suspectNamed = new Set<string>();
  const suspectNames = new Set<string>();
  let allNames = false;
  if (cache) {
    const n = Math.min(tops.length, prevKeys.length);
    while (prefix < n && tops[prefix]!.key && tops[prefix]!.key === prevKeys[prefix]) prefix++;
    while (suffix < n - prefix && tops[tops.length - 1 - suffix]!.key && tops[tops.length - 1 - suffix]!.key === prevKeys[prevKeys.length - 1 - suffix]) suffix++;
    // A kind's fingerprint is its non-empty parts in order: unchanged when the stretch's old and new
    // declarations have the same non-empty parts (typing in a function leaves its closes as they were).
    const oldParts: (TopFacts | undefined)[] = [];
    const newParts: TopFacts[] = [];
    const suspectNamesOf = (names: string[] | undefined) => {
      if (!names) allNames = true;
      else for (let k = 0; k < names.length; k++) suspectNames.add(names[k]!);
    };
    for (let i = prefix; i < prevKeys.length - suffix; i++) {
      const key = prevKeys[i]!;
      oldParts.push(key ? cache.facts.get(key) : cache.keylessFacts.get(i));
      suspectNamesOf(key ? cache.names.get(key) : cache.keylessNames.get(i));
    }
    for (let i = prefix; i < tops.length - suffix; i++) {
      newParts.push(factsOf(tops[i]!));
      suspectNamesOf(namesOf(tops[i]!));
    }
    // Plain loops: V8 inlined map and filter here, and their checks of the lists' hidden classes threw
    // away analyzeOne's optimised code dozens of times per 1,000 keystrokes.
    const nonEmpty = (list: (TopFacts | undefined)[], kind: FileFactKind) => {
      const out: (string | undefined)[] = [];
      for (let k = 0; k < list.length; k++) {
        const part = list[k]?.fp.get(kind);
        if (part !== '') out.push(part);
      }
      return out;
    };
    for (const kind of Object.keys(FILE_FACT_QUERIES) as FileFactKind[]) {
      const before = nonEmpty(oldParts, kind);
      const after = nonEmpty(newParts, kind);
      if (before.length !== after.length || before.some((p, i) => p === undefined || p !== after[i])) {
        suspectKinds.add(kind);
        // Facts that mention a name changed only if the stretch's facts (old or new) mention it.
        for (const per of [...oldParts, ...newParts]) {
          if (!per) unknownKinds.add(kind);
          else for (const name of per.names.get(kind)!.keys()) suspectNamed.add(`${kind}\u0005${name}`);
        }
      }
    }
  }
  const suspect = (dep: string): boolean => {
    if (!dep.startsWith('\u0001')) {
      const named = dep.indexOf('\u0005');
      if (named < 0) return suspectKinds.has(dep);
      const kind = dep.slice(0, named);
      return suspectKinds.has(kind) && (unknownKinds.has(kind) || suspectNamed.has(dep));
    }
    if (dep.startsWith('\u0001\u0002')) return allNames || suspectNames.has(dep.slice(2));
    return wholeIndex && (!delta || deltaTouches(delta, dep.slice(1)));
  };

  const nameList = [...suspectNames];
  /** Whether a result read something suspect (a stable one that did not is valid without a look at its deps). */
  const touched = (r: DeclResult): boolean => {
    if (allNames && r.reads.names.size) return true;
    // Index reads (and only they) are suspect by the delta: suspect() decides for each.
    if (wholeIndex && r.reads.index) for (const [dep] of r.deps) if (dep.startsWith('\u0001') && suspect(dep)) return true;
    if (suspectKinds.size) for (const k of r.reads.facts) if (suspect(k)) return true;
    // Most results read no package-level name; the others a few: the smaller side is looked up in the
    // other (this runs for every cached result on every keystroke).
    const names = r.reads.names;
    if (names.size === 0) return false;
    if (names.size < nameList.length) {
      for (const n of names) if (suspectNames.has(n)) return true;
    } else {
      for (let k = 0; k < nameList.length; k++) if (names.has(nameList[k]!)) return true;
    }
    return false;
  };

  // One top-level node at a time: reuse its cached result, or walk it. A function of its own:
  // V8 optimises it apart from analyzeOne, whose size made each recompilation (after a new shape of
  // finding or result turned up) take 0.2 s, with every keystroke in between running unoptimised code.
  const oneTop = (at: number): void => {
    const t = tops[at]!;
    const { base, end, key } = t;
    const reusable = key !== '';
    let result = reusable ? cache!.entries.get(key) : undefined;
    // A result that read file-wide facts (a close elsewhere in the file) or package-index entries holds
    // only while they are unchanged. One outside the changed stretch was valid at the previous analysis:
    // only its suspect dependencies are re-computed.
    const stable = !restored && (at < prefix || at >= tops.length - suffix);
    if (result && (!stable || touched(result)) && !result.deps.every(([dep, value]) => (stable && !suspect(dep)) || depValue(dep) === value)) result = undefined;
    // The rules' words changed (a type holding a lock came or went), or the result comes back from the
    // other context: the rules it skipped must be those the words now leave out. Typing at the top
    // level can make a declaration come and go on alternate keystrokes, and a scan of every
    // declaration's text each time was most of those keystrokes: each key's words are kept instead.
    if (result && (gatesChanged || restored) && (gates ? gates.keyOfWords(wordsOf(t)) : '') !== result.skip) result = undefined;
    if (result?.anchored && !result.findings.every((f) => f.related.every((r) => !r.anchor || anchorBases(r.anchor)?.[r.occ ?? 0] !== undefined))) result = undefined;
    if (!result) {
      bucket = [];
      sem.consulted.clear();
      sem.indexReads.clear();
      const errs: [number, number][] = [];
      const coms: { start: number; end: number; text: string }[] = [];
      const { skip, visit } = plan(t);
      visitSubtree(t.node, visit, byType, failed, skip, errs, coms, budget, now, spent, () => bucket);
      // Its nodes die young (a later reader of this declaration reads them again).
      t.node.release();
      const within = (s: number, e: number) => s >= base && e <= end;
      // A finding, its fixes and its related locations inside the declaration are stored relative to
      // it; a related location in another declaration relative to that one; anything else (a fix
      // that edits another declaration, a location between declarations) keeps the result uncached.
      let cacheable = reusable;
      const findings = bucket.map((f) => {
        if (!within(f.start, f.end) || !f.fixes.every((x) => x.edits.every((e) => within(e.start, e.end)))) cacheable = false;
        // Every stored location has the same fields (anchor and occ undefined where unused): one
        // hidden class for V8, whose optimised code for this loop is dropped at each new one.
        return shift(f, -base, (r) => {
          if (within(r.start, r.end)) return { start: r.start - base, end: r.end - base, message: r.message, anchor: undefined, occ: undefined };
          const t = topAt(r.start, r.end);
          if (!t) {
            cacheable = false;
            return { start: r.start - base, end: r.end - base, message: r.message, anchor: undefined, occ: undefined };
          }
          return { start: r.start - t.base, end: r.end - t.base, message: r.message, anchor: t.key, occ: anchorBases(t.key)!.indexOf(t.base) };
        });
      });
      result = {
        findings,
        errors: errs.map(([s, e]) => [s - base, e - base]),
        comments: coms.map((c) => ({ ...c, start: c.start - base, end: c.end - base })),
        // Without a cache (the CLI) nothing is reused, so what the result read is not worked out.
        deps: cache ? [...factDeps(sem.consulted, base, end), ...new Set([...fileReads, ...sem.indexReads].map((r) => `\u0001${r}`))].map((dep) => [dep, depValue(dep)]) : [],
        reads: { facts: [], names: NONE, index: false },
        anchored: findings.some((f) => f.related.some((r) => r.anchor)),
        skip: skipKey(skip),
      };
      result.reads = readsOf(result.deps);
      // While a rule is stopped for this file, results lack its findings: they are not kept (the rule
      // runs again on the next analysis). Results computed before it stopped stay valid.
      if (cacheable && failed.size === 0) cache!.entries.set(key, result);
      else if (reusable) cache!.entries.delete(key);
    }
    // A result placed at the same offset, line and column as before (everything above the edit) gives
    // the same findings: their objects, and the Findings made of them (see toFinding), are reused.
    let placed: RawFinding[] | undefined;
    const at0 = result.findings.length && !result.anchored && cache ? lines.lineOf(base) : -1;
    const last = result.placed;
    if (at0 >= 0 && last && last.base === base && last.line === at0 && last.character === base - lines.lineStart(at0)) placed = last.findings;
    if (!placed) {
      const relate = (r: RawFinding['related'][number]) => {
        const at = r.anchor ? anchorBases(r.anchor)![r.occ ?? 0]! : base;
        return { start: r.start + at, end: r.end + at, message: r.message };
      };
      placed = result.findings.map((f) => shift(f, base, relate));
      // Only the last placement is kept: what moved is placed again (kept longer, the copies of
      // every moved declaration outlived a few keystrokes and made each GC scavenge copy them).
      // The record is updated in place: V8 makes such records in the old generation (the first analysis
      // keeps them all), and a replaced record, garbage there until the next full GC, would keep the
      // placement it points to, and everything that holds, alive through every scavenge until then.
      if (at0 >= 0) {
        const character = base - lines.lineStart(at0);
        if (last) {
          last.base = base;
          last.line = at0;
          last.character = character;
          last.findings = placed;
        } else result.placed = { base, line: at0, character, findings: placed };
      }
    }
    // Index loops: this runs for every declaration on every keystroke, and analyzeTree is too large for
    // V8 to optimise, where each for-of allocates an iterator (a GC scavenge every few keystrokes).
    for (let k = 0; k < placed.length; k++) raw.push(placed[k]!);
    for (let k = 0; k < result.errors.length; k++) errors.push([result.errors[k]![0] + base, result.errors[k]![1] + base]);
    for (let k = 0; k < result.comments.length; k++) {
      const c = result.comments[k]!;
      comments.push({ ...c, start: c.start + base, end: c.end + base });
    }
  };
  for (let at = 0; at < tops.length; at++) oneTop(at);
  if (cache) {
    // A kind whose parts may have changed and were not re-computed has no valid fingerprint any more.
    for (const kind of suspectKinds) if (!fingerprints.has(kind as FileFactKind)) cache.parts.delete(kind as FileFactKind);
    cache.keys = mapStrings(tops, (t) => t.key);
    cache.index = index;
    cache.keylessNames.clear();
    cache.keylessFacts.clear();
    tops.forEach((t, i) => {
      if (t.key) return;
      cache.keylessNames.set(i, namesOf(t));
      const per = keylessFacts.get(t);
      if (per) cache.keylessFacts.set(i, per);
    });
    // The cache never outgrows the file.
    cache.sweep(cache.keys);
  }

  // Half-typed code: a finding that touches a syntax error says more about the parse than the code.
  const clean = raw.filter((f) => f.ruleId === 'internal-error' || !errors.some(([s, e]) => s < f.end && f.start < e));
  const findings = clean.map((f) => {
    let done = f.final;
    if (!done) f.final = done = toFinding(f, lines);
    return done;
  });
  const ran = new Set(enabled.map((r) => r.id));
  const directives = parseDirectives(comments, file.text, lines);
  const { kept, directiveFindings } = applySuppression(findings, directives, opts.knownRuleIds, ran, file.text);
  const all = [...kept, ...directiveFindings]
    .filter((f) => opts.config?.rules[f.ruleId] !== 'off')
    .map((f) => {
      const s = opts.config?.rules[f.ruleId];
      return s && s !== 'off' ? { ...f, severity: s } : f;
    });
  return { path: file.path, findings: all, syntaxErrors: errors.length };
}

/** The gates of the last analysis and the word lists they were made of (see gatesOf). */
let lastGates: { ids: string[]; lists: (readonly string[])[]; gated: Gate[]; key: string } | undefined;

/**
 * The gates of rules with these word lists, and their key. The lists are the rules' own constants or
 * kept per index object (copied-lock's lock words: the package's lock-holding types), so while the
 * index is the same (typing in a function body) they are the same arrays, and the gates and their
 * key (every word of every gate, joined) are those of the last analysis instead of made again.
 */
function gatesOf(ids: string[], lists: (readonly string[])[]): { gated: Gate[]; key: string } {
  const last = lastGates;
  if (last && last.ids.length === ids.length && ids.every((id, i) => id === last.ids[i] && lists[i] === last.lists[i])) return last;
  const gated = ids.map((id, i) => ({ id, words: new Set(lists[i]) }));
  const key = gated.map((g) => `${g.id}:${[...g.words].join(' ')}`).join('\n');
  lastGates = { ids, lists, gated, key };
  return lastGates;
}

/** The facts of a declaration that has none (see mayHoldFacts); shared, never changed. */
const NO_FACTS: TopFacts = {
  fp: new Map(Object.keys(FILE_FACT_QUERIES).map((k) => [k as FileFactKind, ''])),
  at: new Map(Object.keys(FILE_FACT_QUERIES).map((k) => [k as FileFactKind, []])),
  names: new Map(Object.keys(FILE_FACT_QUERIES).map((k) => [k as FileFactKind, new Map()])),
};

/** Index entries' values as text, per index object (see depValue). */
const indexReadMemo = new ObjectMemo<PackageIndex, Map<string, string>>('indexReads');

/**
 * A rule that visits only calls, and only of the callees it names, cannot report where none of those
 * names is written (a callee it cannot name is visited, but the rule checks the name itself).
 */
function calleeWords(rule: RuleDefinition): readonly string[] | undefined {
  const types = Object.keys(rule.visit);
  return rule.callees && types.length === 1 && types[0] === 'call_expression' ? rule.callees : undefined;
}


/** The node types dispatched to rules (comments are always read, for directives). */
type VisitSet = ReadonlySet<string>;

function visitSet(types: string[]): VisitSet {
  return new Set(types.filter((t) => t !== 'comment'));
}

/**
 * Dispatches the nodes of top (itself included, in pre-order) to the rules that visit their type, and
 * collects the comments (for ignore directives) and the syntax errors.
 */
function visitSubtree(
  top: Node,
  types: VisitSet | undefined,
  byType: Map<string, Dispatch[]>,
  failed: Set<string>,
  skip: ReadonlySet<string>,
  errors: [number, number][],
  comments: { start: number; end: number; text: string }[],
  budget: number,
  now: () => number,
  spent: Map<string, number>,
  out: () => RawFinding[],
): void {
  if (top.hasError || top.isMissing || top.type === 'ERROR') collectErrors(top, errors);
  if (!types) return;
  walk(top, (node) => {
    const type = node.type;
    if (type === 'comment') {
      const text = node.text;
      if (text.includes('gopitfalls:')) comments.push({ start: node.startIndex, end: node.endIndex, text });
      return;
    }
    if (types.has(type)) dispatch(node, type, byType, failed, skip, budget, now, spent, out);
  });
}

function dispatch(
  node: Node,
  type: string,
  byType: Map<string, Dispatch[]>,
  failed: Set<string>,
  skip: ReadonlySet<string>,
  budget: number,
  now: () => number,
  spent: Map<string, number>,
  out: () => RawFinding[],
): void {
  {
    const list = byType.get(type);
    if (!list) return;
    let callee: string | null | undefined;
    for (const d of list) {
      if (failed.has(d.rule.id) || skip.has(d.rule.id)) continue;
      if (d.rule.callees && type === 'call_expression') {
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

/**
 * The finding moved by `by`, its related locations placed by `relate` (stored ones are anchored: see
 * oneTop). Written field by field, in toRaw's order, with no object spread: every finding of every
 * declaration after an edit is placed again on each keystroke, and a copy by spread (of the finding,
 * then again of that copy) cost twice the work.
 */
function shift(f: RawFinding, by: number, relate: (r: RawFinding['related'][number]) => RawFinding['related'][number]): RawFinding {
  const fixes: RawFinding['fixes'] = [];
  for (const x of f.fixes) {
    const edits: TextEdit[] = [];
    for (const e of x.edits) edits.push({ start: e.start + by, end: e.end + by, newText: e.newText });
    fixes.push({ title: x.title, safety: x.safety, edits });
  }
  return { ruleId: f.ruleId, severity: f.severity, message: f.message, start: f.start + by, end: f.end + by, related: f.related.map(relate), fixes, final: undefined };
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
    // Rebuilt field by field: the rules' own literals differ in shape (see oneTop's related).
    fixes: (r.fixes ?? []).map((x) => ({ title: x.title, safety: x.safety, edits: x.edits.map((e) => ({ start: e.start, end: e.end, newText: detach(e.newText) })) })),
    final: undefined,
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
    final: undefined,
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

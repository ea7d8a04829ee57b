import type { SyntaxNode as Node } from '../core/syntax/node';
import { defineRule, type RuleContext } from '../core/rule';
import { isNoReturnCall } from '../core/semantic/flow';
import { walkLocks } from '../core/semantic/lock-state';
import { callArgs, enclosingFunction, field, FUNCTION_TYPES, namedChildren, unparen, walk, within } from '../core/semantic/nodes';
import type { Decl } from '../core/semantic/scopes';
import { ObjectMemo } from '../core/memo';

/**
 * A local variable (or parameter) of a function, assigned in a goroutine that function starts
 * (`go func(){…}()`, or `x.Go(func(){…})` as errgroup and Go 1.25's WaitGroup spell it), when the
 * syntax shows a second, unsynchronised access:
 * - several writers: the goroutine is started in a loop the variable is declared outside of, or two
 *   goroutines of the function write it;
 * - the parent: the starting function reads or writes it after the start, with nothing between the two
 *   that could order them (a Wait, channel operation, select, lock, a call on anything the goroutine
 *   also uses).
 * Quiet for writes under a lock held in the goroutine, variables whose address is taken anywhere in
 * the function (atomics, handed to helpers), loop variables, variables declared in the goroutine, and
 * element, field or pointer writes (`res[i] = v`, the disjoint-slot pattern). Writes inside function
 * literals nested in the goroutine are not looked at (they may run elsewhere or be deferred).
 */
export default defineRule({
  id: 'captured-var-write-in-goroutine',
  // A goroutine starts with `go` or `g.Go(func…)`.
  needs: ['go', 'Go'],
  applies: (ctx) => /\bgo\s+func\b|\.Go\(\s*func\b/.test(ctx.file.text),
  visit: {
    go_statement: (n, ctx) => onLaunch(n, ctx),
    expression_statement: (n, ctx) => {
      // The text first: it needs no call into tree-sitter, and almost no statement starts a g.Go(func…).
      if (/\.Go\(\s*func\b/.test(n.text.slice(0, 400)) && n.namedChild(0)?.type === 'call_expression') onLaunch(n, ctx);
    },
  },
});

/** Functions already analysed, per file (the semantics object lives as long as one file's analysis). */
const analysed = new ObjectMemo<object, Set<number>>('analysed');

/** The function is analysed once, from its first goroutine start. */
function onLaunch(stmt: Node, ctx: RuleContext): void {
  const fn = enclosingFunction(stmt);
  const body = fn ? field(fn, 'body') : null;
  if (!fn || !body) return;
  let done = analysed.get(ctx.sem);
  if (!done) analysed.set(ctx.sem, (done = new Set()));
  if (done.has(fn.id)) return;
  done.add(fn.id);
  const launches = findLaunches(fn, body, ctx);
  if (launches.length > 0) checkFunction(fn, body, launches, ctx);
}

/**
 * A goroutine start, with what the judgement needs computed on first use (most starts write nothing of
 * interest). A class, not an object literal with getters: V8 gives such literals made one per start a
 * hidden class each (dictionary mode), which kept an analysis's nodes alive through young-generation GCs.
 */
class Launch {
  /** The goroutine's blocking operations in document order (computed on demand). */
  blockers?: { start: number; kind: 'queue' | 'other' }[];
  private capturedSet?: Set<string>;
  private ops?: { sends: Set<string>; recvs: Set<string> };

  constructor(
    /** The statement that starts the goroutine (`go …` or the expression statement of `g.Go(…)`). */
    readonly stmt: Node,
    readonly lit: Node,
    readonly body: Node,
    /** `g.Go(…)`: the receiver text, for SetLimit. */
    readonly recv: string | undefined,
    private readonly ctx: RuleContext,
  ) {}

  /** Names the goroutine uses from outside (locals, parameters, package names), not imports or builtins. */
  get captured(): Set<string> {
    return (this.capturedSet ??= capturedNames(this.lit, this.ctx));
  }

  /** Channel texts the goroutine sends on. */
  get sends(): Set<string> {
    return (this.ops ??= channelOps(this.body)).sends;
  }

  /** Channel texts the goroutine receives from. */
  get recvs(): Set<string> {
    return (this.ops ??= channelOps(this.body)).recvs;
  }
}

interface Write {
  launch: Launch;
  node: Node;
  decl: Decl;
}

const BUILTINS = new Set([
  'append', 'cap', 'clear', 'close', 'complex', 'copy', 'delete', 'imag', 'len', 'make', 'max', 'min', 'new', 'panic',
  'print', 'println', 'real', 'recover', 'nil', 'true', 'false', 'iota', '_',
]);

/** Call names that block or order memory: WaitGroup/errgroup Wait, locks, semaphores, barriers, Once.Do. */
const BLOCKING_NAME = /^(Wait\w*|wait\w*|R?Lock|r?lock|Acquire|acquire|TryAcquire|Do|Join|join|Await|await|Barrier|barrier)$/;
/** Helper names that say they take a lock (`s.lock()`, `withLock`, `acquireSlot`). */
const LOCKISH_NAME = /lock|acquire/i;

function checkFunction(fn: Node, body: Node, launches: Launch[], ctx: RuleContext): void {
  let addressedSet: Set<string> | undefined;
  const writes: Write[] = [];
  const addressed = () => (addressedSet ??= addressTaken(body));
  for (const l of launches) writes.push(...writesOf(l, fn, addressed, ctx));
  const reported = new Set<Decl>();
  let cached: SyncPoint[] | undefined;
  const points = () => (cached ??= syncPoints(body, ctx));
  for (const w of writes) {
    if (reported.has(w.decl)) continue;
    if (judge(w, writes, fn, body, points, ctx)) reported.add(w.decl);
  }
}

/** Goroutine starts directly in fn (not inside another literal of fn). */
function findLaunches(fn: Node, body: Node, ctx: RuleContext): Launch[] {
  const out: Launch[] = [];
  walk(body, (n) => {
    if (FUNCTION_TYPES.has(n.type) && n.id !== fn.id) return false;
    let lit: Node | null = null;
    let stmt: Node | null = null;
    let recv: string | undefined;
    if (n.type === 'go_statement') {
      const call = n.namedChild(0);
      const callee = call?.type === 'call_expression' ? unparen(field(call, 'function')!) : null;
      if (callee?.type === 'func_literal') {
        lit = callee;
        stmt = n;
      }
    } else if (n.type === 'expression_statement') {
      const call = n.namedChild(0);
      const f = call?.type === 'call_expression' ? field(call, 'function') : null;
      const args = call ? callArgs(call) : [];
      if (f?.type === 'selector_expression' && field(f, 'field')?.text === 'Go' && args.length === 1 && unparen(args[0]!).type === 'func_literal') {
        lit = unparen(args[0]!);
        stmt = n;
        recv = field(f, 'operand')?.text;
      }
    }
    if (lit && stmt) {
      const lb = field(lit, 'body');
      if (lb) out.push(new Launch(stmt, lit, lb, recv, ctx));
      return false;
    }
    return true;
  });
  return out;
}

/** Variables whose address is taken anywhere in the function (`&x`): atomics, or handed to code we do not follow. */
function addressTaken(body: Node): Set<string> {
  const out = new Set<string>();
  walk(body, (n) => {
    if (n.type === 'unary_expression' && n.child(0)?.type === '&') {
      const op = field(n, 'operand');
      if (op && unparen(op).type === 'identifier') out.add(unparen(op).text);
    }
    return true;
  });
  return out;
}

function capturedNames(lit: Node, ctx: RuleContext): Set<string> {
  const out = new Set<string>();
  walk(lit, (n) => {
    if (n.type !== 'identifier') return true;
    const name = n.text;
    if (BUILTINS.has(name) || out.has(name)) return true;
    const d = ctx.sem.resolve(n);
    if (d) {
      if (!within(d.nameNode, lit) && d.kind !== 'type' && d.kind !== 'const') out.add(name);
      return true;
    }
    if (ctx.sem.imports.byName.has(name)) return true;
    out.add(name);
    return true;
  });
  return out;
}

function channelOps(body: Node): { sends: Set<string>; recvs: Set<string> } {
  const sends = new Set<string>();
  const recvs = new Set<string>();
  walk(body, (n) => {
    if (n.type === 'send_statement') sends.add(norm(field(n, 'channel')?.text ?? ''));
    else if (n.type === 'unary_expression' && n.child(0)?.type === '<-') recvs.add(norm(field(n, 'operand')?.text ?? ''));
    else if (n.type === 'range_clause') recvs.add(norm(field(n, 'right')?.text ?? ''));
    else if (n.type === 'call_expression' && field(n, 'function')?.text === 'close' && callArgs(n).length === 1) sends.add(norm(callArgs(n)[0]!.text));
    return true;
  });
  return { sends, recvs };
}

const norm = (s: string) => s.replace(/\s+/g, '');

/** The goroutine both sends on and receives from the same channel: a token used as a lock. */
function tokenLock(l: Launch): boolean {
  for (const s of l.sends) if (s && l.recvs.has(s)) return true;
  return false;
}

/**
 * Plain assignments to a variable of fn in the goroutine's own body (nested literals excluded), not
 * under a lock the goroutine holds; the first per variable.
 */
function writesOf(l: Launch, fn: Node, addressed: () => Set<string>, ctx: RuleContext): Write[] {
  const candidates: { stmt: Node; id: Node; decl: Decl }[] = [];
  const seen = new Set<Decl>();
  walk(l.body, (n) => {
    if (FUNCTION_TYPES.has(n.type)) return false;
    for (const id of writtenIdents(n)) {
      const d = ctx.sem.resolve(id);
      if (!d || seen.has(d) || !isOuterLocal(d, fn, l.lit) || addressed().has(id.text)) continue;
      seen.add(d);
      candidates.push({ stmt: n, id, decl: d });
    }
    return true;
  });
  if (candidates.length === 0 || tokenLock(l)) return [];
  const held = new Map<number, boolean>();
  const text = l.body.text;
  if (/Lock\b/.test(text)) {
    const analysed = walkLocks(l.body, ctx.sem, {
      onNode(node, st) {
        held.set(node.id, st.size > 0);
      },
    });
    if (!analysed) return [];
  }
  const lockish = LOCKISH_NAME.test(text) ? firstLockishCall(l.body) : Infinity;
  // The first write of each variable that is not under a lock.
  const out: Write[] = [];
  const taken = new Set<Decl>();
  walk(l.body, (n) => {
    if (FUNCTION_TYPES.has(n.type)) return false;
    for (const id of writtenIdents(n)) {
      const c = candidates.find((x) => x.decl.name === id.text);
      if (!c || taken.has(c.decl) || ctx.sem.resolve(id) !== c.decl) continue;
      if (n.startIndex > lockish || underLock(n, l.body, held)) continue;
      taken.add(c.decl);
      out.push({ launch: l, node: id, decl: c.decl });
    }
    return true;
  });
  return out;
}

/** Identifiers a statement assigns to: `x = …`, `x += …`, `x, y = …`, `x++`. */
function writtenIdents(n: Node): Node[] {
  if (n.type === 'inc_statement' || n.type === 'dec_statement') {
    const e = n.namedChild(0);
    return e && unparen(e).type === 'identifier' ? [unparen(e)] : [];
  }
  if (n.type === 'assignment_statement') {
    return namedChildren(field(n, 'left')).map(unparen).filter((e) => e.type === 'identifier' && e.text !== '_');
  }
  return [];
}

/** A var, parameter or named result of fn itself, declared outside the literal and not a loop variable. */
function isOuterLocal(d: Decl, fn: Node, lit: Node): boolean {
  if (d.packageLevel || within(d.nameNode, lit)) return false;
  if (d.kind !== 'var' && d.kind !== 'param' && d.kind !== 'result') return false;
  if (d.scope.type === 'for_statement') return false; // `for i := 0; …` variables
  const owner = d.kind === 'var' ? enclosingFunction(d.nameNode) : d.scope;
  return owner?.id === fn.id;
}

function underLock(n: Node, body: Node, held: Map<number, boolean>): boolean {
  for (let p: Node | null = n; p && p.id !== body.id; p = p.parent) {
    const h = held.get(p.id);
    if (h !== undefined) return h;
  }
  return false;
}

/**
 * Offset of the goroutine's first call whose name says it takes a lock (`s.lock()`, `sem.Acquire(…)`),
 * which walkLocks does not model; writes after it are not judged.
 */
function firstLockishCall(body: Node): number {
  let at = Infinity;
  walk(body, (n) => {
    if (at !== Infinity) return false;
    if (n.type === 'func_literal') return false;
    if (n.type === 'call_expression') {
      const name = calleeName(n);
      if (name && LOCKISH_NAME.test(name) && !/unlock|release/i.test(name)) at = n.startIndex;
    }
    return at === Infinity;
  });
  return at;
}

function calleeName(call: Node): string | undefined {
  const f = field(call, 'function');
  if (!f) return undefined;
  const u = unparen(f);
  if (u.type === 'identifier') return u.text;
  if (u.type === 'selector_expression') return field(u, 'field')?.text;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------

function judge(w: Write, all: Write[], fn: Node, body: Node, points: () => SyncPoint[], ctx: RuleContext): boolean {
  const l = w.launch;
  const name = w.decl.name;
  const gBlocks = goroutineBlocksBefore(l, w.node, ctx);
  // 1. Started in a loop that the variable is declared outside of: one writer per iteration.
  const loop = spawningLoop(l.stmt, w.decl, fn);
  if (loop) {
    const verdict = loopVerdict(loop, l, name, ctx);
    if (verdict === 'serial') return false;
    if (l.recv && setLimit(body, l.recv) === 'one') return false;
    // Why the race may not happen after all (info), or '' when it is certain (warning).
    let unless = '';
    if (verdict === 'limited' || (l.recv && setLimit(body, l.recv) === 'other')) unless = 'the loop lets only one goroutine run at a time';
    else if (gBlocks === 'other') unless = 'what the goroutine waits on before the write lets only one through at a time';
    else if (singledOut(w.node, l, ctx)) unless = 'only one goroutine passes the equality test above the write';
    const how = l.stmt.type === 'go_statement' ? 'a goroutine started' : `a function passed to ${l.recv}.Go`;
    ctx.report({
      node: w.node,
      severity: unless ? 'info' : 'warning',
      message:
        `${name} is assigned in ${how} in a loop, without a lock or sync/atomic: every goroutine of the loop writes the same variable, so the writes race` +
        (unless ? ` (unless ${unless})` : '') +
        '; use a mutex, an atomic, or one result slot per goroutine',
      related: [{ node: loop, message: `the loop that starts the goroutines; ${name} is declared outside it` }],
    });
    return true;
  }
  if (gBlocks !== 'none') return false;
  // 2. A sibling goroutine of the same function writes it too.
  for (const o of all) {
    if (o.decl !== w.decl || o.launch === l || o.launch.stmt.startIndex >= l.stmt.startIndex) continue;
    if (goroutineBlocksBefore(o.launch, o.node, ctx) !== 'none') continue;
    if (!reachableAfter(o.launch.stmt, l.stmt, body)) continue;
    if (parentSyncBetween(points(), o.launch, o.launch.stmt.endIndex, l.stmt.startIndex, name)) continue;
    ctx.report({
      node: w.node,
      message: `${name} is assigned in two goroutines of this function without a lock or sync/atomic; the writes race`,
      related: [{ node: o.node, message: `the other goroutine's write to ${name}` }],
    });
    return true;
  }
  // 3. The starting function touches it after the start, with nothing that orders the two.
  const access = parentAccessAfter(w, body, points(), ctx);
  if (!access) return false;
  const kind = isWriteIdent(access) ? 'writes' : 'reads';
  const sure = topLevelOf(w.node, l.body) && sameListFollower(l.stmt, access);
  ctx.report({
    node: w.node,
    severity: sure ? 'warning' : 'info',
    message: `${name} is assigned in this goroutine while the function that starts it ${kind} it afterwards with no Wait, channel operation or lock in between; the accesses race`,
    related: [{ node: access, message: `the starting function ${kind} ${name} here` }],
  });
  return true;
}

/**
 * The write sits under an `if` that compares a loop variable or a parameter of the literal itself for
 * equality (`if i == 0`, `if u == primary`): perhaps only one goroutine of the loop gets there. A
 * field of it (`p.Body == "ok"`) is a filter many may pass, and does not count.
 */
function singledOut(write: Node, l: Launch, ctx: RuleContext): boolean {
  for (let p = write.parent; p && p.id !== l.body.id; p = p.parent) {
    if (p.type !== 'if_statement' && p.type !== 'expression_case') continue;
    const cond = p.type === 'if_statement' ? field(p, 'condition') : p;
    let found = false;
    walk(cond ?? p, (n) => {
      if (found || n.type === 'block') return false;
      if (n.type === 'binary_expression' && n.childForFieldName('operator')?.type === '==') {
        for (const side of [field(n, 'left'), field(n, 'right')]) {
          const e = side ? unparen(side) : null;
          const d = e?.type === 'identifier' ? ctx.sem.resolve(e) : undefined;
          if (d && (d.kind === 'range' || d.scope.type === 'for_statement' || (d.kind === 'param' && d.scope.id === l.lit.id))) found = true;
        }
      }
      return !found;
    });
    if (found) return true;
  }
  return false;
}

function isWriteIdent(id: Node): boolean {
  const p = id.parent;
  if (!p) return false;
  if (p.type === 'inc_statement' || p.type === 'dec_statement') return true;
  return p.type === 'expression_list' && p.parent?.type === 'assignment_statement' && field(p.parent, 'left')?.id === p.id;
}

/** The innermost loop of fn around the start that the variable is declared outside of, when the loop does not stop after one start. */
function spawningLoop(stmt: Node, d: Decl, fn: Node): Node | null {
  let child = stmt;
  for (let p = stmt.parent; p && p.id !== fn.id; child = p, p = p.parent) {
    if (FUNCTION_TYPES.has(p.type)) return null;
    if (p.type === 'for_statement' && field(p, 'body')?.id === child.id && !within(d.nameNode, p)) {
      return leavesAfter(stmt, p) ? null : p;
    }
  }
  return null;
}

/** After the start, the loop body surely returns or breaks out: one goroutine per loop run. */
function leavesAfter(stmt: Node, loop: Node): boolean {
  let breakable = true; // a `break` here leaves `loop`
  for (let cur: Node = stmt, list = stmt.parent; list && list.id !== loop.id; cur = list, list = list.parent) {
    if (list.type === 'statement_list') {
      for (let s = cur.nextNamedSibling; s; s = s.nextNamedSibling) {
        if (s.type === 'return_statement' || s.type === 'goto_statement') return true;
        if (s.type === 'break_statement' && (breakable || s.namedChildCount > 0)) return true;
        if (s.type === 'expression_statement' && s.namedChild(0) && isNoReturnCall(s.namedChild(0)!)) return true;
      }
    }
    if (['expression_switch_statement', 'type_switch_statement', 'select_statement', 'for_statement'].includes(list.type)) breakable = false;
  }
  return false;
}

/**
 * 'serial': something in the loop after the start may wait for the goroutine (a Wait, a receive…);
 * 'limited': the loop blocks before the start on something the goroutine also uses (a semaphore);
 * 'concurrent': nothing in the loop waits on the goroutines.
 */
function loopVerdict(loop: Node, l: Launch, name: string, ctx: RuleContext): 'serial' | 'limited' | 'concurrent' {
  let verdict: 'serial' | 'limited' | 'concurrent' = 'concurrent';
  const others = without(l.captured, name);
  eachBlocking(loop, l, ctx, (n) => {
    if (n.startIndex >= l.stmt.endIndex) {
      verdict = 'serial';
      return;
    }
    if (verdict === 'serial') return;
    // Before the start: a semaphore or token pool only when the goroutine hands it back.
    let limited: boolean;
    if (n.type === 'send_statement') limited = l.recvs.has(norm(field(n, 'channel')?.text ?? ''));
    else if (n.type === 'unary_expression') limited = l.sends.has(norm(field(n, 'operand')?.text ?? ''));
    else if (n.type === 'range_clause') limited = l.sends.has(norm(field(n, 'right')?.text ?? ''));
    else limited = mentionsAny(n, others);
    if (!limited) return;
    // A Wait before the start waits for the previous iteration's goroutine.
    const waits = n.type === 'call_expression' && /^wait/i.test(calleeName(n) ?? '');
    const cap = waits ? 1 : semaphoreCapacity(n, ctx);
    if (cap === undefined) verdict = 'limited';
    else if (cap <= 1) verdict = 'serial';
  });
  return verdict;
}

function without(set: Set<string>, name: string): Set<string> {
  const out = new Set(set);
  out.delete(name);
  return out;
}

/** For a send on a channel made in this file with a literal capacity (a semaphore): that capacity. */
function semaphoreCapacity(n: Node, ctx: RuleContext): number | undefined {
  if (n.type !== 'send_statement') return undefined;
  const ch = field(n, 'channel');
  if (ch?.type !== 'identifier') return undefined;
  const d = ctx.sem.resolve(ch);
  const v = d?.valueNode ? unparen(d.valueNode) : null;
  if (!v || v.type !== 'call_expression' || field(v, 'function')?.text !== 'make') return undefined;
  const args = callArgs(v);
  return args.length === 2 && /^\d+$/.test(args[1]!.text) ? Number(args[1]!.text) : undefined;
}

/** `g.SetLimit(1)` in fn: errgroup runs one function at a time. */
function setLimit(body: Node, recv: string): 'none' | 'one' | 'other' {
  let out: 'none' | 'one' | 'other' = 'none';
  walk(body, (n) => {
    if (n.type === 'call_expression') {
      const f = field(n, 'function');
      if (f?.type === 'selector_expression' && field(f, 'field')?.text === 'SetLimit' && field(f, 'operand')?.text === recv) {
        out = callArgs(n)[0]?.text === '1' ? 'one' : 'other';
      }
    }
    return true;
  });
  return out;
}

/**
 * Operations in node (outside function literals, the start's literal included) that block or order
 * memory: receives, sends, selects, ranges over something that may be a channel, calls named like Wait
 * or Lock, and calls that take a function literal (which may wait, e.g. a polling helper).
 */
function eachBlocking(node: Node, l: Launch | null, ctx: RuleContext, visit: (n: Node) => void): void {
  walk(node, (n) => {
    if (FUNCTION_TYPES.has(n.type)) return false;
    if (l && n.id === l.stmt.id) return false;
    if (isBlocking(n, ctx)) visit(n);
    return true;
  });
}

function isBlocking(n: Node, ctx: RuleContext): boolean {
  switch (n.type) {
    case 'send_statement':
      return true;
    case 'unary_expression':
      return n.child(0)?.type === '<-';
    case 'range_clause': {
      const r = field(n, 'right');
      if (!r) return true;
      const t = ctx.sem.underlying(ctx.sem.typeOf(r));
      return !t || t.k === 'chan' || t.k === 'unknown' || t.k === 'interface' || t.k === 'func';
    }
    case 'call_expression': {
      const name = calleeName(n);
      if (name && BLOCKING_NAME.test(name)) return true;
      return callArgs(n).some((a) => unparen(a).type === 'func_literal');
    }
    default:
      return false;
  }
}

function mentionsAny(node: Node, names: Set<string>): boolean {
  let found = false;
  walk(node, (n) => {
    if (found) return false;
    if (n.type === 'identifier' && names.has(n.text)) found = true;
    return !found;
  });
  return found;
}

/**
 * Whether the goroutine may wait before the write: 'none'; 'queue' when it only receives from channels
 * shared with its siblings (a work queue, ctx.Done()), which does not order the siblings' writes;
 * 'other' for anything else (a Wait, a lock, a send, a receive from a per-goroutine channel).
 */
function goroutineBlocksBefore(l: Launch, write: Node, ctx: RuleContext): 'none' | 'queue' | 'other' {
  l.blockers ??= goroutineBlockers(l, ctx);
  let out: 'none' | 'queue' | 'other' = 'none';
  for (const b of l.blockers) {
    if (b.start >= write.startIndex) break;
    if (b.kind === 'other') return 'other';
    out = 'queue';
  }
  return out;
}

function goroutineBlockers(l: Launch, ctx: RuleContext): { start: number; kind: 'queue' | 'other' }[] {
  const out: { start: number; kind: 'queue' | 'other' }[] = [];
  walk(l.body, (n) => {
    if (FUNCTION_TYPES.has(n.type)) return false;
    if (n.type === 'defer_statement') return false;
    if (!isBlocking(n, ctx)) return true;
    const ch = n.type === 'unary_expression' ? field(n, 'operand') : n.type === 'range_clause' ? field(n, 'right') : null;
    out.push({ start: n.startIndex, kind: ch && sharedChannel(ch, l, ctx) ? 'queue' : 'other' });
    return true;
  });
  return out;
}

/** A channel expression that is the same for every goroutine of a start: declared outside the literal, or `ctx.Done()`. */
function sharedChannel(ch: Node, l: Launch, ctx: RuleContext): boolean {
  const e = unparen(ch);
  if (e.type === 'call_expression') {
    const f = field(e, 'function');
    return f?.type === 'selector_expression' && field(f, 'field')?.text === 'Done' && callArgs(e).length === 0;
  }
  let root = e;
  while (root.type === 'selector_expression') root = unparen(field(root, 'operand')!);
  if (root.type !== 'identifier') return false;
  const d = ctx.sem.resolve(root);
  return !!d && !within(d.nameNode, l.lit);
}

/**
 * From the start, control can reach target by falling through the statements after it (and after each
 * enclosing statement), without crossing a return, break, continue, goto or a call that does not
 * return. Loop back edges are not followed.
 */
function reachableAfter(from: Node, target: Node, body: Node): boolean {
  for (let cur: Node = from, list = from.parent; list; cur = list, list = list.parent) {
    if (list.type === 'statement_list') {
      for (let s = cur.nextNamedSibling; s; s = s.nextNamedSibling) {
        if (within(target, s)) return true;
        if (terminates(s)) return false;
      }
    }
    if (list.id === body.id || FUNCTION_TYPES.has(list.type)) return false;
  }
  return false;
}

function terminates(s: Node): boolean {
  if (['return_statement', 'break_statement', 'continue_statement', 'goto_statement'].includes(s.type)) return true;
  return s.type === 'expression_statement' && !!s.namedChild(0) && isNoReturnCall(s.namedChild(0)!);
}

/** The access is inside a statement that follows the start in the same statement list. */
function sameListFollower(stmt: Node, access: Node): boolean {
  for (let s = stmt.nextNamedSibling; s; s = s.nextNamedSibling) {
    if (within(access, s)) return true;
    if (terminates(s)) return false;
  }
  return false;
}

/** The write's statement is a direct statement of the goroutine body (it runs whenever the goroutine gets that far). */
function topLevelOf(write: Node, body: Node): boolean {
  let s: Node | null = write;
  while (s && s.parent?.type !== 'statement_list') s = s.parent;
  return !!s && s.parent?.parent?.id === body.id;
}

/**
 * Something in the parent between two offsets that may order it with the goroutine: a blocking
 * operation, a call on or with anything the goroutine uses (`wg.Wait()`, `srv.Close()`,
 * `waitFor(done)`), or a call of a local function value.
 */
function parentSyncBetween(points: SyncPoint[], l: Launch, from: number, to: number, name: string): boolean {
  for (const p of points) {
    if (p.end <= from || p.start >= to) continue;
    if (p.start >= l.stmt.startIndex && p.end <= l.stmt.endIndex) continue;
    if (p.always) return true;
    for (const n of p.names) if (n !== name && l.captured.has(n)) return true;
  }
  return false;
}

interface SyncPoint {
  start: number;
  end: number;
  /** A blocking operation, or a call of a local function value. */
  always: boolean;
  /** For other calls: the identifiers of the receiver and the arguments. */
  names: string[];
}

/** Every blocking operation and call of the function body, outside function literals. */
function syncPoints(body: Node, ctx: RuleContext): SyncPoint[] {
  const out: SyncPoint[] = [];
  walk(body, (n) => {
    if (FUNCTION_TYPES.has(n.type)) return false;
    if (isBlocking(n, ctx)) out.push({ start: n.startIndex, end: n.endIndex, always: true, names: [] });
    else if (n.type === 'call_expression') {
      const f = unparen(field(n, 'function')!);
      if (f.type === 'identifier') {
        const d = ctx.sem.resolve(f);
        if (d && d.kind !== 'func') {
          out.push({ start: n.startIndex, end: n.endIndex, always: true, names: [] }); // a local func value: may wait
          return true;
        }
      }
      const names: string[] = [];
      const collect = (x: Node | null) => {
        if (x) walk(x, (i) => (i.type === 'identifier' && names.push(i.text), i.type !== 'func_literal'));
      };
      collect(field(n, 'arguments'));
      if (f.type === 'selector_expression') collect(field(f, 'operand'));
      if (names.length) out.push({ start: n.startIndex, end: n.endIndex, always: false, names });
    }
    return true;
  });
  return out;
}

/** The first access of the variable by the starting function after the start, unordered with the write. */
function parentAccessAfter(w: Write, body: Node, points: SyncPoint[], ctx: RuleContext): Node | null {
  const l = w.launch;
  // A start inside a loop (whose variable is per-iteration or whose loop is serialised): anything the
  // loop does before the start, in a later iteration, counts as between.
  let from = l.stmt.endIndex;
  for (let p = l.stmt.parent; p && p.id !== body.id; p = p.parent) if (p.type === 'for_statement') from = p.startIndex;
  let out: Node | null = null;
  walk(body, (n) => {
    if (out) return false;
    if (n.endIndex <= l.stmt.endIndex) return false;
    if (FUNCTION_TYPES.has(n.type)) return false;
    const nakedReturn = n.type === 'return_statement' && n.namedChildCount === 0 && w.decl.kind === 'result';
    if (nakedReturn || (n.type === 'identifier' && n.text === w.decl.name && n.startIndex >= l.stmt.endIndex  && ctx.sem.resolve(n) === w.decl)) {
      // A write that receives first (`err = <-errc`) happens after that receive.
      const to = isWriteIdent(n) ? n.parent!.parent!.endIndex : n.startIndex;
      if (reachableAfter(l.stmt, n, body) && !parentSyncBetween(points, l, from, to, w.decl.name)) out = n;
      return false;
    }
    return true;
  });
  return out;
}

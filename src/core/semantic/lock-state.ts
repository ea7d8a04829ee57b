import type { SyntaxNode as Node } from '../syntax/node';
import type { FileSemantics } from './file';
import { isNoReturnCall } from './flow';
import { isLockReceiver, lockCall } from './locks';
import { field, FUNCTION_TYPES, namedChildren, statementsOf, walk } from './nodes';
import { ObjectMemo } from '../memo';

/**
 * Which locks are held for certain ("must" analysis) at each statement of one function body, from its
 * own `X.Lock()` / `X.RLock()` calls (receiver compared by text). Used by the mutex rules.
 *
 * Paths merge by intersection, so a lock counts as held only when it is held on every path that reaches
 * the statement; loops are iterated to a fixed point before their statements are reported. Anything the
 * walk cannot follow makes it forget a lock rather than assume it: a call that mentions the receiver
 * (`unlock(&s.mu)`), a method whose name says unlock, a reassignment of the receiver's root variable.
 * A function with goto or a labelled break/continue is not analysed at all (`unstructured`).
 * Function literals are not entered: they run later or elsewhere, and are walked as functions of their own.
 */

export interface Held {
  /** Receiver text, e.g. `s.mu`. */
  recv: string;
  method: 'Lock' | 'RLock';
  /** The lock call's statement. */
  stmt: Node;
  /** A `defer X.Unlock()` has been seen: held to the end of the function. */
  deferred: boolean;
}
export type LockState = ReadonlyMap<string, Held>;

export interface LockEvents {
  /** `X.Lock()`/`X.RLock()` while `prev` (same receiver) is held. */
  onLock?(lock: Held, prev: Held | undefined): void;
  /**
   * A simple statement, or an if/for/switch/select header, with the locks held before it. Function
   * literals inside it are not part of it (see `eachNodeOutsideLiterals`).
   */
  onNode?(node: Node, held: LockState): void;
  /** `X.Unlock()`/`X.RUnlock()` with what was held before it. */
  onUnlock?(recv: string, method: string, stmt: Node, held: LockState): void;
}

interface Flow {
  out: Map<string, Held> | null;
  brk: Map<string, Held>[];
  cont: Map<string, Held>[];
}

const UNLOCKS: Readonly<Record<string, 'Lock' | 'RLock'>> = { Unlock: 'Lock', RUnlock: 'RLock' };

type LockEvent =
  | { k: 'lock'; lock: Held; prev: Held | undefined }
  | { k: 'node'; node: Node; held: LockState }
  | { k: 'unlock'; recv: string; method: string; stmt: Node; held: LockState };

/**
 * The events of each body walked in this analysis, by body node id. Several rules (unlock-not-deferred,
 * recursive-lock, lock-held-during-io, write-under-rlock, channel-op-under-lock, the goroutine rules)
 * walk the same function: it is walked once and the events replayed to each. A replay is exact because
 * the walk does not depend on the listeners and never changes a state after handing it out (every
 * change makes a new Map).
 */
const recorded = new ObjectMemo<FileSemantics, Map<number, LockEvent[] | null>>('lockEvents');

/** Runs the walk over a function's body; returns false when the function was not analysed. */
export function walkLocks(body: Node, sem: FileSemantics, events: LockEvents): boolean {
  let bodies = recorded.get(sem);
  if (!bodies) recorded.set(sem, (bodies = new Map()));
  let evs = bodies.get(body.id);
  if (evs === undefined) {
    if (isUnstructured(body)) evs = null;
    else {
      const out: LockEvent[] = [];
      const record: LockEvents = {
        onLock: (lock, prev) => out.push({ k: 'lock', lock, prev }),
        onNode: (node, held) => out.push({ k: 'node', node, held }),
        onUnlock: (recv, method, stmt, held) => out.push({ k: 'unlock', recv, method, stmt, held }),
      };
      new Walker(sem, record, releasedElsewhere(body)).list(statementsOf(body), new Map());
      evs = out;
    }
    bodies.set(body.id, evs);
  }
  if (!evs) return false;
  for (const e of evs) {
    if (e.k === 'node') events.onNode?.(e.node, e.held);
    else if (e.k === 'lock') events.onLock?.(e.lock, e.prev);
    else events.onUnlock?.(e.recv, e.method, e.stmt, e.held);
  }
  return true;
}

/** Calls visit on node and its descendants, not entering function literals. */
export function eachNodeOutsideLiterals(node: Node, visit: (n: Node) => void): void {
  walk(node, (n) => {
    if (n.type === 'func_literal') return false;
    visit(n);
    return true;
  });
}

/**
 * Receivers this function lets someone else release: unlocked inside a function literal that is not an
 * immediately deferred one (`op.done = func() { mu.Unlock() }`), or handed out as a method value
 * (`srv.NotifyStarted = mu.Unlock`). Such a mutex is a signal, not a critical section: not tracked.
 */
function releasedElsewhere(body: Node): Set<string> {
  const out = new Set<string>();
  if (!body.text.includes('Unlock')) return out;
  walk(body, (n) => {
    if (n.type === 'selector_expression' && /^R?Unlock$/.test(field(n, 'field')?.text ?? '')) {
      const recv = field(n, 'operand')?.text;
      if (!recv) return true;
      if (n.parent?.type !== 'call_expression' || field(n.parent, 'function')?.id !== n.id) out.add(recv);
      else {
        for (let p: Node | null = n.parent; p && p.id !== body.id; p = p.parent) {
          if (p.type !== 'func_literal') continue;
          const call = p.parent;
          const deferred = call?.type === 'call_expression' && call.parent?.type === 'defer_statement';
          if (!deferred) out.add(recv);
          break;
        }
      }
    }
    return true;
  });
  return out;
}

function isUnstructured(body: Node): boolean {
  // goto and labelled break/continue are spelled out in the text: without them, no walk.
  if (!/\bgoto\b|\b(?:break|continue)[ \t]+[A-Za-z_]/.test(body.text)) return false;
  let found = false;
  walk(body, (n) => {
    if (found || n.type === 'func_literal') return false;
    if (n.type === 'goto_statement') found = true;
    if ((n.type === 'break_statement' || n.type === 'continue_statement') && n.namedChildCount > 0) found = true;
    return !found;
  });
  return found;
}

function intersect(states: Map<string, Held>[]): Map<string, Held> | null {
  if (states.length === 0) return null;
  const out = new Map<string, Held>();
  for (const [k, h] of states[0]!) {
    let keep = true;
    let deferred = h.deferred;
    for (const s of states.slice(1)) {
      const o = s.get(k);
      if (!o || o.method !== h.method) {
        keep = false;
        break;
      }
      deferred &&= o.deferred;
    }
    if (keep) out.set(k, deferred === h.deferred ? h : { ...h, deferred });
  }
  return out;
}

function sameState(a: Map<string, Held> | null, b: Map<string, Held> | null): boolean {
  if (!a || !b) return a === b;
  if (a.size !== b.size) return false;
  for (const [k, h] of a) {
    const o = b.get(k);
    if (!o || o.stmt.id !== h.stmt.id || o.deferred !== h.deferred) return false;
  }
  return true;
}

class Walker {
  private muted = 0;
  private lockOnly = 0;
  private readonly seen = new Set<number>();

  constructor(
    private readonly sem: FileSemantics,
    private readonly ev: LockEvents,
    private readonly signals: ReadonlySet<string>,
  ) {}

  private node(n: Node | null, st: Map<string, Held>): void {
    if (n && !this.muted && !this.lockOnly) this.ev.onNode?.(n, st);
  }

  list(stmts: Node[], st: Map<string, Held>): Flow {
    let cur: Map<string, Held> | null = st;
    const brk: Map<string, Held>[] = [];
    const cont: Map<string, Held>[] = [];
    for (const s of stmts) {
      if (!cur) break; // unreachable code
      const f = this.stmt(s, cur);
      brk.push(...f.brk);
      cont.push(...f.cont);
      cur = f.out;
    }
    return { out: cur, brk, cont };
  }

  private stmt(s: Node, st: Map<string, Held>): Flow {
    const flow = (out: Map<string, Held> | null): Flow => ({ out, brk: [], cont: [] });
    switch (s.type) {
      case 'comment':
      case 'empty_statement':
        return flow(st);
      case 'block':
        return this.list(statementsOf(s), st);
      case 'labeled_statement': {
        const inner = namedChildren(s).find((c) => c.type !== 'label_name');
        return inner ? this.stmt(inner, st) : flow(st);
      }
      case 'return_statement':
        this.node(s, st);
        return flow(null);
      case 'break_statement':
        return { out: null, brk: [st], cont: [] };
      case 'continue_statement':
        return { out: null, brk: [], cont: [st] };
      case 'fallthrough_statement':
        return flow(st);
      case 'if_statement': {
        this.node(field(s, 'initializer'), st);
        this.node(field(s, 'condition'), st);
        const a = this.stmt(field(s, 'consequence')!, new Map(st));
        const altNode = field(s, 'alternative');
        const b = altNode ? this.stmt(altNode, new Map(st)) : flow(st);
        const outs = [a.out, b.out].filter((x): x is Map<string, Held> => !!x);
        return { out: intersect(outs), brk: [...a.brk, ...b.brk], cont: [...a.cont, ...b.cont] };
      }
      case 'for_statement': {
        for (const c of namedChildren(s)) if (c.type !== 'block' && c.type !== 'comment') this.node(c, st);
        const body = field(s, 'body');
        // Loop head: entry ∩ end of body ∩ continues, iterated (muted) until stable.
        let head: Map<string, Held> = st;
        this.muted++;
        for (let i = 0; i < 4; i++) {
          const f = body ? this.stmt(body, new Map(head)) : flow(head);
          const next = intersect([st, ...(f.out ? [f.out] : []), ...f.cont])!;
          if (sameState(next, head)) break;
          head = next;
        }
        this.muted--;
        const f = body ? this.stmt(body, new Map(head)) : flow(head);
        // A second iteration that starts from the end of the first: a lock the body takes and never
        // releases is taken again (only lock events are reported from this pass).
        const back = intersect([...(f.out ? [f.out] : []), ...f.cont]);
        if (body && back && back.size > 0 && !sameState(back, head)) {
          this.lockOnly++;
          this.stmt(body, new Map(back));
          this.lockOnly--;
        }
        const exits: Map<string, Held>[] = [...f.brk];
        if (!isEndlessFor(s)) exits.push(head);
        return flow(intersect(exits));
      }
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement': {
        for (const h of ['initializer', 'value', 'alias']) this.node(field(s, h), st);
        const outs: Map<string, Held>[] = [];
        const cont: Map<string, Held>[] = [];
        let hasDefault = false;
        for (const c of namedChildren(s)) {
          if (!c.type.endsWith('_case')) continue;
          if (c.type === 'default_case') hasDefault = true;
          if (c.type === 'communication_case') this.node(field(c, 'communication'), st);
          if (c.type === 'type_case' || c.type === 'expression_case') this.node(field(c, 'value'), st);
          const f = this.list(statementsOf(c), new Map(st));
          if (f.out) outs.push(f.out);
          outs.push(...f.brk);
          cont.push(...f.cont);
        }
        if (!hasDefault && s.type !== 'select_statement') outs.push(st);
        return { out: intersect(outs), brk: [], cont };
      }
      case 'defer_statement': {
        this.node(s, st);
        const lc = lockCall(s);
        const recvs: string[] = [];
        if (lc && UNLOCKS[lc.method]) recvs.push(lc.recv.text);
        else {
          // defer func() { … X.Unlock() … }()
          const call = s.namedChild(0);
          const fn = call?.type === 'call_expression' ? field(call, 'function') : null;
          if (fn?.type === 'func_literal') {
            walk(fn, (n) => {
              if (n.type === 'expression_statement') {
                const u = lockCall(n);
                if (u && UNLOCKS[u.method]) recvs.push(u.recv.text);
              }
              return true;
            });
          }
        }
        if (recvs.length === 0) return flow(st);
        const out = new Map(st);
        for (const r of recvs) {
          const h = out.get(r);
          if (h) out.set(r, { ...h, deferred: true });
        }
        return flow(out);
      }
      case 'expression_statement': {
        const lc = lockCall(s);
        if (lc && (lc.method === 'Lock' || lc.method === 'RLock') && !this.signals.has(lc.recv.text) && isLockReceiver(lc.recv, this.sem)) {
          this.node(s, st);
          const h: Held = { recv: lc.recv.text, method: lc.method, stmt: s, deferred: false };
          const prev = st.get(h.recv);
          if (!this.muted && (!this.lockOnly || (prev && !this.seen.has(s.id)))) {
            if (prev) this.seen.add(s.id);
            this.ev.onLock?.(h, prev);
          }
          const out = new Map(st);
          out.set(h.recv, h);
          return flow(out);
        }
        if (lc && UNLOCKS[lc.method]) {
          if (!this.muted && !this.lockOnly) this.ev.onUnlock?.(lc.recv.text, lc.method, s, st);
          this.node(s, st);
          const out = new Map(st);
          out.delete(lc.recv.text);
          return flow(out);
        }
        this.node(s, st);
        const e = s.namedChild(0);
        if (e && isNoReturnCall(e)) return flow(null);
        return flow(this.forget(s, st));
      }
      default:
        this.node(s, st);
        return flow(this.forget(s, st));
    }
  }

  /** Drops the locks a statement may release or rebind in ways the walk does not model. */
  private forget(s: Node, st: Map<string, Held>): Map<string, Held> {
    if (st.size === 0) return st;
    let out: Map<string, Held> | null = null;
    const drop = (k: string) => {
      out ??= new Map(st);
      out.delete(k);
    };
    const roots = new Map<string, string>();
    for (const k of st.keys()) roots.set(k, /^[A-Za-z_][A-Za-z0-9_]*/.exec(k)?.[0] ?? k);
    walk(s, (n) => {
      if (n.type === 'func_literal') return false;
      if (n.type === 'call_expression') {
        const fn = field(n, 'function');
        const name = fn?.type === 'selector_expression' ? field(fn, 'field')?.text : fn?.text;
        if (name && /unlock/i.test(name)) for (const k of st.keys()) drop(k);
        for (const a of namedChildren(field(n, 'arguments'))) {
          for (const k of st.keys()) if (a.text.includes(k)) drop(k);
        }
      }
      if (n.type === 'assignment_statement' || n.type === 'short_var_declaration') {
        const left = field(n, 'left');
        for (const l of namedChildren(left)) {
          for (const [k, r] of roots) if (l.text === r || l.text === k) drop(k);
        }
      }
      return true;
    });
    return out ?? st;
  }
}

function isEndlessFor(forStmt: Node): boolean {
  for (const c of namedChildren(forStmt)) {
    if (c.type === 'block' || c.type === 'comment') continue;
    if (c.type === 'for_clause') return field(c, 'condition') === null;
    return false;
  }
  return true;
}

/** The body of a function declaration, method or literal. */
export function functionBody(fn: Node): Node | null {
  return FUNCTION_TYPES.has(fn.type) ? field(fn, 'body') : null;
}

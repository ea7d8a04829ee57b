import type { SyntaxNode as Node } from '../syntax/node';
import { field, namedChildren, selectorCall, statementsOf, unparen } from './nodes';

/**
 * Path questions inside one function, answered on the syntax tree's structure (Go's statements are
 * structured, so a one-bit dataflow over them needs no explicit CFG): "from this statement on, is there
 * a path to a return, or to the end of the function, along which nothing mentions v?"
 * Conservative where the structure is not enough: goto and labelled break/continue end the path without
 * a report, and looping back to the starting statement counts as a use.
 */

interface Out {
  normal: boolean;
  brk: boolean;
  cont: boolean;
}
const DEAD: Out = { normal: false, brk: false, cont: false };
const NORMAL: Out = { normal: true, brk: false, cont: false };

/** Method names that never return (by convention: testing, log, zap, logrus, klog …). */
const NO_RETURN_METHODS = new Set(['Fatal', 'Fatalf', 'Fatalln', 'Panic', 'Panicf', 'Panicln', 'FailNow', 'Skip', 'Skipf', 'SkipNow', 'Goexit']);
const EXIT_PACKAGES = new Set(['os', 'syscall', 'klog', 'logrus', 'glog']);

/** True for `panic(...)`, `os.Exit(...)`, `log.Fatal(...)`, `t.FailNow()` and the like. */
export function isNoReturnCall(expr: Node): boolean {
  const call = unparen(expr);
  if (call.type !== 'call_expression') return false;
  const fn = field(call, 'function');
  if (fn?.type === 'identifier') return fn.text === 'panic';
  const sc = selectorCall(call);
  if (!sc) return false;
  if (NO_RETURN_METHODS.has(sc.name)) return true;
  return sc.name === 'Exit' && sc.operand.type === 'identifier' && EXIT_PACKAGES.has(sc.operand.text);
}

export class UnusedPathSearch {
  /** The first return reached with v unused, or the function body itself for its closing brace. */
  leak: Node | null = null;

  /**
   * @param mentions whether a node mentions the variable
   * @param start the statement after which the search begins
   * @param nakedReturnUses a bare `return` uses the variable (it is a named result)
   */
  constructor(
    private readonly mentions: (n: Node | null) => boolean,
    private readonly start: Node,
    private readonly nakedReturnUses = false,
    /** Loops the caller knows never end on their own (e.g. `for range ticker.C`), besides `for {}`. */
    private readonly endless: (forStmt: Node) => boolean = () => false,
  ) {}

  /** Runs the search from just after `start` (a statement) to the end of its function. */
  run(fnBody: Node): Node | null {
    let node = this.start;
    let flow: Out = NORMAL;
    for (;;) {
      const list = node.parent;
      if (!list) return null;
      if (list.type === 'statement_list') {
        const stmts = namedChildren(list).filter((s) => s.type !== 'comment');
        const i = stmts.findIndex((s) => s.id === node.id);
        if (flow.normal) {
          const o = this.list(stmts, i + 1);
          flow = { normal: o.normal, brk: flow.brk || o.brk, cont: flow.cont || o.cont };
        }
        if (this.leak) return this.leak;
        node = list;
        continue;
      }
      if (list.id === fnBody.id) {
        if (flow.normal) this.leak = fnBody;
        return this.leak;
      }
      switch (list.type) {
        case 'for_statement': {
          // Body done (normally or by continue): the loop runs again, through the start → counts as used;
          // or it exits, when it has a condition.
          const exits = flow.brk || (!isEndless(list) && !this.endless(list) && (flow.normal || flow.cont));
          flow = exits ? NORMAL : DEAD;
          break;
        }
        case 'expression_switch_statement':
        case 'type_switch_statement':
        case 'select_statement':
          flow = { normal: flow.normal || flow.brk, brk: false, cont: flow.cont };
          break;
        case 'if_statement':
        case 'block':
        case 'expression_case':
        case 'default_case':
        case 'type_case':
        case 'communication_case':
        case 'labeled_statement':
          break;
        case 'func_literal':
        case 'function_declaration':
        case 'method_declaration':
          if (flow.normal) this.leak = fnBody;
          return this.leak;
        default:
          // The start is nested in an expression or header we do not model: stay silent.
          return null;
      }
      if (!flow.normal && !flow.brk && !flow.cont) return this.leak;
      node = list;
    }
  }

  private list(stmts: Node[], from: number): Out {
    let normal = true;
    let brk = false;
    let cont = false;
    for (let k = from; k < stmts.length && normal && !this.leak; k++) {
      const o = this.stmt(stmts[k]!);
      normal = o.normal;
      brk ||= o.brk;
      cont ||= o.cont;
    }
    return { normal, brk, cont };
  }

  private stmt(s: Node): Out {
    switch (s.type) {
      case 'return_statement':
        if (!this.mentions(s) && !(this.nakedReturnUses && s.namedChildCount === 0)) this.leak ??= s;
        return DEAD;
      case 'block':
        return this.list(statementsOf(s), 0);
      case 'if_statement': {
        if (this.mentions(field(s, 'initializer')) || this.mentions(field(s, 'condition'))) return DEAD;
        const a = this.stmt(field(s, 'consequence')!);
        const alt = field(s, 'alternative');
        const b = alt ? this.stmt(alt) : NORMAL;
        return { normal: a.normal || b.normal, brk: a.brk || b.brk, cont: a.cont || b.cont };
      }
      case 'for_statement': {
        for (const c of namedChildren(s)) if (c.type !== 'block' && this.mentions(c)) return DEAD;
        const body = field(s, 'body');
        const o = body ? this.stmt(body) : NORMAL;
        return { normal: !(isEndless(s) || this.endless(s)) || o.brk, brk: false, cont: false };
      }
      case 'expression_switch_statement':
      case 'type_switch_statement': {
        if (this.mentions(field(s, 'initializer')) || this.mentions(field(s, 'value')) || this.mentions(field(s, 'alias'))) return DEAD;
        let normal = false;
        let cont = false;
        let hasDefault = false;
        for (const c of namedChildren(s)) {
          if (!c.type.endsWith('_case')) continue;
          if (c.type === 'default_case') hasDefault = true;
          const stmts = statementsOf(c);
          const o = this.list(stmts, 0);
          // `fallthrough` continues in the next case, which is analysed on its own: not an exit.
          const fallsThrough = stmts[stmts.length - 1]?.type === 'fallthrough_statement';
          normal ||= (o.normal && !fallsThrough) || o.brk;
          cont ||= o.cont;
        }
        return { normal: normal || !hasDefault, brk: false, cont };
      }
      case 'select_statement': {
        let normal = false;
        let cont = false;
        for (const c of namedChildren(s)) {
          if (c.type !== 'communication_case' && c.type !== 'default_case') continue;
          if (this.mentions(field(c, 'communication'))) continue;
          const o = this.list(statementsOf(c), 0);
          normal ||= o.normal || o.brk;
          cont ||= o.cont;
        }
        return { normal, brk: false, cont };
      }
      case 'labeled_statement': {
        const inner = namedChildren(s).find((c) => c.type !== 'label_name');
        return inner ? this.stmt(inner) : NORMAL;
      }
      case 'break_statement':
        return namedChildren(s).length ? DEAD : { normal: false, brk: true, cont: false };
      case 'continue_statement':
        return namedChildren(s).length ? DEAD : { normal: false, brk: false, cont: true };
      case 'goto_statement':
        return DEAD;
      case 'expression_statement': {
        if (this.mentions(s)) return DEAD;
        const e = s.namedChild(0);
        return e && isNoReturnCall(e) ? DEAD : NORMAL;
      }
      default:
        return this.mentions(s) ? DEAD : NORMAL;
    }
  }
}

/** `for { … }` with no condition and no range clause. */
export function isEndless(forStmt: Node): boolean {
  for (const c of namedChildren(forStmt)) {
    if (c.type === 'block' || c.type === 'comment') continue;
    if (c.type === 'for_clause') return field(c, 'condition') === null;
    return false;
  }
  return true;
}

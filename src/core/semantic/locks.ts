import type { SyntaxNode as Node } from '../syntax/node';
import type { FileSemantics } from './file';
import { field, selectorCall, unparen } from './nodes';
import type { GoType } from './types';

/**
 * Lock/unlock pairs and whether a receiver is a lock, shared by the mutex rules.
 */
export const UNLOCK_OF: Readonly<Record<string, string>> = { Lock: 'Unlock', RLock: 'RUnlock' };

/** `x.Lock()` as a statement (also under defer): receiver text and method, else null. */
export function lockCall(stmt: Node): { recv: Node; method: string; call: Node } | null {
  let e = stmt.type === 'expression_statement' || stmt.type === 'defer_statement' ? stmt.namedChild(0) : null;
  if (!e) return null;
  e = unparen(e);
  const sc = selectorCall(e);
  if (!sc || (e.type === 'call_expression' && (field(e, 'arguments')?.namedChildCount ?? 0) > 0)) return null;
  return { recv: sc.operand, method: sc.name, call: e };
}

/**
 * Whether x.Lock() is a lock operation: x's declared type is a sync lock (or a pointer to one, or
 * sync.Locker), a struct embedding one, or unknown; not when the package declares x's type with a Lock
 * method that returns a value (then it is something else named Lock).
 */
export function isLockReceiver(recv: Node, sem: FileSemantics): boolean {
  const t = sem.typeOf(recv);
  if (!t) return true;
  return lockish(t, sem, 0);
}

function lockish(t: GoType, sem: FileSemantics, depth: number): boolean {
  if (depth > 4) return false;
  const base = t.k === 'pointer' ? t.elem : t;
  if (base.k === 'named' && base.pkg === 'sync') return ['Mutex', 'RWMutex', 'Locker'].includes(base.name);
  if (base.k === 'named' && base.pkg !== '') return true; // another package's type: assume a lock
  if (base.k === 'struct') return base.fields.some((f) => f.embedded && lockish(f.type, sem, depth + 1));
  if (base.k === 'named') {
    const methods = sem.index.methods.get(base.name) ?? [];
    const lock = methods.find((m) => m.name === 'Lock');
    if (lock) return lock.results.length === 0;
    const fields = sem.index.structs.get(base.name);
    if (fields) return fields.some((f) => f.embedded && lockish(f.type, sem, depth + 1));
    const under = sem.index.namedTypes.get(base.name);
    return under ? lockish(under, sem, depth + 1) : false;
  }
  return base.k === 'interface';
}

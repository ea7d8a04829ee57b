import type { PackageIndex } from './package-index';
import { ObjectMemo } from '../memo';

/**
 * A view of the package index that records what a rule reads: `structs.get("Pool")` records
 * "structs" + "Pool"; anything that looks at a whole table (iteration, size, the atomicRefs list)
 * records "structs" + "*". The editor's per-declaration cache stores, with a declaration's result, the
 * value of each entry it read and reuses the result only while those values are unchanged: typing in
 * one declaration (which changes the index while it is half-written) no longer re-analyses every other
 * declaration of the file, only those that read what changed.
 */
export const WHOLE = '*';

export function trackedIndex(index: PackageIndex, record: (table: string, key: string) => void): PackageIndex {
  // Every property of the view is a data property, set in the index's order, so that all views share
  // one hidden class. With a getter defined on each view (as the array tables had), V8 put every view
  // after the first in dictionary mode, and each analysis's semantics, tree and document text then
  // survived the young-generation GCs until a full one: a scavenge every few keystrokes copied them
  // (measured: 0.09 MB more per keystroke; see the test of this).
  const view: Record<string, unknown> = {};
  views.set(view, { index, record });
  for (const [name, value] of Object.entries(index)) {
    if (value instanceof Map) view[name] = trackedMap(value, name, record);
    else if (Array.isArray(value)) view[name] = trackedArray(value, name, record);
    else view[name] = value;
  }
  return view as unknown as PackageIndex;
}

/** An array table: any use of it reads it whole. */
function trackedArray<T>(array: T[], name: string, record: (table: string, key: string) => void): T[] {
  return new Proxy(array, {
    get(target, prop) {
      record(name, WHOLE);
      return Reflect.get(target, prop, target);
    },
  });
}

function trackedMap<K, V>(map: Map<K, V>, name: string, record: (table: string, key: string) => void): Map<K, V> {
  return new Proxy(map, {
    get(target, prop) {
      if (prop === 'get' || prop === 'has') {
        return (key: K) => {
          record(name, String(key));
          return prop === 'get' ? target.get(key) : target.has(key);
        };
      }
      record(name, WHOLE);
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/**
 * Which recorded reads (`table\0key`) a change of a merged index's parts can affect: the parts of the
 * changed stretch (old and new) are compared with nothing else, since the parts around it are the same
 * and in the same order. A merged entry changes only if a part of the stretch has its key; a table
 * read whole, or a derived read, only if a part of the stretch has anything in it. Types are looked
 * up across the four type tables (a local type stands in for a missing package-level one).
 */
export interface IndexDelta {
  /** The index the change starts from: the delta holds only for it. */
  from: PackageIndex;
  reads: ReadonlySet<string>;
  /** Some table changed: derived reads may have too. */
  any: boolean;
}

const TYPE_TABLES = ['structs', 'namedTypes', 'localStructs', 'localNamedTypes'];

export function indexDelta(from: PackageIndex, before: readonly PackageIndex[], after: readonly PackageIndex[], same: (a: PackageIndex, b: PackageIndex) => boolean): IndexDelta {
  let p = 0;
  while (p < before.length && p < after.length && same(before[p]!, after[p]!)) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && same(before[before.length - 1 - s]!, after[after.length - 1 - s]!)) s++;
  const reads = new Set<string>();
  let any = false;
  const stretch = [...before.slice(p, before.length - s), ...after.slice(p, after.length - s)];
  for (const part of stretch) {
    for (const [table, value] of Object.entries(part)) {
      if (value instanceof Map) {
        if (value.size === 0) continue;
        any = true;
        reads.add(`${table}\0${WHOLE}`);
        const tables = TYPE_TABLES.includes(table) ? TYPE_TABLES : [table];
        for (const t of tables) reads.add(`${t}\0${WHOLE}`);
        for (const key of value.keys()) for (const t of tables) reads.add(`${t}\0${String(key)}`);
      } else if (Array.isArray(value) && value.length) {
        any = true;
        reads.add(`${table}\0${WHOLE}`);
      }
    }
  }
  return { from, reads, any };
}

/** Whether a recorded read (`table\0key`) may see something else after the change. */
export function deltaTouches(delta: IndexDelta, read: string): boolean {
  if (read.startsWith(`${DERIVED}\0`)) return delta.any;
  return delta.reads.has(read);
}

/** The value a recorded read saw, as text (equal text: the rule would read the same). */
export function readValue(index: PackageIndex, table: string, key: string): string {
  if (table === DERIVED) return derivedValue(index, key);
  const t = (index as unknown as Record<string, unknown>)[table];
  if (key === WHOLE) return JSON.stringify(t instanceof Map ? [...t] : t);
  return t instanceof Map ? (JSON.stringify(t.get(key)) ?? 'undefined') : 'undefined';
}

/**
 * A value computed from the whole index (e.g. "does any type hold a lock?") read as one entry: its
 * users depend on the answer, not on every table it looked at, so editing a struct that changes
 * nothing in the answer does not re-judge them. The computation runs on the untracked index.
 */
const derivedFns = new Map<string, (index: PackageIndex) => string>();
const views = new ObjectMemo<object, { index: PackageIndex; record: (table: string, key: string) => void }>('trackedView');

export function derivedRead<T>(view: PackageIndex, name: string, compute: (index: PackageIndex) => T, toText: (v: T) => string = String): T {
  const tracked = views.get(view);
  if (!derivedFns.has(name)) derivedFns.set(name, (idx) => toText(compute(idx)));
  if (!tracked) return compute(view);
  tracked.record(DERIVED, name);
  return compute(tracked.index);
}

export const DERIVED = '\u0004derived';

/** The current text of a derived read (see derivedRead). */
export function derivedValue(index: PackageIndex, name: string): string {
  return derivedFns.get(name)?.(index) ?? 'undefined';
}

/**
 * Lists of strings that all share one hidden class in V8.
 *
 * V8 gives an array a hidden class per elements kind. `[]` starts as a list of small integers, a
 * spread of an empty iterator stays one, and what Array.prototype.map returns is packed or holey
 * depending on the path it took. The lists of names and keys that the editor's per-keystroke loops
 * read (DeclCache.keys, each declaration's package-level names) came in five such classes. Each class
 * the optimised code of analyzeOne had not seen yet sent it back to the interpreter: 40 times in the
 * bench's first 110 keystrokes, each time for the rest of that keystroke. Lists made here, and grown
 * with push, are always a packed list of objects.
 */

/** An empty string[] that already has the elements kind of a list of strings. */
export function stringList(): string[] {
  const list = [''];
  list.pop();
  return list;
}

/** `f` of each string, in order, as a stringList. */
export function mapStrings<T>(from: Iterable<T>, f: (item: T) => string): string[] {
  const out = stringList();
  for (const item of from) out.push(f(item));
  return out;
}

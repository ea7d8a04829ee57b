/**
 * A value remembered per object, kept on the object itself (a hidden symbol-keyed property) rather
 * than in a module-level WeakMap.
 *
 * Why not a WeakMap: V8's young-generation collector (the scavenge that runs every few keystrokes)
 * keeps the values of a WeakMap that lives in the old generation, as every module-level one soon does,
 * even after their key died; only a full collection drops them. Keyed by an object made for one
 * analysis (a rule context, a file's semantics, a package index merged for one keystroke), a WeakMap
 * made each value, and everything it reached (nodes, their tree, the whole document text), survive
 * into the old generation, so that each scavenge copied megabytes and paused the editor for several
 * milliseconds. Held by the key, a value dies with it.
 *
 * The get and set of the WeakMap it replaces. An object that cannot take a property (frozen, sealed) falls
 * back to a WeakMap.
 */
export class ObjectMemo<K extends object, V> {
  private readonly slot: symbol;
  private readonly fallback = new WeakMap<K, V>();

  constructor(name: string) {
    this.slot = Symbol(name);
  }

  get(key: K): V | undefined {
    const own = (key as Record<symbol, V | undefined>)[this.slot];
    return own !== undefined ? own : this.fallback.get(key);
  }

  set(key: K, value: V): this {
    if (Object.prototype.hasOwnProperty.call(key, this.slot)) (key as Record<symbol, V>)[this.slot] = value;
    else if (Object.isExtensible(key)) Object.defineProperty(key, this.slot, { value, writable: true, enumerable: false, configurable: true });
    else this.fallback.set(key, value);
    return this;
  }
}

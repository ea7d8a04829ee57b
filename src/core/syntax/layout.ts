import type { Language } from 'web-tree-sitter';

// Reads tree-sitter's syntax trees straight out of the WASM linear memory.
//
// Why: every Node property of web-tree-sitter (type, parent, a field child, the end index) is a call
// into WASM that first copies the node into a transfer buffer, and every node it returns is a new JS
// object made the same way. The profile of the CLI over etcd put 2.5 s of its 5.8 s there: more than
// parsing. The tree itself is plain data in memory; reading it from JS costs a few typed-array loads.
//
// The layouts below are tree-sitter's own (lib/subtree.h, lib/length.h, tree_sitter/parser.h) for the
// exact web-tree-sitter this package pins (package.json); its source map (web-tree-sitter.wasm.map)
// carries those C sources. test/core/syntax-node.test.ts compares every node and property this
// module reads with web-tree-sitter's own answers over the fixtures, so a change of layout in a new
// web-tree-sitter fails the tests rather than misreading trees.

/** The Emscripten module: `Parser.init(options)` makes `options` the module, and keeps its heap views up to date. */
export interface WasmHeap {
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  HEAPU32: Uint32Array;
}

let heap: WasmHeap | undefined;

/** Called once with the object passed to `Parser.init`. */
export function setHeap(module: WasmHeap): void {
  heap = module;
}

export function hasHeap(): boolean {
  return heap !== undefined && heap.HEAPU8 instanceof Uint8Array;
}

// The typed arrays in use: the memory can grow during a parse or a query, which replaces them.
export let U8: Uint8Array = new Uint8Array(0);
export let U16: Uint16Array = new Uint16Array(0);
export let U32: Uint32Array = new Uint32Array(0);

/** Picks up new heap views after the memory grew (cheap when it did not). */
export function syncHeap(): void {
  const h = heap!;
  if (h.HEAPU8 !== U8) {
    U8 = h.HEAPU8;
    U16 = h.HEAPU16;
    U32 = h.HEAPU32;
  }
}

// --- Subtree (lib/subtree.h). A Subtree is 8 bytes: either inline data (lowest bit set) or a pointer
// to SubtreeHeapData, whose children (Subtree[child_count]) sit just before it.
export const SUBTREE_SIZE = 8;
// SubtreeHeapData offsets (wasm32).
export const H_PADDING = 4; // Length { bytes, row, column }
export const H_SIZE = 16; // Length
const H_ERROR_COST = 32;
export const H_CHILD_COUNT = 36;
export const H_SYMBOL = 40; // uint16
export const H_FLAGS = 44; // visible, named, extra, fragile_left, fragile_right, has_changes, ..., is_missing (bit 9)
export const H_VISIBLE_CHILD_COUNT = 48;
export const H_PRODUCTION_ID = 66; // uint16
// SubtreeInlineData byte offsets: flags (is_inline, visible, named, extra, has_changes, is_missing), symbol,
// parse_state (2), padding_columns, padding_rows:4 | lookahead_bytes:4, padding_bytes, size_bytes.
export const I_SYMBOL = 1;
export const I_PADDING_COLUMNS = 4;
export const I_PADDING_ROWS = 5;
export const I_PADDING_BYTES = 6;
export const I_SIZE_BYTES = 7;

export const ERROR_SYMBOL = 0xffff;

const isInline = (s: number): boolean => (U8[s]! & 1) === 1;
const ptr = (s: number): number => U32[s >>> 2]!;

export function symbolOf(s: number): number {
  return isInline(s) ? U8[s + I_SYMBOL]! : U16[(ptr(s) + H_SYMBOL) >>> 1]!;
}
export function isVisible(s: number): boolean {
  return isInline(s) ? (U8[s]! & 2) !== 0 : (U8[ptr(s) + H_FLAGS]! & 1) !== 0;
}
export function isNamedSubtree(s: number): boolean {
  return isInline(s) ? (U8[s]! & 4) !== 0 : (U8[ptr(s) + H_FLAGS]! & 2) !== 0;
}
export function isExtra(s: number): boolean {
  return isInline(s) ? (U8[s]! & 8) !== 0 : (U8[ptr(s) + H_FLAGS]! & 4) !== 0;
}
export function isMissingSubtree(s: number): boolean {
  return isInline(s) ? (U8[s]! & 32) !== 0 : (U8[ptr(s) + H_FLAGS + 1]! & 2) !== 0;
}
/**
 * How many parents hold the Subtree (ref_count, the first field of its heap data); 0 for an inline one.
 * A subtree an incremental parse reused from the old tree is held by both trees while both are alive.
 */
export function refCount(s: number): number {
  return isInline(s) ? 0 : U32[ptr(s) >>> 2]!;
}
export function hasErrorSubtree(s: number): boolean {
  if (isMissingSubtree(s)) return true;
  return isInline(s) ? false : U32[(ptr(s) + H_ERROR_COST) >>> 2]! > 0;
}
export function childCount(s: number): number {
  return isInline(s) ? 0 : U32[(ptr(s) + H_CHILD_COUNT) >>> 2]!;
}
/** visible_child_count, or 0 for a leaf. */
export function visibleChildCount(s: number): number {
  return childCount(s) > 0 ? U32[(ptr(s) + H_VISIBLE_CHILD_COUNT) >>> 2]! : 0;
}
export function productionId(s: number): number {
  return childCount(s) > 0 ? U16[(ptr(s) + H_PRODUCTION_ID) >>> 1]! : 0;
}
/** Address of the first child's Subtree (children are stored just before the heap data). */
export function childrenAddress(s: number): number {
  const p = ptr(s);
  return p - U32[(p + H_CHILD_COUNT) >>> 2]! * SUBTREE_SIZE;
}

/** A Length (bytes, rows, columns in bytes): the result of paddingOf / sizeOf, reused, read at once. */
export const len = { bytes: 0, row: 0, column: 0 };
export function paddingOf(s: number): typeof len {
  if (isInline(s)) {
    len.bytes = U8[s + I_PADDING_BYTES]!;
    len.row = U8[s + I_PADDING_ROWS]! & 15;
    len.column = U8[s + I_PADDING_COLUMNS]!;
  } else {
    const p = (ptr(s) + H_PADDING) >>> 2;
    len.bytes = U32[p]!;
    len.row = U32[p + 1]!;
    len.column = U32[p + 2]!;
  }
  return len;
}
export function sizeOf(s: number): typeof len {
  if (isInline(s)) {
    len.bytes = U8[s + I_SIZE_BYTES]!;
    len.row = 0;
    len.column = len.bytes;
  } else {
    const p = (ptr(s) + H_SIZE) >>> 2;
    len.bytes = U32[p]!;
    len.row = U32[p + 1]!;
    len.column = U32[p + 2]!;
  }
  return len;
}
export function sizeBytes(s: number): number {
  return isInline(s) ? U8[s + I_SIZE_BYTES]! : U32[(ptr(s) + H_SIZE) >>> 2]!;
}

// --- TSLanguage (tree_sitter/parser.h), copied into JS once per language: it never changes.
const L_SYMBOL_COUNT = 4;
const L_ALIAS_COUNT = 8;
const L_PRODUCTION_ID_COUNT = 28;
const L_FIELD_COUNT = 32;
const L_MAX_ALIAS_SEQUENCE_LENGTH = 36; // uint16
const L_FIELD_NAMES = 60;
const L_FIELD_MAP_SLICES = 64;
const L_FIELD_MAP_ENTRIES = 68;
const L_SYMBOL_METADATA = 72; // { visible, named, supertype } bytes
const L_PUBLIC_SYMBOL_MAP = 76;
const L_ALIAS_SEQUENCES = 84;

export interface LanguageTables {
  /**
   * Node type by symbol: web-tree-sitter's `language.types` at the public symbol, or ERROR where that
   * has no name (the builtin error symbol, and hidden or auxiliary symbols).
   */
  readonly names: readonly string[];
  readonly metaNamed: Uint8Array;
  readonly maxAliasSequence: number;
  /** production_id * maxAliasSequence + structural child index → alias symbol (0: none). */
  readonly aliasSequences: Uint16Array;
  /** production_id → [first entry, entry count] in the field map entries. */
  readonly fieldSlices: Uint16Array;
  /** Entries of 3: field id, structural child index, inherited (0/1). */
  readonly fieldEntries: Uint16Array;
  readonly fieldIds: ReadonlyMap<string, number>;
  readonly fieldNames: readonly (string | null)[];
}

function cString(at: number): string {
  let end = at;
  while (U8[end] !== 0) end++;
  let s = '';
  for (let i = at; i < end; i++) s += String.fromCharCode(U8[i]!);
  // Symbol names are ASCII in practice; decode properly if one is not.
  return /[\x80-\xff]/.test(s) ? new TextDecoder().decode(U8.subarray(at, end)) : s;
}

const tablesByAddress = new Map<number, LanguageTables>();

export function languageTables(language: Language): LanguageTables {
  const address = (language as unknown as { 0: number })[0];
  let t = tablesByAddress.get(address);
  if (t) return t;
  syncHeap();
  const u32 = (off: number) => U32[(address + off) >>> 2]!;
  const symbolCount = u32(L_SYMBOL_COUNT) + u32(L_ALIAS_COUNT);
  const names: string[] = new Array<string>(0x10000).fill('ERROR');
  const metaNamed = new Uint8Array(0x10000);
  const metaAt = u32(L_SYMBOL_METADATA);
  const publicAt = u32(L_PUBLIC_SYMBOL_MAP);
  const types = language.types;
  for (let i = 0; i < symbolCount; i++) {
    names[i] = types[U16[(publicAt + 2 * i) >>> 1]!] || 'ERROR';
    metaNamed[i] = U8[metaAt + 3 * i + 1]!;
  }
  metaNamed[ERROR_SYMBOL] = 1;
  const productions = u32(L_PRODUCTION_ID_COUNT);
  const maxAliasSequence = U16[(address + L_MAX_ALIAS_SEQUENCE_LENGTH) >>> 1]!;
  const aliasAt = u32(L_ALIAS_SEQUENCES);
  const aliasSequences = new Uint16Array(productions * maxAliasSequence);
  for (let i = 0; i < aliasSequences.length; i++) aliasSequences[i] = U16[(aliasAt + 2 * i) >>> 1]!;
  const fieldCount = u32(L_FIELD_COUNT);
  const fieldSlices = new Uint16Array(productions * 2);
  let entryCount = 0;
  if (fieldCount > 0) {
    const slicesAt = u32(L_FIELD_MAP_SLICES);
    for (let i = 0; i < productions; i++) {
      fieldSlices[2 * i] = U16[(slicesAt + 4 * i) >>> 1]!;
      fieldSlices[2 * i + 1] = U16[(slicesAt + 4 * i + 2) >>> 1]!;
      entryCount = Math.max(entryCount, fieldSlices[2 * i]! + fieldSlices[2 * i + 1]!);
    }
  }
  const fieldEntries = new Uint16Array(entryCount * 3);
  const entriesAt = fieldCount > 0 ? u32(L_FIELD_MAP_ENTRIES) : 0;
  for (let i = 0; i < entryCount; i++) {
    fieldEntries[3 * i] = U16[(entriesAt + 4 * i) >>> 1]!;
    fieldEntries[3 * i + 1] = U8[entriesAt + 4 * i + 2]!;
    fieldEntries[3 * i + 2] = U8[entriesAt + 4 * i + 3]!;
  }
  const fieldNames: (string | null)[] = [null];
  const fieldIds = new Map<string, number>();
  const fieldNamesAt = u32(L_FIELD_NAMES);
  for (let i = 1; i <= fieldCount; i++) {
    const n = cString(U32[(fieldNamesAt + 4 * i) >>> 2]!);
    fieldNames[i] = n;
    fieldIds.set(n, i);
  }
  t = { names, metaNamed, maxAliasSequence, aliasSequences, fieldSlices, fieldEntries, fieldIds, fieldNames };
  tablesByAddress.set(address, t);
  return t;
}

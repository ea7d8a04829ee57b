import { Edit, type Tree } from 'web-tree-sitter';
import type { GoParser } from './parser';
import { changedTopLevel, syntaxRoot, type RebuiltTop } from './syntax/node';
import { editLineStarts, lineStartsOf, startsUpTo } from './position';

/** A change as VS Code reports it: replace text[rangeOffset, rangeOffset + rangeLength) with text. */
export interface ContentChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/**
 * What changed since the last `takeChanges()`: the editor carries the cache keys of unchanged top-level
 * declarations over by position instead of reading every declaration's text again (top-level.ts).
 */
export interface DocChanges {
  /** Anything may have changed (new document, reset, settle): nothing is carried over by position. */
  all: boolean;
  /**
   * The tree was parsed afresh from text with syntax errors (settle). Error recovery can then parse a
   * declaration with the same text, and no error of its own, otherwise than before (`close(c)` as a
   * conversion instead of a call): nothing cached by a declaration's text is reused.
   */
  reparsed?: boolean;
  /** The edits in order, each as [start, oldEnd, newEnd] in the offsets of the text before it. */
  edits: [number, number, number][];
  /** Ranges, in current offsets, whose text changed: the edited text. */
  dirty: [number, number][];
  /**
   * The top-level nodes the re-parses built anew, in current offsets (see changedTopLevel): the edited
   * declaration, code an unclosed brace re-shaped far from the edit, and declarations tree-sitter
   * rebuilds on every re-parse with the same text (TopLevel tells those apart).
   */
  rebuilt: RebuiltTop[];
}

/**
 * An open document's text and syntax tree, kept current by incremental re-parsing: each change is
 * applied to the text and to the old tree (`tree.edit`), and tree-sitter re-parses only what changed
 * (while the text has syntax errors, settle parses it afresh).
 * Offsets and columns are UTF-16, as VS Code and web-tree-sitter both use.
 */
export class GoDocument {
  private textValue: string;
  /** Where each line of the text starts, kept through the edits (see LineMap). */
  private starts: Uint32Array;
  private treeValue: Tree;
  private disposed = false;
  /** The tree came from a fresh parse of the current text (not an incremental one). */
  private fresh = true;
  private changes: DocChanges = { all: true, edits: [], dirty: [], rebuilt: [] };

  constructor(
    private readonly parser: GoParser,
    text: string,
  ) {
    this.textValue = text;
    this.starts = lineStartsOf(text);
    this.treeValue = parser.parse(text);
  }

  get text(): string {
    return this.textValue;
  }

  /** Where each line of the current text starts: a LineMap's table, without a scan of the text. */
  get lineStarts(): Uint32Array {
    return this.starts;
  }

  get tree(): Tree {
    if (this.disposed) throw new Error('document is disposed');
    return this.treeValue;
  }

  /** Applies changes in order (each against the text left by the previous one), then re-parses once. */
  update(changes: readonly ContentChange[]): void {
    if (this.disposed) throw new Error('document is disposed');
    let text = this.textValue;
    let starts = this.starts;
    for (const c of changes) {
      const start = clamp(c.rangeOffset, 0, text.length);
      const oldEnd = clamp(c.rangeOffset + c.rangeLength, start, text.length);
      const next = text.slice(0, start) + c.text + text.slice(oldEnd);
      const newEnd = start + c.text.length;
      // The start's row from the line starts; the ends are counted from it through the old and the new
      // text of the edit only (three scans of the text from the top were 4% of a keystroke's time).
      const row = startsUpTo(starts, start) - 1;
      const startPosition = { row, column: start - starts[row]! };
      this.treeValue.edit(new Edit({
        startIndex: start,
        oldEndIndex: oldEnd,
        newEndIndex: newEnd,
        startPosition,
        oldEndPosition: advance(startPosition, text, start, oldEnd),
        newEndPosition: advance(startPosition, c.text, 0, c.text.length),
        }),
      );
      text = next;
      starts = editLineStarts(starts, start, oldEnd, c.text);
      this.changes.edits.push([start, oldEnd, newEnd]);
      this.changes.dirty = this.changes.dirty.map((r) => mapRange(r, start, oldEnd, newEnd));
      this.changes.dirty.push([start, newEnd]);
      this.changes.rebuilt = this.changes.rebuilt.map(([s, e, type, error]) => [...mapRange([s, e], start, oldEnd, newEnd), type, error]);
    }
    const old = this.treeValue;
    this.treeValue = this.parser.parse(text, old);
    for (const r of changedTopLevel(syntaxRoot(this.treeValue, text))) this.changes.rebuilt.push(r);
    old.delete();
    this.textValue = text;
    this.starts = starts;
    this.fresh = false;
  }

  /**
   * Tree-sitter's error recovery can differ between an incremental and a fresh parse of the same text
   * (it reuses the old subtrees around the edit), so while the text has syntax errors the tree may not
   * be the one the CLI would build. Parsing 5,000 lines afresh costs more than a keystroke may, so the
   * editor does it once typing pauses (see live.ts): then the editor shows what the CLI shows.
   * Returns true when it re-parsed (an incremental tree with errors); otherwise it does nothing.
   */
  settle(): boolean {
    if (this.disposed) throw new Error('document is disposed');
    if (this.fresh || !this.treeValue.rootNode.hasError) return false;
    this.fresh = true;
    this.changes.all = true;
    this.changes.reparsed = true;
    const old = this.treeValue;
    this.treeValue = this.parser.parse(this.textValue);
    old.delete();
    return true;
  }

  /** Replaces the whole text (e.g. after a reload from disk): a full parse. */
  reset(text: string): void {
    const old = this.treeValue;
    this.treeValue = this.parser.parse(text);
    old.delete();
    this.textValue = text;
    this.starts = lineStartsOf(text);
    this.fresh = true;
    this.changes.all = true;
    if (this.treeValue.rootNode.hasError) this.changes.reparsed = true;
  }

  /** What changed since the previous call (everything, the first time). */
  takeChanges(): DocChanges {
    const c = this.changes;
    this.changes = { all: false, edits: [], dirty: [], rebuilt: [] };
    return c;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.treeValue.delete();
  }
}

/** A range after an edit replaced [start, oldEnd) by text ending at newEnd; touching counts as overlap. */
function mapRange([s, e]: [number, number], start: number, oldEnd: number, newEnd: number): [number, number] {
  if (e < start) return [s, e];
  const d = newEnd - oldEnd;
  if (s > oldEnd) return [s + d, e + d];
  return [Math.min(s, start), Math.max(e >= oldEnd ? e + d : newEnd, newEnd)];
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/** The position reached from `from` (the position of text[start]) at text[end]. */
function advance(from: { row: number; column: number }, text: string, start: number, end: number): { row: number; column: number } {
  let row = from.row;
  let lineStart = start - from.column;
  for (let i = text.indexOf('\n', start); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: end - lineStart };
}

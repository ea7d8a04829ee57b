import type { SyntaxNode as Node } from './syntax/node';
import type { Position, Span } from './types';

/** Maps UTF-16 offsets to line/character, with a lazily built line table. */
export class LineMap {
  private starts?: Uint32Array;
  /** `starts`: the text's line starts when the caller keeps them (the editor's document does). */
  constructor(
    private readonly text: string,
    starts?: Uint32Array,
  ) {
    this.starts = starts;
  }

  private lineStarts(): Uint32Array {
    return (this.starts ??= lineStartsOf(this.text));
  }

  position(offset: number): Position {
    const line = this.lineOf(offset);
    return { line, character: offset - this.lineStarts()[line]!, offset };
  }

  /** The 0-based line of offset. */
  lineOf(offset: number): number {
    return Math.max(0, startsUpTo(this.lineStarts(), offset) - 1);
  }

  /** The offset where a line starts. */
  lineStart(line: number): number {
    return this.lineStarts()[line]!;
  }

  span(start: number, end: number): Span {
    return { start: this.position(start), end: this.position(end) };
  }
}

/** The offset where each line of text starts ('\n' ends a line); the first is 0. */
export function lineStartsOf(text: string): Uint32Array {
  // Counted first, then filled: the CLI builds this table for every file, and a growing array
  // allocated several times its final size.
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  const s = new Uint32Array(n);
  n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) s[n++] = i + 1;
  return s;
}

/** How many of the sorted starts are at or before offset. */
export function startsUpTo(starts: Uint32Array, offset: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The line starts after text[start, oldEnd) is replaced by `inserted`: the starts before the edit are
 * kept, those of the removed lines dropped, those of the inserted lines added, the rest shifted; no
 * scan of the rest of the text.
 */
export function editLineStarts(starts: Uint32Array, start: number, oldEnd: number, inserted: string): Uint32Array {
  const a = startsUpTo(starts, start);
  const b = startsUpTo(starts, oldEnd);
  const added: number[] = [];
  for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) added.push(start + i + 1);
  const delta = inserted.length - (oldEnd - start);
  const out = new Uint32Array(starts.length - (b - a) + added.length);
  out.set(starts.subarray(0, a), 0);
  out.set(added, a);
  for (let i = b, j = a + added.length; i < starts.length; i++, j++) out[j] = starts[i]! + delta;
  return out;
}

export function nodeSpan(node: Node): Span {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column, offset: node.startIndex },
    end: { line: node.endPosition.row, character: node.endPosition.column, offset: node.endIndex },
  };
}

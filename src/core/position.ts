import type { SyntaxNode as Node } from './syntax/node';
import type { Position, Span } from './types';

/** Maps UTF-16 offsets to line/character, with a lazily built line table. */
export class LineMap {
  private starts?: Uint32Array;
  constructor(private readonly text: string) {}

  private lineStarts(): Uint32Array {
    if (!this.starts) {
      // Counted first, then filled: the editor builds this table on every keystroke, and a growing array
      // allocated several times its final size.
      let n = 1;
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) n++;
      const s = new Uint32Array(n);
      n = 1;
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) s[n++] = i + 1;
      this.starts = s;
    }
    return this.starts;
  }

  position(offset: number): Position {
    const line = this.lineOf(offset);
    return { line, character: offset - this.lineStarts()[line]!, offset };
  }

  /** The 0-based line of offset. */
  lineOf(offset: number): number {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The offset where a line starts. */
  lineStart(line: number): number {
    return this.lineStarts()[line]!;
  }

  span(start: number, end: number): Span {
    return { start: this.position(start), end: this.position(end) };
  }
}

export function nodeSpan(node: Node): Span {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column, offset: node.startIndex },
    end: { line: node.endPosition.row, character: node.endPosition.column, offset: node.endIndex },
  };
}

import type { Node } from 'web-tree-sitter';
import type { DocChanges } from './document';

/**
 * One child of the source file (a declaration, comment, package clause or `;`) as the engine's cache
 * sees it. The key is the text that decides whether an earlier result still holds: the comment lines
 * right above and the node's own text; '' when the node has syntax errors (always analysed afresh).
 */
export interface TopEntry {
  /** Position among the root's children. */
  readonly i: number;
  readonly type: string;
  readonly base: number;
  readonly end: number;
  readonly key: string;
}

/**
 * The root's children with their keys, in order. Reading a key means copying the declaration's text out
 * of the tree, which for 600 declarations costs more than a keystroke may. So the editor carries keys
 * over: a child whose span, mapped through the edits since the last call, is unchanged, and that no
 * edited or structurally changed range touches (from the end of the previous non-comment child, which
 * covers its leading comments), has the same text as before and keeps its key. The others are read.
 */
export class TopLevel {
  private prev: TopEntry[] = [];

  update(root: Node, text: string, changes: DocChanges): TopEntry[] {
    const carried = new Map<number, TopEntry>();
    if (!changes.all) {
      for (const p of this.prev) {
        if (!p.key) continue;
        const s = mapOffset(p.base, changes.edits);
        const e = mapOffset(p.end, changes.edits);
        if (s !== undefined && e !== undefined) carried.set(s, { ...p, base: s, end: e });
      }
    }
    const out: TopEntry[] = [];
    const cursor = root.walk();
    try {
      // Where the chain of comments directly above the current child starts, and where the last
      // non-comment child ended.
      let commentStart = -1;
      let after = 0;
      let i = 0;
      if (cursor.gotoFirstChild()) {
        do {
          const type = cursor.nodeType;
          const base = cursor.startIndex;
          const end = cursor.endIndex;
          const p = carried.get(base);
          let key: string;
          if (p && p.end === end && p.type === type && !touches(changes.dirty, after, end)) key = p.key;
          else key = keyOf(cursor.currentNode, text, commentStart);
          out.push({ i, type, base, end, key });
          if (type === 'comment') {
            if (commentStart < 0) commentStart = base;
          } else {
            commentStart = -1;
            after = end;
          }
          i++;
        } while (cursor.gotoNextSibling());
      }
    } finally {
      cursor.delete();
    }
    this.prev = out;
    return out;
  }
}

/**
 * Every child of root, without carrying anything over: with keys for a first analysis, without (all
 * '') when nothing is cached (the CLI), which spares copying each declaration's text.
 */
export function topEntries(root: Node, text: string, withKeys: boolean): TopEntry[] {
  if (withKeys) return new TopLevel().update(root, text, { all: true, edits: [], dirty: [] });
  const out: TopEntry[] = [];
  const cursor = root.walk();
  try {
    let i = 0;
    if (cursor.gotoFirstChild()) {
      do out.push({ i: i++, type: cursor.nodeType, base: cursor.startIndex, end: cursor.endIndex, key: '' });
      while (cursor.gotoNextSibling());
    }
  } finally {
    cursor.delete();
  }
  return out;
}

function keyOf(node: Node, text: string, commentStart: number): string {
  // A declaration with syntax errors can parse differently with the same text in another context: it is
  // always analysed afresh (it is usually the one being typed).
  if (node.hasError || node.isMissing || node.type === 'ERROR') return '';
  // The comments right above are part of the key (a doc comment may matter to a rule, e.g. "for tests
  // only"); they are separate children, so a change to them alone must not reuse the result.
  return detach(`${commentStart >= 0 ? text.slice(commentStart, node.startIndex) : ''}\0${node.text}`);
}

/**
 * A copy of s that does not point into the text it was cut from. V8 represents a slice of a string as a
 * view on the whole string, so a key kept for an unchanged declaration would keep the entire document
 * of the keystroke that made it alive (one more copy of the file per edited declaration).
 */
export function detach(s: string): string {
  return (s + ' ').slice(0, -1);
}

/** offset after the edits, or undefined when an edit touches it (the text around it changed). */
function mapOffset(offset: number, edits: readonly [number, number, number][]): number | undefined {
  let o = offset;
  for (const [start, oldEnd, newEnd] of edits) {
    if (o < start) continue;
    if (o > oldEnd) o += newEnd - oldEnd;
    else return undefined;
  }
  return o;
}

function touches(ranges: readonly [number, number][], start: number, end: number): boolean {
  for (const [s, e] of ranges) if (s <= end && e >= start) return true;
  return false;
}

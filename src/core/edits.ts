import type { TextEdit } from './types';

/**
 * An edit that deletes text[start, end): the whole line when nothing else stands on it, otherwise the
 * range plus a following `;` and blanks, so the result neither leaves an empty line nor glues tokens.
 */
export function deleteRange(text: string, start: number, end: number): TextEdit {
  const ls = text.lastIndexOf('\n', start - 1) + 1;
  let le = text.indexOf('\n', end);
  if (le === -1) le = text.length;
  if (text.slice(ls, start).trim() === '' && text.slice(end, le).trim() === '') {
    return { start: ls, end: Math.min(le + 1, text.length), newText: '' };
  }
  if (text.slice(end, le).trim() === '') {
    // Trailing: remove it with the blanks before it.
    let s = start;
    while (s > ls && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
    return { start: s, end, newText: '' };
  }
  const m = /^\s*;?[ \t]*/.exec(text.slice(end));
  return { start, end: end + (m ? m[0].length : 0), newText: '' };
}

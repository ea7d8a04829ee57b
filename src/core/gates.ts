/**
 * The rules' word gates (RuleDefinition.needs): which rules a declaration's words leave out, found by
 * one scan of its text, or from the identifiers the editor keeps per declaration.
 */
import { detach } from './top-level';

const NONE: ReadonlySet<string> = new Set();

/** A rule that names the words it needs (RuleDefinition.needs), with those words. */
export interface Gate {
  id: string;
  words: ReadonlySet<string>;
}

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
/** What `\s` matches in a JavaScript regular expression. */
const isSpace = (c: number) =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/** Where the next run of word characters at or after i starts (end if none). */
function wordStart(text: string, i: number, end: number): number {
  while (i < end && !isWordChar(text.charCodeAt(i))) i++;
  return i;
}

/** Where the run of word characters from i ends. */
function wordEnd(text: string, i: number, end: number): number {
  while (i < end && isWordChar(text.charCodeAt(i))) i++;
  return i;
}

/** `.name`: a dot before text[from] (after start), blanks and line breaks between them allowed. */
function afterDot(text: string, start: number, from: number): boolean {
  let k = from - 1;
  while (k >= start && isSpace(text.charCodeAt(k))) k--;
  return k >= start && text.charCodeAt(k) === 46;
}

/** Which gated rules a declaration leaves out: from its text, or from all the identifiers in it. */
export interface GateMatcher {
  inText(text: string, start: number, end: number): ReadonlySet<string>;
  /** skipKey of what the gates leave out of a declaration with these identifierWords (no scan). */
  keyOfWords(words: ReadonlySet<string>): string;
}

const matchers = new Map<string, GateMatcher | undefined>();

/**
 * For the rules that name the words they need: which of them a stretch of the text leaves out (a
 * rule none of whose words occurs there). One scan of the stretch for all words of all rules. A word
 * counts as a whole identifier: a maximal run of [A-Za-z0-9_] equal to it (the scan looks each run
 * up in a set; a regular expression with one alternative per word cost 4% of the CLI). A word
 * `.name` is found only after a dot (a field or method: `x.name`, `x.\n\tname`).
 *
 * `key` names the gates (ids and words): equal keys share one matcher, made once, not per keystroke.
 */
export function gateMatcher(all: Gate[], key: string): GateMatcher | undefined {
  if (matchers.has(key)) return matchers.get(key);
  const made = makeMatcher(all);
  if (matchers.size > 64) matchers.clear();
  matchers.set(key, made);
  return made;
}

function makeMatcher(all: Gate[]): GateMatcher | undefined {
  // Words are identifiers (see RuleDefinition.needs). A gate with any other word is not applied: its
  // rule is visited everywhere, which only ever lets more through.
  const gated = all.filter((g) => [...g.words].every((w) => /^\.?[A-Za-z_][A-Za-z0-9_]*$/.test(w)));
  if (!gated.length) return undefined;
  const words = [...new Set(gated.flatMap((g) => [...g.words].map((w) => (w.startsWith('.') ? w.slice(1) : w))))].sort();
  const known = new Set(words);
  const minLength = Math.min(...words.map((w) => w.length));
  const maxLength = Math.max(0, ...words.map((w) => w.length));
  /** Which ASCII characters some word starts with. */
  const firsts = new Uint8Array(128);
  for (const w of words) firsts[w.charCodeAt(0)] = 1;
  const skipFrom = (found: ReadonlySet<string>): ReadonlySet<string> => {
    let skip: Set<string> | undefined;
    for (const g of gated) {
      let any = false;
      for (const w of g.words) {
        if (found.has(w)) {
          any = true;
          break;
        }
      }
      if (!any) (skip ??= new Set()).add(g.id);
    }
    return skip ?? NONE;
  };
  // For keyOfWords: which gates each word opens, and the key of each set of gates left shut. A
  // declaration has a few dozen identifiers and a gate may have hundreds of words (copied-lock's are
  // the package's lock-holding types): the lookups go from the declaration's words.
  let owners: Map<string, number[]> | undefined;
  const keys = new Map<string, string>();
  const keyOfWords = (found: ReadonlySet<string>): string => {
    if (!owners) {
      owners = new Map();
      gated.forEach((g, i) => {
        for (const w of g.words) {
          const list = owners!.get(w);
          if (!list) owners!.set(w, [i]);
          else if (list[list.length - 1] !== i) list.push(i);
        }
      });
    }
    const open = new Uint8Array(gated.length);
    for (const w of found) {
      const list = owners.get(w);
      if (list) for (let k = 0; k < list.length; k++) open[list[k]!] = 1;
    }
    const shut = open.join('');
    let key = keys.get(shut);
    if (key === undefined) {
      const ids: string[] = [];
      for (let k = 0; k < gated.length; k++) if (open[k] === 0) ids.push(gated[k]!.id);
      keys.set(shut, (key = ids.join(',')));
    }
    return key;
  };
  const inText = (text: string, start: number, end: number): ReadonlySet<string> => {
    const found = new Set<string>();
    for (let from = wordStart(text, start, end), to = wordEnd(text, from, end); from < end; from = wordStart(text, to, end), to = wordEnd(text, from, end)) {
      const length = to - from;
      if (length < minLength || length > maxLength || firsts[text.charCodeAt(from)] !== 1) continue;
      const word = text.slice(from, to);
      if (!known.has(word)) continue;
      found.add(word);
      if (afterDot(text, start, from)) found.add(`.${word}`);
    }
    return skipFrom(found);
  };
  return { inText, keyOfWords };
}

/**
 * Every identifier in text[start, end), and `.name` for each one after a dot, as the gates see words
 * (detached: the editor keeps them with the declaration's key). With them, a change of the rules'
 * words re-checks a cached declaration by set lookups instead of a scan of its text.
 */
export function identifierWords(text: string, start: number, end: number): Set<string> {
  const out = new Set<string>();
  for (let from = wordStart(text, start, end), to = wordEnd(text, from, end); from < end; from = wordStart(text, to, end), to = wordEnd(text, from, end)) {
    const word = text.slice(from, to);
    if (!out.has(word)) out.add(detach(word));
    if (afterDot(text, start, from)) {
      const member = `.${word}`;
      if (!out.has(member)) out.add(detach(member));
    }
  }
  return out;
}

/** The rules a declaration's words leave out, as DeclResult.skip stores them. */
export function skipKey(skip: ReadonlySet<string>): string {
  return [...skip].join(',');
}

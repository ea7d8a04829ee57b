import { join, resolve } from 'node:path';
import { git } from '../node/git';

/** Inclusive 1-based line ranges of one file that are new or modified. */
export type LineRanges = [number, number][];

/** Changed lines by absolute path (as git reports it, under the real repository top). */
export type ChangedLines = Map<string, LineRanges>;

/** Undoes git's C-style quoting of a path ("a\\tb" with octal escapes for bytes). */
export function unquoteGitPath(s: string): string {
  if (!s.startsWith('"')) return s;
  const bytes: number[] = [];
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 1; i < s.length - 1; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = s[++i]!;
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(s.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(simple[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Parses `git diff -U0` output into the added/modified line ranges of the new version of each file,
 * keyed by the path after the `b/` prefix. Deleted files and pure deletions add nothing.
 */
export function parseUnifiedDiff(text: string): Map<string, LineRanges> {
  const out = new Map<string, LineRanges>();
  let current: LineRanges | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = undefined;
    } else if (line.startsWith('+++ ')) {
      const raw = unquoteGitPath(line.slice(4).replace(/\t$/, ''));
      if (raw === '/dev/null' || !raw.startsWith('b/')) {
        current = undefined;
        continue;
      }
      const path = raw.slice(2);
      current = out.get(path) ?? [];
      out.set(path, current);
    } else if (line.startsWith('@@') && current) {
      const m = /^@@+ (?:-\d+(?:,\d+)? )+\+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      if (count > 0) current.push([start, start + count - 1]);
    }
  }
  return out;
}

export function touches(ranges: LineRanges | undefined, startLine: number, endLine: number): boolean {
  return !!ranges?.some(([a, b]) => a <= endLine && startLine <= b);
}

/**
 * Lines changed in the work tree (committed, staged or not, and untracked files not ignored) since the
 * merge base of HEAD and ref. Rejects with git's message when cwd is not in a repository or ref is unknown.
 */
export async function changedSince(ref: string, cwd: string): Promise<{ base: string; changed: ChangedLines }> {
  // A ref is passed to git as one argument; one that starts with "-" would be read as an option
  // (e.g. --output=<file>), so it is refused before git runs. No real branch or tag starts with "-".
  if (ref.startsWith('-')) throw new Error(`"${ref}" is not a git ref (refs cannot start with "-")`);
  const top = (await git(['rev-parse', '--show-toplevel'], cwd)).trim();
  const base = (await git(['merge-base', 'HEAD', ref], cwd)).trim();
  const diff = await git(
    ['-c', 'core.quotepath=off', 'diff', '-U0', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', base, '--'],
    top,
  );
  const changed: ChangedLines = new Map();
  for (const [rel, ranges] of parseUnifiedDiff(diff)) changed.set(resolve(top, rel), ranges);
  const untracked = await git(['ls-files', '--others', '--exclude-standard', '-z', '--', '*.go'], top);
  for (const rel of untracked.split('\0')) {
    if (!rel) continue;
    changed.set(join(top, rel), [[1, Number.MAX_SAFE_INTEGER]]); // a new file: every line is new
  }
  return { base, changed };
}

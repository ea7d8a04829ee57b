import { readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { findRepoRoot } from '../node/git';
import { displayPath } from './report';
import { describeError, isGoSourceName } from '../node/package-files';

/** Directories a walk does not enter unless a path names them: the go tool's own rules plus node_modules. */
const SKIPPED_DIRS = new Set(['vendor', 'testdata', 'node_modules']);

export function skippedDirName(name: string): boolean {
  return SKIPPED_DIRS.has(name) || name.startsWith('.') || name.startsWith('_');
}

export interface WalkProblem {
  path: string;
  message: string;
}

export interface WalkResult {
  /** Absolute paths of the .go files found, each once, in walk order. */
  files: string[];
  /** Paths that could not be read: reported, the others still analysed. */
  errors: WalkProblem[];
  /** Things skipped that a user may want to know about (symbolic-link loops). */
  warnings: string[];
}

/** The .gitignore rules of one directory; paths are tested relative to it. */
interface IgnoreLevel {
  base: string;
  rules: Ignore;
}

function loadIgnoreFile(file: string, base: string): IgnoreLevel | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return { base, rules: ignore({ allowRelativePaths: true }).add(text) };
}

/** Git's precedence: the deepest .gitignore with a matching rule decides (a `!` rule re-includes). */
function isIgnored(levels: readonly IgnoreLevel[], path: string, isDir: boolean): boolean {
  for (let i = levels.length - 1; i >= 0; i--) {
    const { base, rules } = levels[i]!;
    const rel = relative(base, path).split(sep).join('/');
    if (!rel || rel.startsWith('../')) continue;
    const r = rules.test(isDir ? `${rel}/` : rel);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

/** The .gitignore files (and .git/info/exclude) that apply to dir from above it, up to the repository top. */
function ancestorLevels(dir: string): IgnoreLevel[] {
  const repo = findRepoRoot(dir);
  if (!repo) return [];
  const levels: IgnoreLevel[] = [];
  const info = loadIgnoreFile(join(repo, '.git', 'info', 'exclude'), repo);
  if (info) levels.push(info);
  const chain: string[] = [];
  for (let d = dirname(dir); d === repo || d.startsWith(repo + sep); d = dirname(d)) {
    chain.unshift(d);
    if (d === repo) break;
  }
  for (const d of chain) {
    const level = loadIgnoreFile(join(d, '.gitignore'), d);
    if (level) levels.push(level);
  }
  return levels;
}

/**
 * Finds the .go files under the given paths (relative to cwd). A named file is taken as it is; a named
 * directory is walked, honouring .gitignore files (nested ones too, and those above it in the repository)
 * and skipping vendor/, testdata/, node_modules/ and directories starting with "." or "_" below it.
 * Symbolic links are followed; a link back to a directory being walked is reported and not entered.
 */
export function collectGoFiles(paths: readonly string[], cwd: string): WalkResult {
  const result: WalkResult = { files: [], errors: [], warnings: [] };
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();

  const addFile = (path: string) => {
    let real: string;
    try {
      real = realpathSync(path);
    } catch (e) {
      result.errors.push({ path: display(path), message: describeError(e) });
      return;
    }
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    result.files.push(path);
  };
  const display = (path: string) => displayPath(cwd, path);

  const walk = (dir: string, levels: IgnoreLevel[], ancestry: Set<string>) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch (e) {
      result.errors.push({ path: display(dir), message: describeError(e) });
      return;
    }
    if (ancestry.has(real)) {
      result.warnings.push(`${display(dir)}: symbolic link loop (back to ${display(real)}); not followed`);
      return;
    }
    if (seenDirs.has(real)) return; // reached again through another link: already walked
    seenDirs.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      result.errors.push({ path: display(dir), message: describeError(e) });
      return;
    }
    const own = entries.some((e) => e.name === '.gitignore') ? loadIgnoreFile(join(dir, '.gitignore'), dir) : undefined;
    const here = own ? [...levels, own] : levels;
    const inner = new Set(ancestry).add(real);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const st = statSync(path);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue; // a dangling link: nothing to analyse
        }
      }
      if (isDir) {
        if (skippedDirName(entry.name) || isIgnored(here, path, true)) continue;
        walk(path, here, inner);
      } else if (isFile && isGoSourceName(entry.name) && !isIgnored(here, path, false)) {
        addFile(path);
      }
    }
  };

  for (const arg of paths) {
    const abs = resolve(cwd, arg);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch (e) {
      result.errors.push({ path: arg, message: describeError(e) });
      continue;
    }
    if (!isDir) {
      if (abs.endsWith('.go')) addFile(abs);
      else result.errors.push({ path: arg, message: 'not a .go file or a directory' });
      continue;
    }
    // A directory named on the command line is walked even when .gitignore above it excludes it.
    const above = ancestorLevels(abs);
    walk(abs, isIgnored(above, abs, true) ? [] : above, new Set());
  }
  return result;
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { formatSize, notGoSource } from '../core/input-checks';
import { dirname, join } from 'node:path';

/**
 * The package clause of Go source text, read cheaply: skip leading white space and comments, then
 * `package name`. Undefined when the text does not start that way (a broken or non-Go file).
 */
export function packageClause(text: string): string | undefined {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('//', i)) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return undefined;
      i = nl + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else break;
  }
  const m = /^package[ \t]+([\p{L}_][\p{L}\p{Nd}_]*)/u.exec(text.slice(i, i + 300));
  return m?.[1];
}

/** A .go file the go tool would build: not a directory entry starting with "." or "_". */
export function isGoSourceName(name: string): boolean {
  return name.endsWith('.go') && !name.startsWith('.') && !name.startsWith('_');
}

/** Reads a file as UTF-8, dropping a leading byte-order mark (Go ignores it). */
export function readGoText(path: string): { text: string; bom: boolean } {
  const text = readFileSync(path, 'utf8');
  return text.charCodeAt(0) === 0xfeff ? { text: text.slice(1), bom: true } : { text, bom: false };
}

export interface GoMod {
  path: string;
  text: string;
}

/** The nearest go.mod at or above dir. Pass a cache to share look-ups across many directories. */
export function findGoMod(dir: string, cache?: Map<string, GoMod | undefined>): GoMod | undefined {
  const walked: string[] = [];
  let found: GoMod | undefined;
  for (let d = dir; ; d = dirname(d)) {
    if (cache?.has(d)) {
      found = cache.get(d);
      break;
    }
    walked.push(d);
    const path = join(d, 'go.mod');
    try {
      found = { path, text: readFileSync(path, 'utf8') };
      break;
    } catch {
      // not here (or unreadable): keep walking up
    }
    if (dirname(d) === d) break;
  }
  for (const d of walked) cache?.set(d, found);
  return found;
}

export interface PackageFile {
  path: string;
  text: string;
  /** The file on disk starts with a byte-order mark that text leaves out (offsets are one less). */
  bom: boolean;
}

export interface GoPackage {
  dir: string;
  /** The package clause shared by the files; undefined for files without one. */
  packageName: string | undefined;
  /** Every file of the package in the directory, sorted by path. */
  files: PackageFile[];
  /** The files to report on (a subset of files' paths). */
  targets: string[];
  goMod?: GoMod;
}

export interface DirPackages {
  packages: GoPackage[];
  /** Targets that could not be read: path → cause. */
  unreadable: { path: string; message: string }[];
}

/**
 * Groups the targets of one directory into packages: each target with the directory's other .go files
 * that share its package clause (so a `foo_test` external test package is a package of its own).
 * Siblings are read for the package index but not reported on. `overrides` replaces a file's content on
 * disk (an unsaved buffer, standard input); such a file need not exist.
 */
export function packagesInDir(
  dir: string,
  targets: readonly string[],
  overrides?: ReadonlyMap<string, string>,
  goModCache?: Map<string, GoMod | undefined>,
  limits: { maxFileSize?: number } = {},
): DirPackages {
  const paths = new Set<string>();
  try {
    for (const name of readdirSync(dir)) if (isGoSourceName(name)) paths.add(join(dir, name));
  } catch {
    // the directory does not exist (a new buffer) or cannot be listed: the targets alone
  }
  for (const t of targets) paths.add(t);
  for (const p of overrides?.keys() ?? []) if (dirname(p) === dir) paths.add(p);
  const wanted = new Set(targets);
  const unreadable: { path: string; message: string }[] = [];
  const byClause = new Map<string | undefined, { files: PackageFile[]; targets: string[] }>();
  for (const path of [...paths].sort()) {
    let file: PackageFile;
    const over = overrides?.get(path);
    if (over !== undefined) file = { path, text: over, bom: false };
    else {
      try {
        // Size first, from the directory entry: a huge file is never read into memory.
        const size = limits.maxFileSize !== undefined ? statSync(path).size : 0;
        if (limits.maxFileSize !== undefined && size > limits.maxFileSize) {
          if (wanted.has(path)) unreadable.push({ path, message: `${formatSize(size)} is over the ${formatSize(limits.maxFileSize)} limit; skipped (raise it with --max-file-size)` });
          continue;
        }
        file = { path, ...readGoText(path) };
      } catch (e) {
        // a sibling that cannot be read (or is a directory named x.go) only matters when reported on
        if (wanted.has(path)) unreadable.push({ path, message: describeError(e) });
        continue;
      }
    }
    // Binary content is neither analysed nor used as a sibling (its "declarations" would be noise).
    const notGo = notGoSource(file.text);
    if (notGo) {
      if (wanted.has(path)) unreadable.push({ path, message: notGo });
      continue;
    }
    const clause = packageClause(file.text);
    const group = byClause.get(clause) ?? { files: [], targets: [] };
    group.files.push(file);
    if (wanted.has(path)) group.targets.push(path);
    byClause.set(clause, group);
  }
  const packages: GoPackage[] = [];
  const goMod = byClause.size ? findGoMod(dir, goModCache) : undefined;
  for (const [packageName, g] of byClause) {
    if (g.targets.length) packages.push({ dir, packageName, files: g.files, targets: g.targets, goMod });
  }
  return { packages, unreadable };
}

/** The package of one file, whose content may be given (an editor buffer); throws when it cannot be read. */
export function packageOf(file: string, text?: string, goModCache?: Map<string, GoMod | undefined>): GoPackage {
  const { packages, unreadable } = packagesInDir(
    dirname(file),
    [file],
    text === undefined ? undefined : new Map([[file, text]]),
    goModCache,
  );
  if (unreadable.length) throw new Error(`${file}: ${unreadable[0]!.message}`);
  return packages[0]!;
}

/** "permission denied" rather than "EACCES: permission denied, open '/x'" (the caller names the path). */
export function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return err.message ?? String(e);
  }
}

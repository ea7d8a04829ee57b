/**
 * What the editor path needs around one open file: the other files of its package (read from disk once,
 * re-read when a watcher says they changed, replaced by the editor's text while they are open) and the
 * nearest go.mod (cached, dropped when any go.mod changes). No VS Code import: node fs only.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SourceInput } from '../core/types';
import { findGoMod, isGoSourceName, packageClause, readGoText, type GoMod } from '../node/package-files';

interface DiskFile {
  text: string;
  clause: string | undefined;
}

export class PackageFiles {
  /**
   * dir → (path → content on disk: null when unreadable, undefined when not read yet). A directory is
   * listed once, then kept current by invalidate() and remove().
   */
  private readonly dirs = new Map<string, Map<string, DiskFile | null | undefined>>();
  private goMods = new Map<string, GoMod | undefined>();

  constructor(
    /** The editor's text of an open file (unsaved changes included), else undefined. */
    private readonly openText: (path: string) => string | undefined,
    /** Sibling files larger than this are left out of the index. */
    private readonly maxSize: () => number = () => Infinity,
  ) {}

  private listing(dir: string): Map<string, DiskFile | null | undefined> {
    let files = this.dirs.get(dir);
    if (files) return files;
    files = new Map();
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // a new directory, or not listable: no siblings
    }
    for (const name of names.sort()) if (isGoSourceName(name)) files.set(join(dir, name), undefined);
    this.dirs.set(dir, files);
    return files;
  }

  private disk(files: Map<string, DiskFile | null | undefined>, path: string): DiskFile | null {
    let f = files.get(path);
    if (f === undefined) {
      try {
        const { text } = readGoText(path);
        f = text.length > this.maxSize() ? null : { text, clause: packageClause(text) };
      } catch {
        f = null;
      }
      files.set(path, f);
    }
    return f;
  }

  /** The other files of path's package: same directory, same package clause as `text`. */
  siblings(path: string, text: string): SourceInput[] {
    const dir = dirname(path);
    const clause = packageClause(text);
    const out: SourceInput[] = [];
    const files = this.listing(dir);
    for (const p of [...files.keys()]) {
      if (p === path) continue;
      const open = this.openText(p);
      const f = open !== undefined ? { text: open, clause: packageClause(open) } : this.disk(files, p);
      if (!f || f.text.length > this.maxSize()) continue;
      if (f.clause === clause) out.push({ path: p, text: f.text });
    }
    return out;
  }

  /** A .go file was created, changed or deleted on disk. */
  invalidate(path: string): void {
    if (!isGoSourceName(basename(path))) return;
    const files = this.dirs.get(dirname(path));
    if (!files) return;
    files.set(path, undefined); // re-read (or found missing) on next use
  }

  /** A file was deleted: it is no sibling any more. */
  remove(path: string): void {
    this.dirs.get(dirname(path))?.delete(path);
  }

  /** Whether a directory's files are indexed (a change there may matter to open documents). */
  knows(dir: string): boolean {
    return this.dirs.has(dir);
  }

  goMod(dir: string): GoMod | undefined {
    return findGoMod(dir, this.goMods);
  }

  /** Any go.mod changed: forget every look-up (they are cheap to redo). */
  invalidateGoMods(): void {
    this.goMods = new Map();
  }

  clear(): void {
    this.dirs.clear();
    this.invalidateGoMods();
  }
}

import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { emptyConfig, parseConfigText, type Config } from '../core/config';
import { describeError } from './package-files';
import { findRepoRoot } from './git';

export const CONFIG_FILE = '.gopitfalls.json';

export interface LoadedConfig {
  config: Config;
  /** The directory exclude globs are relative to: the config file's directory, else the workspace root. */
  root: string;
  /** The file read, when one was. */
  path?: string;
  /** Warnings: the defaults (or the valid part of the file) are used. */
  problems: string[];
  /** An explicitly named file could not be read. */
  unreadable?: string;
}

/**
 * Loads `.gopitfalls.json` from the workspace root: `explicit` when given (relative to cwd), else cwd,
 * else the git top level above cwd. A missing default file is not a problem; a bad one is reported and
 * what is valid in it is used.
 */
export function loadConfigFile(opts: { cwd: string; explicit?: string; knownRuleIds: ReadonlySet<string> }): LoadedConfig {
  const { cwd, explicit, knownRuleIds } = opts;
  const repo = findRepoRoot(cwd);
  const candidates = explicit ? [resolve(cwd, explicit)] : [resolve(cwd, CONFIG_FILE), ...(repo && repo !== cwd ? [resolve(repo, CONFIG_FILE)] : [])];
  for (const path of candidates) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if (explicit) {
        return { config: emptyConfig(), root: cwd, problems: [], unreadable: `${explicit}: ${describeError(e)}` };
      }
      continue;
    }
    const shown = relative(cwd, path) || path;
    const { config, problems } = parseConfigText(text, knownRuleIds, shown);
    return { config, root: resolve(path, '..'), path, problems: problems.map((p) => p.message) };
  }
  return { config: emptyConfig(), root: repo ?? cwd, problems: [] };
}

/**
 * A predicate telling whether an absolute path is excluded by the config's globs, which are relative
 * to root ("gen/" means everything under gen). Paths outside root are never excluded.
 */
export function excludeMatcher(root: string, globs: readonly string[]): (path: string) => boolean {
  if (!globs.length) return () => false;
  const isMatch = picomatch(
    globs.map((g) => (g.endsWith('/') ? `${g}**` : g)),
    { dot: true },
  );
  return (path) => {
    const rel = relative(root, path);
    if (!rel || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return false;
    return isMatch(rel.split(sep).join('/'));
  };
}

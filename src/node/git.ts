import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The top of the git work tree containing dir (a `.git` directory or file), found without running git. */
export function findRepoRoot(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return d;
    if (dirname(d) === d) return undefined;
  }
}

export class GitError extends Error {}

/**
 * Runs git with an argument array (never through a shell) and resolves with its standard output.
 * Rejects with git's own error message when git is missing or exits non-zero.
 */
export function git(args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'git is not installed or not on PATH' : stderr.trim() || err.message;
      reject(new GitError(`git ${args[0]}: ${why}`));
    });
  });
}

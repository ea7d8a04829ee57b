import { goModVersion } from '../core/go-version';
import type { Analyzer } from '../core/analyzer-api';
import type { Config } from '../core/config';
import type { FileResult } from '../core/types';
import { packagesInDir, type GoMod } from '../node/package-files';

/** One directory's share of a run: plain data, so it can be posted to a worker. */
export interface DirJob {
  dir: string;
  /** Absolute paths of the files to report on. */
  targets: string[];
  /** Content that replaces a file on disk (standard input): [absolute path, text]. */
  overrides?: [string, string][];
  /** Read the directory's other files for the package index (false for nameless standard input). */
  siblings?: boolean;
  goVersion?: number;
  /** Files larger than this (bytes) are skipped with a message; standard input is never skipped. */
  maxFileSize?: number;
  config: Config;
  only?: string[];
}

export interface JobFile {
  result: FileResult;
  bom: boolean;
}

export interface JobResult {
  files: JobFile[];
  errors: { path: string; message: string }[];
  /** Problems that do not stop the analysis (e.g. a go.mod without a valid go line). */
  warnings?: string[];
}

/**
 * Reads a directory's packages and analyses each with all its files, reporting on the targets. Engine
 * paths are absolute; a package the engine fails on becomes an error for each of its targets.
 */
export function runJob(analyzer: Analyzer, job: DirJob, goModCache?: Map<string, GoMod | undefined>): JobResult {
  const overrides = new Map(job.overrides ?? []);
  const { packages, unreadable } =
    job.siblings === false
      ? {
          packages: job.targets.map((t) => ({ files: [{ path: t, text: overrides.get(t) ?? '', bom: false }], targets: [t], goMod: undefined })),
          unreadable: [],
        }
      : packagesInDir(job.dir, job.targets, overrides, goModCache, { maxFileSize: job.maxFileSize });
  const out: JobResult = { files: [], errors: [...unreadable], warnings: [] };
  for (const pkg of packages) {
    if (pkg.goMod && job.goVersion === undefined && goModVersion(pkg.goMod.text) === undefined) {
      out.warnings!.push(`${pkg.goMod.path}: no valid "go 1.N" line; the Go version is unknown, so rules assume an older Go`);
    }
    const bom = new Map(pkg.files.map((f) => [f.path, f.bom]));
    try {
      const results = analyzer.analyzePackage({
        files: pkg.files.map((f) => ({ path: f.path, text: f.text })),
        targets: pkg.targets,
        goMod: pkg.goMod?.text,
        goVersion: job.goVersion,
        config: job.config,
        only: job.only,
      });
      for (const result of results) out.files.push({ result, bom: bom.get(result.path) ?? false });
    } catch (e) {
      const why = `internal error while analysing: ${(e as Error).message ?? e}`;
      for (const t of pkg.targets) out.errors.push({ path: t, message: why });
    }
  }
  return out;
}

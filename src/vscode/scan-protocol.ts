import type { DirJob, JobResult } from '../cli/job';

/** Messages to a scan worker. */
export type ScanRequest =
  | { type: 'walk'; roots: string[]; excludes: { root: string; globs: string[] }[] }
  | { type: 'job'; id: number; job: DirJob };

/** Messages from a scan worker. */
export type ScanResponse =
  | { type: 'walked'; files: string[]; errors: { path: string; message: string }[]; warnings: string[] }
  | { type: 'job'; id: number; result: JobResult }
  | { type: 'error'; id?: number; message: string };

/**
 * The workspace scan, run on worker threads (dist/scan-worker.js): one thread walks the folders, then
 * directory jobs are spread over a few threads. Cancellable at any point (the threads are terminated).
 * No VS Code import, so it is tested under Node.
 */
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DirJob } from '../cli/job';
import type { Config } from '../core/config';
import type { FileResult } from '../core/types';
import type { ScanRequest, ScanResponse } from './scan-protocol';

export interface CancelToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export interface ScanOptions {
  /** Folders to walk (ignored when `files` is given). */
  roots: string[];
  /** Exactly these files (absolute paths), no walk: e.g. the changed files of a review. */
  files?: string[];
  /** Exclude globs with the directory they are relative to. */
  excludes: { root: string; globs: string[] }[];
  /** The engine config of a directory's files. */
  configFor(dir: string): Config;
  /** The worker module: dist/scan-worker.js (or the .ts source under tsx in tests). */
  workerPath: string;
  workers?: number;
  token?: CancelToken;
  onProgress?(done: number, total: number): void;
}

export interface ScanOutcome {
  results: FileResult[];
  errors: { path: string; message: string }[];
  warnings: string[];
  cancelled: boolean;
  files: number;
  ms: number;
}

function spawn(workerPath: string): Worker {
  if (!workerPath.endsWith('.ts')) return new Worker(workerPath);
  const tsx = 'tsx'; // not a literal: the bundler must not try to resolve a dev dependency
  const shim = `require(${JSON.stringify(require.resolve(`${tsx}/cjs/api`))}).register(); require(${JSON.stringify(workerPath)});`;
  return new Worker(shim, { eval: true });
}

export function defaultWorkers(): number {
  // Leave a core to the extension host and the renderer; more than 4 threads rarely pays off for a scan.
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

export async function runScan(o: ScanOptions): Promise<ScanOutcome> {
  const t0 = performance.now();
  const workers: Worker[] = [];
  const out: ScanOutcome = { results: [], errors: [], warnings: [], cancelled: false, files: 0, ms: 0 };
  let cancel: () => void = () => undefined;
  const cancelled = new Promise<void>((resolve) => {
    cancel = () => {
      out.cancelled = true;
      resolve();
    };
  });
  const sub = o.token?.onCancellationRequested(() => cancel());
  if (o.token?.isCancellationRequested) cancel();

  const request = (w: Worker, m: ScanRequest) =>
    new Promise<ScanResponse>((resolve, reject) => {
      const onMessage = (r: ScanResponse) => {
        w.off('error', onError);
        resolve(r);
      };
      const onError = (e: Error) => {
        w.off('message', onMessage);
        reject(e);
      };
      w.once('message', onMessage);
      w.once('error', onError);
      w.postMessage(m);
    });
  const race = <T>(p: Promise<T>) => Promise.race([p, cancelled.then(() => undefined)]);

  try {
    if (out.cancelled) return out;
    const first = spawn(o.workerPath);
    workers.push(first);
    let files = o.files;
    if (!files) {
      const walked = await race(request(first, { type: 'walk', roots: o.roots, excludes: o.excludes }));
      if (!walked) return out;
      if (walked.type !== 'walked') throw new Error(walked.type === 'error' ? walked.message : 'unexpected worker answer');
      files = walked.files;
      out.errors.push(...walked.errors);
      out.warnings.push(...walked.warnings);
    }
    out.files = files.length;
    const byDir = new Map<string, string[]>();
    for (const f of files) {
      const list = byDir.get(dirname(f));
      if (list) list.push(f);
      else byDir.set(dirname(f), [f]);
    }
    const jobs: DirJob[] = [...byDir].map(([dir, targets]) => ({ dir, targets, config: o.configFor(dir) }));
    // Larger directories first, so that no thread is left with a big one at the end.
    jobs.sort((a, b) => b.targets.length - a.targets.length || (a.dir < b.dir ? -1 : 1));
    let done = 0;
    o.onProgress?.(0, files.length);
    const count = Math.max(1, Math.min(o.workers ?? defaultWorkers(), jobs.length));
    for (let i = 1; i < count; i++) workers.push(spawn(o.workerPath));
    let next = 0;
    const drive = async (w: Worker) => {
      while (!out.cancelled && next < jobs.length) {
        const id = next++;
        const job = jobs[id]!;
        let r: ScanResponse | undefined;
        try {
          r = await race(request(w, { type: 'job', id, job }));
        } catch (e) {
          for (const t of job.targets) out.errors.push({ path: t, message: `internal error: worker failed: ${(e as Error).message}` });
          return; // this thread is gone; the others take the remaining jobs
        }
        if (!r) return;
        if (r.type === 'job') {
          out.results.push(...r.result.files.map((f) => f.result));
          out.errors.push(...r.result.errors);
          out.warnings.push(...(r.result.warnings ?? []));
        } else if (r.type === 'error') {
          for (const t of job.targets) out.errors.push({ path: t, message: `internal error: ${r.message}` });
        }
        done += job.targets.length;
        o.onProgress?.(done, files.length);
      }
    };
    await Promise.all(workers.map(drive));
    return out;
  } finally {
    sub?.dispose();
    await Promise.all(workers.map((w) => w.terminate()));
    out.warnings = [...new Set(out.warnings)];
    out.ms = performance.now() - t0;
  }
}

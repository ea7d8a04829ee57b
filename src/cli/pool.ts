import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createAnalyzer } from '../core/analyzer';
import type { GoMod } from '../node/package-files';
import { readWasm } from '../node/wasm';
import { runJob, type DirJob, type JobResult } from './job';

/** Below this many files, starting workers (each compiles the WASM) costs more than it saves. */
export const IN_PROCESS_BELOW = 64;

export function workerCount(files: number, jobs: number, requested?: number): number {
  if (requested !== undefined) return Math.max(1, Math.min(requested, jobs));
  if (files < IN_PROCESS_BELOW) return 1;
  return Math.max(1, Math.min(availableParallelism(), jobs));
}

/**
 * dist/worker.js beside the bundle; when running the TypeScript sources (tests, under tsx), a small
 * CommonJS shim that registers tsx in the thread and then loads src/cli/worker.ts.
 */
function spawnWorker(): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(join(__dirname, 'worker.js'));
  const file = join(__dirname, 'worker.ts');
  const tsx = 'tsx'; // not a literal: the bundler must not try to resolve a dev dependency
  const shim = `require(${JSON.stringify(require.resolve(`${tsx}/cjs/api`))}).register(); require(${JSON.stringify(file)});`;
  return new Worker(shim, { eval: true });
}

const failed = (job: DirJob, message: string): JobResult => ({
  files: [],
  errors: job.targets.map((path) => ({ path, message })),
});

/**
 * Runs the jobs on `workers` threads (1: in this thread) and returns their results in job order,
 * whatever order they finish in. A worker that dies fails its current job; the others go on.
 */
export async function runJobs(jobs: readonly DirJob[], workers: number, onDone?: (done: number) => void): Promise<JobResult[]> {
  const results: JobResult[] = new Array(jobs.length);
  let done = 0;
  const finish = (i: number, r: JobResult) => {
    results[i] = r;
    onDone?.(++done);
  };
  if (workers <= 1 || jobs.length <= 1) {
    const analyzer = await createAnalyzer(readWasm());
    const goMods = new Map<string, GoMod | undefined>();
    try {
      for (let i = 0; i < jobs.length; i++) finish(i, runJob(analyzer, jobs[i]!, goMods));
    } finally {
      analyzer.dispose();
    }
    return results;
  }
  // Larger directories first, so that no thread is left with a big one at the end.
  const order = jobs.map((_, i) => i).sort((a, b) => jobs[b]!.targets.length - jobs[a]!.targets.length || a - b);
  let next = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const worker = spawnWorker();
      let current = -1;
      const feed = () => {
        if (next >= order.length) {
          void worker.terminate().then(() => resolve());
          return;
        }
        current = order[next++]!;
        worker.postMessage({ id: current, job: jobs[current] });
      };
      worker.on('message', (m: { id: number; result?: JobResult; error?: string }) => {
        finish(m.id, m.result ?? failed(jobs[m.id]!, `internal error: ${m.error}`));
        feed();
      });
      worker.on('error', (e) => {
        if (current >= 0 && !results[current]) finish(current, failed(jobs[current]!, `internal error: worker failed: ${e.message}`));
        resolve();
      });
      worker.on('exit', () => resolve());
      feed();
    });
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, one));
  // Jobs left by workers that died run here.
  const left = jobs.map((_, i) => i).filter((i) => !results[i]);
  if (left.length) {
    const rest = await runJobs(left.map((i) => jobs[i]!), 1);
    left.forEach((i, k) => finish(i, rest[k]!));
  }
  return results;
}

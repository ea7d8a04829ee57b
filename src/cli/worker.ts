// A worker thread of the CLI: creates its own analyzer and runs the directory jobs it is sent.
import { parentPort } from 'node:worker_threads';
import { createAnalyzer } from '../core/analyzer';
import type { GoMod } from '../node/package-files';
import { readWasm } from '../node/wasm';
import { runJob, type DirJob } from './job';

export interface JobMessage {
  id: number;
  job: DirJob;
}

if (parentPort) {
  const port = parentPort;
  // A failure to start (WASM missing) is answered to every job instead of crashing the thread.
  const analyzer = (async () => createAnalyzer(readWasm()))();
  analyzer.catch(() => undefined);
  const goMods = new Map<string, GoMod | undefined>();
  port.on('message', async ({ id, job }: JobMessage) => {
    try {
      port.postMessage({ id, result: runJob(await analyzer, job, goMods) });
    } catch (e) {
      port.postMessage({ id, error: (e as Error).message ?? String(e) });
    }
  });
}

// A worker thread of the workspace scan: it walks the folders (honouring .gitignore, skipping vendor/
// and testdata/ as the CLI does) and analyses directory jobs, so the extension host stays responsive.
// Cancelling a scan terminates the thread.
import { parentPort } from 'node:worker_threads';
import { createAnalyzer } from '../core/analyzer';
import { runJob } from '../cli/job';
import { collectGoFiles } from '../cli/walk';
import { excludeMatcher } from '../node/config-file';
import type { GoMod } from '../node/package-files';
import { readWasm } from '../node/wasm';
import type { ScanRequest, ScanResponse } from './scan-protocol';

if (parentPort) {
  const port = parentPort;
  const post = (m: ScanResponse) => port.postMessage(m);
  let analyzer: ReturnType<typeof createAnalyzer> | undefined;
  const goMods = new Map<string, GoMod | undefined>();
  port.on('message', async (m: ScanRequest) => {
    try {
      if (m.type === 'walk') {
        const matchers = m.excludes.map((e) => excludeMatcher(e.root, e.globs));
        const files: string[] = [];
        const errors: { path: string; message: string }[] = [];
        const warnings: string[] = [];
        for (const root of m.roots) {
          const w = collectGoFiles([root], root);
          files.push(...w.files.filter((f) => !matchers.some((x) => x(f))));
          errors.push(...w.errors);
          warnings.push(...w.warnings);
        }
        post({ type: 'walked', files, errors, warnings });
      } else {
        analyzer ??= createAnalyzer(readWasm());
        post({ type: 'job', id: m.id, result: runJob(await analyzer, m.job, goMods) });
      }
    } catch (e) {
      post({ type: 'error', id: m.type === 'job' ? m.id : undefined, message: (e as Error).message ?? String(e) });
    }
  });
}

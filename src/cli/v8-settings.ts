import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for a command-line run, set by the CLI's entry point before it starts any worker. They
 * are process-wide, so only the `gopitfalls` process sets them: never a module the extension loads
 * (the extension host is shared with every other extension).
 *
 * A run keeps both cores busy with its own workers, so V8's helper threads only compete with them.
 * Measured on the corpus (six Debian Go trees, 3,268 files, 2 workers, 2 cores): with Node's defaults,
 * the helper threads used 5.8 s of CPU against 14.6 s in the two workers, mostly optimising compiles
 * done aside (each worker compiles the engine for itself: about 420 optimisations, some 10 ms each).
 *
 * - `--no-concurrent-recompilation`: a worker optimises on its own thread. A worker's isolate reads
 *   this when it is made; the main thread's keeps its compiler thread, and only compiles less aside.
 * - `--max-inlined-bytecode-size-cumulative=300` (default 920): smaller optimised functions, which
 *   compile faster; the workers' own CPU did not grow (no inlining at all was 3% slower).
 *
 * Together, against Node's defaults in rounds of alternating runs: 12-16% less wall time and CPU per
 * run (a paired ratio of 0.844 over five rounds; 0.88 from two other batches). `--single-threaded-gc`
 * gave 5% more, but only on Node's command line: set here, after the main thread's heap had started its
 * concurrent marking, it stopped the process on a V8 check (cppgc's marker) in the CLI's process tests.
 * GC settings are therefore left alone. GOPITFALLS_V8_DEFAULTS=1 keeps Node's defaults, to compare or
 * to rule these out.
 */
export const CLI_V8_FLAGS: readonly string[] = ['--no-concurrent-recompilation', '--max-inlined-bytecode-size-cumulative=300'];

export function applyCliV8Settings(env: Record<string, string | undefined>): void {
  if (env.GOPITFALLS_V8_DEFAULTS === '1') return;
  for (const flag of CLI_V8_FLAGS) setFlagsFromString(flag);
}

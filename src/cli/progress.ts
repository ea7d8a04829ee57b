import type { Output } from './main';

const SHOW_AFTER_MS = 400;
const EVERY_MS = 100;

/**
 * A "[done/total] packages" line on standard error, redrawn in place, only on a terminal and only when
 * the run lasts long enough to be worth it; erased when done.
 */
export function progressReporter(stderr: Output, total: number, now: () => number = Date.now) {
  const start = now();
  let last = 0;
  let shown = false;
  return {
    update: (done: number) => {
      if (!stderr.isTTY || total < 2) return;
      const t = now();
      if (t - start < SHOW_AFTER_MS || (t - last < EVERY_MS && done < total)) return;
      last = t;
      shown = true;
      stderr.write(`\r\x1b[K[${done}/${total}] directories analysed`);
    },
    done: () => {
      if (shown) stderr.write('\r\x1b[K');
    },
  };
}

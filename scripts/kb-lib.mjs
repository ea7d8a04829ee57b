// Reads the Q&A knowledge base (rules/qa/<topic>/<id>.md). Shared by tests and generators.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const TOPICS = [
  'goroutine-lifecycle', 'scheduler', 'gomaxprocs', 'channel-basics', 'channel-axioms', 'channel-closing', 'select',
  'timers', 'context-cancel', 'context-design', 'goroutine-leaks', 'loopvar', 'waitgroup', 'errgroup', 'mutex',
  'copying-sync', 'deadlock-livelock', 'data-races', 'memory-model', 'atomics', 'concurrent-maps', 'once', 'pool',
  'cond', 'check-then-act', 'bounded-concurrency', 'pipelines', 'panics', 'diagnostics', 'choosing-primitives',
];

/** Every entry: { path, folder, fm (front matter), body, blocks: [{code, line}] } plus parse problems. */
export function loadKb(root = '.') {
  const base = join(root, 'rules/qa');
  const entries = [];
  const problems = [];
  if (!existsSync(base)) return { entries, problems };
  for (const folder of readdirSync(base).sort()) {
    const dir = join(base, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.md')).sort()) {
      const path = join(dir, f);
      const text = readFileSync(path, 'utf8').replace(/\r\n/g, '\n');
      const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
      if (!m) {
        problems.push(`${path}: missing front matter`);
        continue;
      }
      let fm;
      try {
        fm = parseYaml(m[1]) ?? {};
      } catch (e) {
        problems.push(`${path}: front matter is not YAML: ${e.message}`);
        continue;
      }
      const blocks = [];
      const re = /^```go[^\n]*\n([\s\S]*?)^```/gm;
      let b;
      while ((b = re.exec(m[2]))) blocks.push({ code: b[1], line: text.slice(0, text.indexOf(b[0])).split('\n').length });
      entries.push({ path, folder, file: f.replace(/\.md$/, ''), fm, body: m[2], blocks });
    }
  }
  return { entries, problems };
}

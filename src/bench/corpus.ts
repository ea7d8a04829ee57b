import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The real-code corpus (Debian -dev packages), the same trees `npm run corpus` scans. */
export const CORPUS_ROOTS = [
  '/usr/share/gocode/src/go.etcd.io/etcd',
  '/usr/share/gocode/src/google.golang.org/grpc',
  '/usr/share/gocode/src/github.com/docker/docker',
  '/usr/share/gocode/src/github.com/containerd/containerd',
  '/usr/share/gocode/src/github.com/hashicorp/raft',
  '/usr/share/gocode/src/github.com/prometheus/client_golang',
];

/** .go files under the roots, skipping vendor/, testdata/ and dot-directories; symlinks not followed. */
export function corpusFiles(roots: string[] = CORPUS_ROOTS): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        if (n !== 'vendor' && n !== 'testdata' && !n.startsWith('.')) walk(p);
      } else if (n.endsWith('.go') && st.isFile()) out.push(p);
    }
  };
  for (const r of roots) walk(r);
  return out;
}

export function countLines(paths: string[]): number {
  let n = 0;
  for (const p of paths) {
    const t = readFileSync(p, 'utf8');
    for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) n++;
  }
  return n;
}

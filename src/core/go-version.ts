/**
 * The effective Go language version of a file: the nearest go.mod `go` line, raised by a file's
 * `//go:build go1.N` constraint (Go 1.21+ semantics). Versions are minor numbers of Go 1 (1.22 → 22).
 */

/** Minor version from go.mod text, or undefined when absent or malformed. */
export function goModVersion(goMod: string | undefined): number | undefined {
  if (!goMod) return undefined;
  const m = /^\s*go\s+1\.(\d+)(?:\.\d+|rc\d+|beta\d+)?\s*(?:\/\/.*)?$/m.exec(goMod);
  return m ? Number(m[1]) : undefined;
}

/** `go1.N` or `1.N` → N. */
export function parseGoVersion(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const m = /^(?:go)?1\.(\d+)/.exec(v.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * A `//go:build` line before the package clause that requires go1.N (as a conjunct, not under `!` or
 * only inside an `||`) raises the file's version to N.
 */
export function buildConstraintVersion(text: string): number | undefined {
  const head = text.slice(0, Math.min(text.length, 4096));
  const m = /^\/\/go:build\s+(.+)$/m.exec(head);
  if (!m) return undefined;
  const expr = m[1]!;
  if (expr.includes('||')) return undefined; // a disjunction does not guarantee the version
  let best: number | undefined;
  for (const g of expr.matchAll(/(!?)\s*go1\.(\d+)/g)) {
    if (g[1] === '!') continue;
    const n = Number(g[2]);
    if (best === undefined || n > best) best = n;
  }
  return best;
}

export function effectiveGoVersion(moduleVersion: number | undefined, fileText: string): number | undefined {
  const file = buildConstraintVersion(fileText);
  if (file === undefined) return moduleVersion;
  if (moduleVersion === undefined) return file;
  return Math.max(moduleVersion, file);
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalyzerInit } from '../core/analyzer-api';

export const RUNTIME_WASM = 'web-tree-sitter.wasm';
export const GO_WASM = 'tree-sitter-go.wasm';

/**
 * Where the two WASM files are: beside the bundle (esbuild copies them into dist/, and a bundle's
 * __dirname is dist/), else in node_modules (TypeScript sources run under tsx in tests).
 */
export function wasmPaths(bundleDir: string = __dirname): { runtime: string; go: string } {
  const beside = { runtime: join(bundleDir, RUNTIME_WASM), go: join(bundleDir, GO_WASM) };
  if (existsSync(beside.runtime) && existsSync(beside.go)) return beside;
  try {
    return {
      runtime: require.resolve(`web-tree-sitter/${RUNTIME_WASM}`),
      go: require.resolve(`tree-sitter-go/${GO_WASM}`),
    };
  } catch {
    throw new Error(`cannot find ${RUNTIME_WASM} and ${GO_WASM} in ${bundleDir} or in node_modules`);
  }
}

/** Reads the WASM bytes the engine needs (the engine itself does no file I/O). */
export function readWasm(bundleDir?: string): AnalyzerInit {
  const p = wasmPaths(bundleDir);
  return { runtimeWasm: readFileSync(p.runtime), goWasm: readFileSync(p.go) };
}

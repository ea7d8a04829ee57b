/**
 * The engine with its WASM loaded from beside the bundle: one entry for Node-side consumers that want
 * the core without the CLI (the benchmark's cold-start probe, the parse-floor worker, scripts).
 */
export { createAnalyzer } from '../core/analyzer';
export { readWasm } from './wasm';
export { GoParser, loadGo } from '../core/parser';

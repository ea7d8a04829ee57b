import type { Config } from './config';
import type { FileResult, SourceInput } from './types';

/** The WASM bytes the engine needs. Adapters read them (the core does no file I/O). */
export interface AnalyzerInit {
  /** web-tree-sitter.wasm */
  runtimeWasm: Uint8Array;
  /** tree-sitter-go.wasm */
  goWasm: Uint8Array;
}

export interface PackageRequest {
  /**
   * The .go files of one directory that share a package clause. Siblings that are not reported on are
   * still parsed for the package index (struct types, functions).
   */
  files: SourceInput[];
  /** Paths (as in files[].path) to report on; default: all files. */
  targets?: string[];
  /** Text of the nearest go.mod, for the effective Go version (`go 1.N` line). */
  goMod?: string;
  /** Overrides the go.mod version (CLI --go-version): Go minor version, 1.22 → 22. */
  goVersion?: number;
  config?: Config;
  /** Milliseconds one rule may spend on one file before it is stopped there (default 1000). */
  ruleBudgetMs?: number;
  /** Run only these rules (CLI --rule). Unknown ids are the adapter's to report. */
  only?: string[];
}

/** Options for analysing one open document (the editor path). */
export interface DocumentRequest {
  /** The other .go files of the package (same directory and package clause), for the package index. */
  siblings?: SourceInput[];
  goMod?: string;
  goVersion?: number;
  config?: Config;
  only?: string[];
  ruleBudgetMs?: number;
}

/** An open document parsed incrementally; see Analyzer.openDocument. */
export interface DocumentHandle {
  readonly path: string;
  readonly text: string;
  /** Applies VS Code-style content changes (UTF-16 offsets) and re-parses incrementally. */
  update(changes: readonly { rangeOffset: number; rangeLength: number; text: string }[]): void;
  /** Replaces the whole text (full parse). */
  reset(text: string): void;
  /**
   * While the text has syntax errors, parses it afresh (an incremental parse may recover from errors
   * differently than the CLI's fresh one) and returns true; call it when typing pauses, then analyse.
   */
  settle(): boolean;
  analyze(request?: DocumentRequest): FileResult;
  dispose(): void;
}

export interface Analyzer {
  /** Opens a document for incremental parsing (the editor path). Dispose it when the editor closes it. */
  openDocument(path: string, text: string): DocumentHandle;
  /** Ids of every rule the engine knows (detectors and engine findings). */
  readonly ruleIds: readonly string[];
  analyzePackage(request: PackageRequest): FileResult[];
  dispose(): void;
}

/**
 * Plain data produced by the engine. Nothing here refers to tree-sitter nodes or to VS Code, so
 * findings can cross a worker boundary or be written as JSON unchanged.
 */

export type Severity = 'error' | 'warning' | 'info';

/** A position: 0-based line, 0-based UTF-16 column (what VS Code and web-tree-sitter use), UTF-16 offset. */
export interface Position {
  line: number;
  character: number;
  offset: number;
}

export interface Span {
  start: Position;
  end: Position;
}

/** Replace text[start, end) (UTF-16 offsets into the analysed text) with newText. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  /** Imperative verb phrase, sentence case: "Move wg.Add(1) before the go statement". */
  title: string;
  /** safe: applied by fix-all/on-save; unsafe: offered, never applied without the user choosing it. */
  safety: 'safe' | 'unsafe';
  /** Non-overlapping edits, applied together. */
  edits: TextEdit[];
}

export interface RelatedInfo {
  span: Span;
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** What is wrong, plain text, lower-case first word, no final period. */
  message: string;
  span: Span;
  related: RelatedInfo[];
  /** Alternatives: at most one is applied. The first is the preferred one. */
  fixes: Fix[];
  /** Render the range faded (VS Code DiagnosticTag.Unnecessary), e.g. an unused ignore directive. */
  unnecessary?: boolean;
}

export interface SourceInput {
  /** Display path (also used to tell files apart in a package). Not read by the engine. */
  path: string;
  text: string;
}

export interface FileResult {
  path: string;
  findings: Finding[];
  /** Number of ERROR/MISSING regions in the parse; findings inside them are dropped. */
  syntaxErrors: number;
}

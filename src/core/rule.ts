import type { SyntaxNode as Node } from './syntax/node';
import type { FileSemantics } from './semantic/file';
import type { Fix, Severity } from './types';

/** One parsed file as rules see it. Nodes are valid only during the rule's callback. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly root: Node;
  /** Effective Go minor version (1.22 → 22), or undefined when no go.mod or build tag says. */
  readonly goVersion: number | undefined;
  readonly packageName: string;
  readonly isTest: boolean;
}

export interface Report {
  /** Primary range; prefer the smallest meaningful node. */
  node: Node;
  message: string;
  /** Lower the rule's default severity for this finding (e.g. a Go version makes it milder). */
  severity?: Severity;
  related?: { node: Node; message: string }[];
  fixes?: Fix[];
}

export interface RuleContext {
  readonly file: SourceFile;
  readonly sem: FileSemantics;
  /**
   * Messages must not name absolute positions ("line 12"): the editor reuses a declaration's findings
   * while its text is unchanged, even when lines above it move. Point at places with `related`.
   */
  report(r: Report): void;
}

export type Visitor = (node: Node, ctx: RuleContext) => void;

/**
 * A detector. The engine owns the traversal: a rule names the node types it visits, and the single
 * walk over each tree calls it for each such node, in document order.
 */
export interface RuleDefinition {
  readonly id: string;
  /** Skip the file unless it imports at least one of these paths (cheap early exit). */
  readonly requiresImport?: readonly string[];
  /** A finer cheap check on the whole file; the rule is skipped when it returns false. */
  readonly applies?: (ctx: RuleContext) => boolean;
  /**
   * Words (whole identifiers or keywords) without which the rule cannot report inside a top-level
   * declaration: the engine does not call its visitors in a declaration whose text has none of them
   * (comments and strings count, so the test only ever lets more through). A function gives them for
   * the file, e.g. from the package index; what it reads of the index counts for every declaration.
   * A word `.name` counts only after a dot (a field or method). Without needs, a rule that visits only
   * calls of named callees needs those names; null: visited everywhere.
   */
  readonly needs?: readonly string[] | ((ctx: RuleContext) => readonly string[]) | null;
  readonly visit: Readonly<Record<string, Visitor>>;
  /**
   * For a rule that visits call_expression looking for certain callees only: their last names (`close`,
   * `Wait` of `c.Wait()`, `After` of `time.After`). The engine reads each call's callee once and skips
   * the visitor for other names; a callee it cannot name (`(f)(x)`, `f()()`, a literal) is always
   * visited. The rule still checks the callee itself.
   */
  readonly callees?: readonly string[];
}

export const defineRule = (rule: RuleDefinition): RuleDefinition => rule;

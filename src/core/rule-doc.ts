import type { Severity } from './types';

/** A rule's documentation as data (generated from rules/<id>.md). */
export interface RuleDoc {
  id: string;
  title: string;
  category: string;
  severity: Severity;
  confidence: 'high' | 'medium' | 'low';
  fix: 'none' | 'safe' | 'unsafe';
  since: string;
  go?: string;
  qa: string[];
  related: string[];
  peers: string[];
  /** First sentence of "What it flags": the hover's summary. */
  summary: string;
  /** First paragraph of "Why it is dangerous". */
  why: string;
  /** First paragraph of "Fix". */
  fixSummary: string;
  /** The whole doc, without front matter. */
  markdown: string;
  /** An engine finding (internal-error, unused-ignore, malformed-ignore), not a detector. */
  engine: boolean;
}

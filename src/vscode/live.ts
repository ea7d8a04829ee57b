/**
 * Live analysis of open Go documents: one incremental parse per document (tree.edit from the change
 * events, never a re-read of disk), sibling files of the package for the index, go.mod for the Go
 * version, and results kept per document version so a stale analysis never overwrites a newer one.
 */
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type { Analyzer, DocumentHandle } from '../core/analyzer-api';
import type { Config } from '../core/config';
import type { Finding } from '../core/types';
import { ruleDocs } from '../generated/rule-docs';
import { toDiagnostic, toDiagnosticData } from './mapping';
import { PackageFiles } from './packages';

export interface LiveResult {
  version: number;
  /** The text the findings' offsets refer to. */
  text: string;
  findings: Finding[];
  ms: number;
}

export interface FileSettings {
  enabled: boolean;
  /** Why the file is not analysed, when it is not (shown once in the log). */
  skipReason?: string;
  run: 'onType' | 'onSave';
  config: Config;
}

interface Entry {
  doc: vscode.TextDocument;
  handle: DocumentHandle;
  /** Version of the text the handle holds. */
  version: number;
  result?: LiveResult;
  timer?: ReturnType<typeof setTimeout>;
  /** Pending fresh re-parse of text with syntax errors, once typing pauses (see DocumentHandle.settle). */
  settleTimer?: ReturnType<typeof setTimeout>;
}

export interface LiveOptions {
  analyzer: Analyzer;
  diagnostics: vscode.DiagnosticCollection;
  /** checkSize: also apply gopitfalls.maxFileSize (on open; edits do not re-check it). */
  settingsFor(doc: vscode.TextDocument, checkSize?: boolean): FileSettings;
  docTarget(ruleId: string): string;
  log: vscode.LogOutputChannel;
  onResult?(doc: vscode.TextDocument, r: LiveResult): void;
  /** Milliseconds between an edit and its analysis (0: on the next turn of the event loop). */
  debounceMs?: number;
  /** Milliseconds before the other open files of a package are re-analysed after one changed. */
  siblingDelayMs?: number;
  /**
   * Milliseconds of no edits after which text with syntax errors is parsed afresh and analysed again
   * (an incremental parse can recover from errors differently than the CLI's fresh parse).
   */
  settleMs?: number;
}

export const isGoDocument = (d: vscode.TextDocument) =>
  d.languageId === 'go' && (d.uri.scheme === 'file' || d.uri.scheme === 'untitled' || d.uri.scheme === 'vscode-remote');

export class LiveAnalysis implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly skipped = new Set<string>();
  readonly packages: PackageFiles;
  private siblingTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly o: LiveOptions) {
    this.packages = new PackageFiles((path) => this.openText(path));
  }

  private openText(path: string): string | undefined {
    for (const e of this.entries.values()) if (e.doc.uri.scheme === 'file' && e.doc.uri.fsPath === path) return e.doc.getText();
    return undefined;
  }

  /** The latest result of a document, when it matches the document's current version. */
  current(doc: vscode.TextDocument): LiveResult | undefined {
    const r = this.entries.get(doc.uri.toString())?.result;
    return r && r.version === doc.version ? r : undefined;
  }

  isLive(uri: vscode.Uri): boolean {
    return this.entries.has(uri.toString());
  }

  open(doc: vscode.TextDocument): void {
    if (!isGoDocument(doc)) return;
    const key = doc.uri.toString();
    if (this.entries.has(key)) return;
    const s = this.o.settingsFor(doc, true);
    if (!s.enabled) {
      this.skip(doc, s.skipReason);
      return;
    }
    const handle = this.o.analyzer.openDocument(doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString(), doc.getText());
    this.entries.set(key, { doc, handle, version: doc.version });
    this.analyzeNow(key);
  }

  private skip(doc: vscode.TextDocument, reason: string | undefined): void {
    const key = doc.uri.toString();
    this.o.diagnostics.delete(doc.uri);
    if (reason && !this.skipped.has(key)) {
      this.skipped.add(key);
      this.o.log.info(`not analysing ${doc.uri.fsPath || key}: ${reason}`);
    }
  }

  change(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    const entry = this.entries.get(key);
    if (!entry) {
      if (isGoDocument(e.document) && !this.skipped.has(key)) this.open(e.document);
      return;
    }
    if (e.contentChanges.length === 0) return; // a dirty-state change only
    if (entry.settleTimer) clearTimeout(entry.settleTimer);
    entry.settleTimer = undefined;
    try {
      entry.handle.update(e.contentChanges);
      // Cheap guard against a missed event: the lengths must agree, else start over from the text.
      if (entry.handle.text.length !== e.document.getText().length) entry.handle.reset(e.document.getText());
    } catch (err) {
      this.o.log.warn(`incremental update of ${e.document.uri.fsPath} failed (${(err as Error).message}); re-parsing the whole text`);
      entry.handle.reset(e.document.getText());
    }
    entry.version = e.document.version;
    entry.doc = e.document;
    if (this.o.settingsFor(e.document).run === 'onType') this.schedule(key, this.o.debounceMs ?? 0);
    this.siblingsChanged(e.document);
  }

  saved(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (!this.entries.has(key)) return;
    if (this.o.settingsFor(doc).run === 'onSave') this.schedule(key, 0);
  }

  close(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const entry = this.entries.get(key);
    this.skipped.delete(key);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    if (entry.settleTimer) clearTimeout(entry.settleTimer);
    entry.handle.dispose();
    this.entries.delete(key);
    this.o.diagnostics.delete(doc.uri);
    this.siblingsChanged(doc);
  }

  /** The other open documents of doc's directory see its new text: re-analyse them a little later. */
  private siblingsChanged(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== 'file') return;
    this.dirChanged(dirname(doc.uri.fsPath), doc.uri.toString());
  }

  /** Re-analyses the open documents of a directory (a sibling changed on disk or in the editor). */
  dirChanged(dir: string, except?: string): void {
    const prev = this.siblingTimers.get(dir);
    if (prev) clearTimeout(prev);
    this.siblingTimers.set(
      dir,
      setTimeout(() => {
        this.siblingTimers.delete(dir);
        for (const [key, e] of this.entries) {
          if (key !== except && e.doc.uri.scheme === 'file' && dirname(e.doc.uri.fsPath) === dir) this.analyzeNow(key);
        }
      }, this.o.siblingDelayMs ?? 250),
    );
  }

  /** A .go file changed on disk (created, changed, deleted). */
  fileChangedOnDisk(uri: vscode.Uri, deleted = false): void {
    if (deleted) this.packages.remove(uri.fsPath);
    else this.packages.invalidate(uri.fsPath);
    if (!this.isLive(uri)) this.dirChanged(dirname(uri.fsPath));
  }

  goModChanged(): void {
    this.packages.invalidateGoMods();
    this.reanalyzeAll();
  }

  /** Settings changed: re-check which documents are analysed, and re-analyse those that are. */
  reanalyzeAll(): void {
    for (const [key, e] of [...this.entries]) {
      const s = this.o.settingsFor(e.doc, true);
      if (!s.enabled) {
        this.close(e.doc);
        this.skip(e.doc, s.skipReason);
      } else this.analyzeNow(key);
    }
    for (const doc of vscode.workspace.textDocuments) {
      this.skipped.delete(doc.uri.toString());
      if (!this.entries.has(doc.uri.toString())) this.open(doc);
    }
  }

  private schedule(key: string, ms: number): void {
    const e = this.entries.get(key);
    if (!e) return;
    if (e.timer) clearTimeout(e.timer);
    e.timer = setTimeout(() => {
      e.timer = undefined;
      this.analyzeNow(key);
    }, ms);
  }

  private analyzeNow(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    const doc = e.doc;
    // The handle must hold the document's current text; an edit whose event has not arrived yet
    // would make the result stale: leave it to that event.
    if (e.version !== doc.version) return;
    const t0 = performance.now();
    const s = this.o.settingsFor(doc);
    const path = doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined;
    let findings: Finding[];
    try {
      const dir = path ? dirname(path) : undefined;
      const goMod = dir ? this.packages.goMod(dir) : undefined;
      const result = e.handle.analyze({
        siblings: path ? this.packages.siblings(path, e.handle.text) : [],
        goMod: goMod?.text,
        config: s.config,
      });
      findings = result.findings;
      if (result.syntaxErrors > 0 && !e.settleTimer) {
        e.settleTimer = setTimeout(() => {
          e.settleTimer = undefined;
          if (this.entries.get(key) === e && e.version === e.doc.version && e.handle.settle()) this.analyzeNow(key);
        }, this.o.settleMs ?? 400);
      }
    } catch (err) {
      // The engine isolates rules; this is the engine itself failing. Report it on the document, never throw.
      this.o.log.error(`analysis of ${path ?? key} failed: ${(err as Error).stack ?? err}`);
      findings = [];
    }
    const ms = performance.now() - t0;
    const r: LiveResult = { version: e.version, text: e.handle.text, findings, ms };
    e.result = r;
    this.o.diagnostics.set(
      doc.uri,
      findings.map((f) => toDiagnostic(vscode, doc.uri, toDiagnosticData(f, this.o.docTarget))),
    );
    this.o.log.debug(`${path ?? key} v${e.version}: ${findings.length} finding(s) in ${ms.toFixed(1)} ms`);
    this.o.onResult?.(doc, r);
  }

  /** Findings of the current version of a document that touch a range. */
  findingsIn(doc: vscode.TextDocument, range: vscode.Range): Finding[] {
    const r = this.current(doc);
    if (!r) return [];
    return r.findings.filter((f) => {
      const fr = new vscode.Range(f.span.start.line, f.span.start.character, f.span.end.line, f.span.end.character);
      return fr.intersection(range) !== undefined || fr.contains(range);
    });
  }

  dispose(): void {
    for (const t of this.siblingTimers.values()) clearTimeout(t);
    for (const e of this.entries.values()) {
      if (e.timer) clearTimeout(e.timer);
      if (e.settleTimer) clearTimeout(e.settleTimer);
      e.handle.dispose();
    }
    this.entries.clear();
  }
}

export const knownRuleIdSet = () => new Set(Object.keys(ruleDocs));

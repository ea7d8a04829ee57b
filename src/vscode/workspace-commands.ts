/**
 * "Scan workspace" and "Review changes against a branch": both run on worker threads (scan.ts) with a
 * cancellable progress notification, and publish into their own diagnostic collection, leaving files
 * that are open (and analysed live) to the live collection.
 */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { changedSince, touches } from '../cli/diff';
import { git } from '../node/git';
import { isGoSourceName } from '../node/package-files';
import type { Finding } from '../core/types';
import type { LiveAnalysis } from './live';
import { toDiagnostic, toDiagnosticData } from './mapping';
import { runScan, type ScanOutcome } from './scan';
import { mergeRules } from './settings';
import type { WorkspaceSettings } from './workspace-settings';

export interface WorkspaceRunResult {
  files: number;
  findings: number;
  /** Findings per absolute path (what was published). */
  byFile: Record<string, string[]>;
  cancelled: boolean;
  ms: number;
  errors: number;
  base?: string;
}

export interface WorkspaceCommandDeps {
  extensionPath: string;
  live: LiveAnalysis;
  settings: WorkspaceSettings;
  collection: vscode.DiagnosticCollection;
  log: vscode.LogOutputChannel;
  docTarget(ruleId: string): string;
  busy(on: boolean, label?: string): void;
}

export class WorkspaceCommands {
  constructor(private readonly d: WorkspaceCommandDeps) {}

  private folders(): vscode.WorkspaceFolder[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  }

  private async run(title: string, files: string[] | undefined, keep: (path: string, f: Finding) => boolean): Promise<WorkspaceRunResult> {
    const folders = this.folders();
    const excludes = folders.flatMap((f) => {
      const { settings, file } = this.d.settings.forFolder(f);
      return [
        { root: f.uri.fsPath, globs: settings.exclude },
        { root: file.root, globs: file.config.exclude },
      ].filter((e) => e.globs.length);
    });
    const configFor = (dir: string) => {
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(join(dir, 'x.go')));
      if (!folder) return { rules: {}, exclude: [] };
      const { settings, file } = this.d.settings.forFolder(folder);
      return mergeRules(settings, file.config);
    };
    this.d.busy(true, title);
    try {
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        async (progress, token) => {
          let last = 0;
          return runScan({
            roots: folders.map((f) => f.uri.fsPath),
            files: files?.filter((f) => !this.d.settings.excluded(f)),
            excludes,
            configFor,
            workerPath: join(this.d.extensionPath, 'dist', 'scan-worker.js'),
            token,
            onProgress: (done, total) => {
              const pct = total ? (done / total) * 100 : 100;
              progress.report({ increment: pct - last, message: `${done}/${total} files` });
              last = pct;
            },
          });
        },
      );
      return this.publish(outcome, keep);
    } finally {
      this.d.busy(false);
    }
  }

  private publish(outcome: ScanOutcome, keep: (path: string, f: Finding) => boolean): WorkspaceRunResult {
    this.d.collection.clear();
    const byFile: Record<string, string[]> = {};
    let count = 0;
    for (const r of outcome.results) {
      const findings = r.findings.filter((f) => keep(r.path, f));
      if (!findings.length) continue;
      count += findings.length;
      byFile[r.path] = findings.map((f) => `${f.span.start.line + 1}:${f.ruleId}`);
      const uri = vscode.Uri.file(r.path);
      if (this.d.live.isLive(uri)) continue; // the open file's live findings are already shown
      this.d.collection.set(
        uri,
        findings.map((f) => toDiagnostic(vscode, uri, toDiagnosticData(f, this.d.docTarget))),
      );
    }
    for (const e of outcome.errors) this.d.log.warn(`${e.path}: ${e.message}`);
    for (const w of outcome.warnings) this.d.log.warn(w);
    this.d.log.info(
      `${outcome.cancelled ? 'cancelled after' : 'analysed'} ${outcome.files} file(s) in ${outcome.ms.toFixed(0)} ms: ${count} finding(s), ${outcome.errors.length} error(s)`,
    );
    return { files: outcome.files, findings: count, byFile, cancelled: outcome.cancelled, ms: outcome.ms, errors: outcome.errors.length };
  }

  async scanWorkspace(): Promise<WorkspaceRunResult | undefined> {
    if (!this.folders().length) {
      void vscode.window.showInformationMessage('Go Concurrency Pitfalls: open a folder to scan it.');
      return undefined;
    }
    const r = await this.run('Go Concurrency Pitfalls: scanning the workspace', undefined, () => true);
    void vscode.window.showInformationMessage(
      r.cancelled ? `Scan cancelled: ${r.findings} finding(s) so far.` : `Scanned ${r.files} Go file(s): ${r.findings} finding(s).`,
    );
    return r;
  }

  /** The ref offered by default: the branch's upstream, else main or master. */
  async defaultRef(cwd: string): Promise<string> {
    try {
      return (await git(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}'], cwd)).trim();
    } catch {
      for (const b of ['main', 'master']) {
        try {
          await git(['rev-parse', '--verify', '--quiet', `refs/heads/${b}`], cwd);
          return b;
        } catch {
          // try the next
        }
      }
      return 'main';
    }
  }

  async reviewChanges(refArg?: unknown): Promise<WorkspaceRunResult | undefined> {
    const folder = this.folders()[0];
    if (!folder) {
      void vscode.window.showInformationMessage('Go Concurrency Pitfalls: open a folder inside a git repository to review its changes.');
      return undefined;
    }
    const cwd = folder.uri.fsPath;
    let ref = typeof refArg === 'string' && refArg ? refArg : undefined;
    if (!ref) {
      ref = await vscode.window.showInputBox({
        title: 'Review changes against',
        prompt: 'Branch, tag or commit: only findings on lines changed since its merge base with HEAD are shown',
        value: await this.defaultRef(cwd),
        ignoreFocusOut: true,
      });
      if (!ref) return undefined;
    }
    let changed: Awaited<ReturnType<typeof changedSince>>;
    try {
      changed = await changedSince(ref, cwd);
    } catch (e) {
      void vscode.window.showErrorMessage(`Go Concurrency Pitfalls: cannot review against "${ref}": ${(e as Error).message}`);
      return undefined;
    }
    const files = [...changed.changed.keys()].filter((p) => isGoSourceName(p.slice(p.lastIndexOf('/') + 1)) && existsSync(p));
    const r = await this.run(`Go Concurrency Pitfalls: reviewing changes since ${ref}`, files, (path, f) =>
      touches(changed.changed.get(path), f.span.start.line + 1, f.span.end.line + 1),
    );
    r.base = changed.base;
    void vscode.window.showInformationMessage(
      `Reviewed ${files.length} changed Go file(s) since ${ref} (${changed.base.slice(0, 8)}): ${r.findings} finding(s) on changed lines.`,
    );
    return r;
  }
}

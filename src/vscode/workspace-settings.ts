/**
 * The effective settings of a file: the `gopitfalls.*` settings of its workspace folder merged with that
 * folder's `.gopitfalls.json` (the file wins per rule; both exclude lists apply; see settings.ts), cached
 * per folder until a setting or a config file changes. Problems are logged and shown once each.
 */
import * as vscode from 'vscode';
import { isAbsolute, relative, sep } from 'node:path';
import { loadConfigFile, excludeMatcher, type LoadedConfig } from '../node/config-file';
import type { FileSettings } from './live';
import { mergeRules, readSettings, SECTION, type Settings } from './settings';
import { notGoSource } from '../core/input-checks';

interface FolderState {
  settings: Settings;
  file: LoadedConfig;
  excluded: (path: string) => boolean;
}

export class WorkspaceSettings {
  private readonly folders = new Map<string, FolderState>();
  private readonly shown = new Set<string>();

  constructor(
    private readonly knownRuleIds: ReadonlySet<string>,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Forget everything (a setting or a config file changed). */
  clear(): void {
    this.folders.clear();
  }

  private report(problems: readonly string[]): void {
    const fresh = problems.filter((p) => !this.shown.has(p));
    if (!fresh.length) return;
    for (const p of fresh) {
      this.shown.add(p);
      this.log.warn(p);
    }
    void vscode.window
      .showWarningMessage(
        `Go Concurrency Pitfalls: ${fresh[0]}${fresh.length > 1 ? ` (and ${fresh.length - 1} more)` : ''}. The valid part of the settings is used.`,
        'Show Output',
      )
      .then((a) => a && this.log.show(true));
  }

  private folderState(folder: vscode.WorkspaceFolder | undefined): FolderState {
    const key = folder?.uri.toString() ?? '';
    let st = this.folders.get(key);
    if (st) return st;
    const cfg = vscode.workspace.getConfiguration(SECTION, folder?.uri);
    const { settings, problems } = readSettings((k) => cfg.get(k), this.knownRuleIds);
    const root = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
    const file: LoadedConfig = root
      ? loadConfigFile({ cwd: root, knownRuleIds: this.knownRuleIds })
      : { config: { rules: {}, exclude: [] }, root: '', problems: [] };
    // Workspace trust: a .gopitfalls.json found above an untrusted folder (the git top level) is not
    // the folder's own, so it is ignored there; inside the folder it is plain data and always read.
    if (root && file.path && !vscode.workspace.isTrusted && !inside(root, file.path)) {
      this.log.info(`untrusted workspace: ignoring ${file.path}, which is outside ${root}`);
      file.config = { rules: {}, exclude: [] };
      file.problems = [];
    }
    this.report([...problems, ...file.problems]);
    const a = root ? excludeMatcher(root, settings.exclude) : () => false;
    const b = root || file.path ? excludeMatcher(file.root, file.config.exclude) : () => false;
    st = { settings, file, excluded: (p) => a(p) || b(p) };
    this.folders.set(key, st);
    return st;
  }

  /** Settings of one document. */
  forDocument(doc: vscode.TextDocument, checkSize = false): FileSettings {
    const st = this.folderState(vscode.workspace.getWorkspaceFolder(doc.uri));
    const base = { run: st.settings.run, config: mergeRules(st.settings, st.file.config) };
    if (!st.settings.enable) return { ...base, enabled: false, skipReason: 'gopitfalls.enable is false' };
    if (doc.uri.scheme === 'file' && st.excluded(doc.uri.fsPath)) return { ...base, enabled: false, skipReason: 'excluded by an exclude glob' };
    if (checkSize) {
      const text = doc.getText();
      if (text.length > st.settings.maxFileSize) {
        return { ...base, enabled: false, skipReason: `${text.length} characters is over gopitfalls.maxFileSize (${st.settings.maxFileSize})` };
      }
      const notGo = notGoSource(text);
      if (notGo) return { ...base, enabled: false, skipReason: notGo };
    }
    return { ...base, enabled: true };
  }

  /** For a workspace scan: the engine config of a directory, and the exclude globs with their roots. */
  forFolder(folder: vscode.WorkspaceFolder): { settings: Settings; file: LoadedConfig } {
    const st = this.folderState(folder);
    return { settings: st.settings, file: st.file };
  }

  excluded(path: string): boolean {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path));
    return this.folderState(folder).excluded(path);
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return !!rel && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

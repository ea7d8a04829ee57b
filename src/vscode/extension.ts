/**
 * The VS Code extension: wires the engine (src/core) to the editor. Live diagnostics for open Go files
 * (live.ts), hover cards and code actions (providers.ts), workspace scan and review of changed lines
 * (workspace-commands.ts), settings merged with .gopitfalls.json (workspace-settings.ts), a status bar
 * item, and commands that open the rule docs and Q&A entries.
 */
import * as vscode from 'vscode';
import { join } from 'node:path';
import { createAnalyzer } from '../core/analyzer';
import type { Analyzer } from '../core/analyzer-api';
import { ruleDocs } from '../generated/rule-docs';
import { readWasm } from '../node/wasm';
import { commandUri, type HoverLinks } from './hover';
import { kbEntries } from '../generated/kb';
import { Learn } from './learn';
import type { EntryView } from './learn-html';
import { primitiveAt, primitiveMarkdown } from './primitives';
import { isGoDocument, LiveAnalysis, type LiveResult } from './live';
import { SOURCE } from './mapping';
import { CodeActionProvider, HoverProvider } from './providers';
import { SECTION } from './settings';
import { WorkspaceCommands } from './workspace-commands';
import { WorkspaceSettings } from './workspace-settings';

/** What activate returns: read by the real-VS-Code test suite (timings are printed there, not asserted). */
export interface ExtensionApi {
  readonly activationMs: number;
  /** Milliseconds from the start of activation to the first published diagnostics (undefined until then). */
  firstResultMs?: number;
  /** Analysis times of every live analysis so far, in ms. */
  readonly analysisMs: number[];
  /** Resolves with the next result of a document (after an edit). */
  nextResult(uri: vscode.Uri): Promise<LiveResult>;
  /** What the Learn panel shows now. */
  learnCurrent(): EntryView | undefined;
}

const GO: vscode.DocumentSelector = [
  { language: 'go', scheme: 'file' },
  { language: 'go', scheme: 'untitled' },
];

let state: { analyzer: Analyzer; live: LiveAnalysis } | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const t0 = performance.now();
  const log = vscode.window.createOutputChannel('Go Concurrency Pitfalls', { log: true });
  context.subscriptions.push(log);
  const knownRuleIds = new Set(Object.keys(ruleDocs));
  const ruleDocUri = (id: string) =>
    vscode.Uri.joinPath(context.extensionUri, 'rules', ...(ruleDocs[id]?.engine ? ['engine', `${id}.md`] : [`${id}.md`]));

  let analyzer: Analyzer;
  try {
    analyzer = await createAnalyzer(readWasm(join(context.extensionPath, 'dist')));
  } catch (e) {
    log.error(`could not load the Go parser: ${(e as Error).stack ?? e}`);
    void vscode.window.showErrorMessage(`Go Concurrency Pitfalls could not start: ${(e as Error).message}`);
    throw e;
  }

  const waiters = new Map<string, ((r: LiveResult) => void)[]>();
  const learn = new Learn(log);
  context.subscriptions.push(learn, learn.register());
  const api: ExtensionApi = {
    activationMs: 0,
    analysisMs: [],
    learnCurrent: () => learn.current,
    nextResult: (uri) =>
      new Promise((resolve) => {
        const k = uri.toString();
        waiters.set(k, [...(waiters.get(k) ?? []), resolve]);
      }),
  };

  const settings = new WorkspaceSettings(knownRuleIds, log);
  const liveCollection = vscode.languages.createDiagnosticCollection(SOURCE);
  const workspaceCollection = vscode.languages.createDiagnosticCollection(`${SOURCE}-workspace`);
  context.subscriptions.push(liveCollection, workspaceCollection);

  const status = vscode.window.createStatusBarItem('gopitfalls.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Go Concurrency Pitfalls';
  status.command = 'gopitfalls.openProblems';
  context.subscriptions.push(status);
  let scanning: string | undefined;
  const updateStatus = () => {
    const ed = vscode.window.activeTextEditor;
    if (scanning) {
      status.text = '$(sync~spin) Go pitfalls';
      status.tooltip = scanning;
      status.show();
      return;
    }
    if (!ed || !isGoDocument(ed.document)) {
      status.hide();
      return;
    }
    const n = vscode.languages.getDiagnostics(ed.document.uri).filter((d) => d.source === SOURCE).length;
    status.text = n ? `$(warning) ${n} Go pitfall${n === 1 ? '' : 's'}` : '$(check) Go pitfalls';
    status.tooltip = n ? `${n} concurrency finding(s) in this file. Click to open the Problems view.` : 'No concurrency findings in this file.';
    status.show();
  };

  const live = new LiveAnalysis({
    analyzer,
    diagnostics: liveCollection,
    settingsFor: (doc, checkSize) => settings.forDocument(doc, checkSize),
    docTarget: (id) => ruleDocUri(id).toString(),
    log,
    onResult: (doc, r) => {
      api.firstResultMs ??= performance.now() - t0;
      api.analysisMs.push(r.ms);
      if (api.analysisMs.length > 10_000) api.analysisMs.splice(0, 5_000);
      workspaceCollection.delete(doc.uri);
      const k = doc.uri.toString();
      const w = waiters.get(k);
      if (w) {
        waiters.delete(k);
        for (const f of w) f(r);
      }
      if (vscode.window.activeTextEditor?.document === doc) updateStatus();
    },
  });
  state = { analyzer, live };
  context.subscriptions.push(live);

  const links: HoverLinks = {
    doc: (id) => commandUri('gopitfalls.openRuleDoc', id),
    qa: (id) => commandUri('gopitfalls.openQa', id),
  };
  const teach = (doc: vscode.TextDocument, pos: vscode.Position) => {
    if (!vscode.workspace.getConfiguration(SECTION, doc.uri).get<boolean>('hover.primitives', true)) return undefined;
    const p = primitiveAt(doc.lineAt(pos.line).text, pos.character);
    if (!p) return undefined;
    const md = new vscode.MarkdownString(primitiveMarkdown(p, (id) => (kbEntries[id] ? links.qa(id) : undefined)));
    md.isTrusted = { enabledCommands: ['gopitfalls.openQa'] };
    return new vscode.Hover(md, doc.getWordRangeAtPosition(pos));
  };
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(GO, new HoverProvider(live, links, teach)),
    vscode.languages.registerCodeActionsProvider(GO, new CodeActionProvider(live), CodeActionProvider.metadata),
  );

  const commands = new WorkspaceCommands({
    extensionPath: context.extensionPath,
    live,
    settings,
    collection: workspaceCollection,
    log,
    docTarget: (id) => ruleDocUri(id).toString(),
    busy: (on, label) => {
      scanning = on ? label : undefined;
      updateStatus();
    },
  });
  context.subscriptions.push(
    vscode.commands.registerCommand('gopitfalls.scanWorkspace', () => commands.scanWorkspace()),
    vscode.commands.registerCommand('gopitfalls.reviewChanges', (ref?: unknown) => commands.reviewChanges(ref)),
    vscode.commands.registerCommand('gopitfalls.clearWorkspaceFindings', () => workspaceCollection.clear()),
    vscode.commands.registerCommand('gopitfalls.showOutput', () => log.show(true)),
    // VS Code gives extensions no way to set the Problems filter, so this focuses the view (without the
    // toggle of workbench.actions.view.problems); typing "gopitfalls" in its filter narrows it to us.
    vscode.commands.registerCommand('gopitfalls.openProblems', () => vscode.commands.executeCommand('workbench.panel.markers.view.focus')),
    vscode.commands.registerCommand('gopitfalls.openRuleDoc', async (id?: unknown) => {
      let ruleId = typeof id === 'string' ? id : undefined;
      if (!ruleId) {
        const pick = await vscode.window.showQuickPick(
          Object.values(ruleDocs)
            .filter((d) => !d.engine)
            .map((d) => ({ label: d.id, description: d.title, detail: d.summary })),
          { title: 'Open the doc of a Go concurrency rule', matchOnDescription: true },
        );
        ruleId = pick?.label;
      }
      return ruleId ? learn.openRule(ruleId) : undefined;
    }),
    vscode.commands.registerCommand('gopitfalls.openQa', (id?: unknown) => learn.openQa(String(id))),
    vscode.commands.registerCommand('gopitfalls.searchQa', async (q?: unknown) => {
      await vscode.commands.executeCommand('gopitfalls.learn.focus');
      let query = typeof q === 'string' ? q : undefined;
      query ??= await vscode.window.showInputBox({ title: 'Search the Go concurrency Q&A', prompt: 'Words that must all appear' });
      return query === undefined ? undefined : learn.search(query);
    }),
  );

  // Documents: open, edit, save, close.
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => live.open(d)),
    vscode.workspace.onDidChangeTextDocument((e) => live.change(e)),
    vscode.workspace.onDidSaveTextDocument((d) => live.saved(d)),
    vscode.workspace.onDidCloseTextDocument((d) => live.close(d)),
    vscode.window.onDidChangeActiveTextEditor(() => updateStatus()),
    vscode.languages.onDidChangeDiagnostics((e) => {
      const ed = vscode.window.activeTextEditor;
      if (ed && e.uris.some((u) => u.toString() === ed.document.uri.toString())) updateStatus();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      settings.clear();
      live.reanalyzeAll();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      settings.clear();
      live.reanalyzeAll();
    }),
  );

  // Files on disk: siblings of open files, go.mod (the Go version) and .gopitfalls.json.
  const goWatcher = vscode.workspace.createFileSystemWatcher('**/*.go');
  const modWatcher = vscode.workspace.createFileSystemWatcher('**/go.mod');
  const cfgWatcher = vscode.workspace.createFileSystemWatcher('**/.gopitfalls.json');
  const configChanged = () => {
    settings.clear();
    live.reanalyzeAll();
  };
  context.subscriptions.push(
    goWatcher,
    modWatcher,
    cfgWatcher,
    goWatcher.onDidCreate((u) => live.fileChangedOnDisk(u)),
    goWatcher.onDidChange((u) => live.fileChangedOnDisk(u)),
    goWatcher.onDidDelete((u) => live.fileChangedOnDisk(u, true)),
    modWatcher.onDidCreate(() => live.goModChanged()),
    modWatcher.onDidChange(() => live.goModChanged()),
    modWatcher.onDidDelete(() => live.goModChanged()),
    cfgWatcher.onDidCreate(configChanged),
    cfgWatcher.onDidChange(configChanged),
    cfgWatcher.onDidDelete(configChanged),
  );

  for (const d of vscode.workspace.textDocuments) live.open(d);
  updateStatus();
  (api as { activationMs: number }).activationMs = performance.now() - t0;
  log.info(`activated in ${api.activationMs.toFixed(0)} ms (${analyzer.ruleIds.length} rules)`);
  return api;
}

export function deactivate(): void {
  state?.live.dispose();
  state?.analyzer.dispose();
  state = undefined;
}

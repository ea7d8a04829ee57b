/**
 * The "Go Concurrency" Learn view (a webview view: search box, topics → questions) and the panel that
 * shows one Q&A entry or rule doc, with working links between entries, rule docs and official pages.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { searchKb } from '../core/kb';
import { kbEntries, kbTopics } from '../generated/kb';
import { ruleDocs } from '../generated/rule-docs';
import { entryPage, entryView, learnPage, ruleView, type EntryView } from './learn-html';

const nonce = () => randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '');
const ruleIds = new Set(Object.keys(ruleDocs));

type Message = { type: 'openQa' | 'openRule'; id: string } | { type: 'openExternal'; url: string } | { type: 'search'; q: string } | { type: 'ready' };

export class Learn implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private view: vscode.WebviewView | undefined;
  private pendingQuery: string | undefined;
  /** What the panel shows now (read by the real-VS-Code tests). */
  current: EntryView | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {}

  register(): vscode.Disposable {
    return vscode.window.registerWebviewViewProvider('gopitfalls.learn', {
      resolveWebviewView: (view) => {
        this.view = view;
        view.webview.options = { enableScripts: true, localResourceRoots: [] };
        view.webview.html = learnPage(kbTopics, kbEntries, view.webview.cspSource, nonce());
        view.webview.onDidReceiveMessage((m: Message) => this.onMessage(m), undefined, this.disposables);
        view.onDidDispose(() => (this.view = undefined), undefined, this.disposables);
      },
    });
  }

  private onMessage(m: Message): void {
    switch (m.type) {
      case 'openQa':
        this.openQa(m.id);
        break;
      case 'openRule':
        this.openRule(m.id);
        break;
      case 'openExternal':
        // Only official https pages are linked from our docs; anything else is refused.
        if (/^https:\/\//.test(m.url)) void vscode.env.openExternal(vscode.Uri.parse(m.url));
        break;
      case 'search':
        this.postResults(m.q);
        break;
      case 'ready':
        if (this.pendingQuery !== undefined) {
          void this.view?.webview.postMessage({ type: 'setQuery', q: this.pendingQuery });
          this.postResults(this.pendingQuery);
        }
        break;
    }
  }

  /** Searches the Q&A (what typing in the view's box does); returns the ids found, best first. */
  search(q: string): string[] {
    this.pendingQuery = q;
    if (this.view) {
      void this.view.webview.postMessage({ type: 'setQuery', q });
      this.postResults(q);
    }
    return searchKb(kbEntries, kbTopics, q).map((h) => h.entry.id);
  }

  private postResults(q: string): void {
    const items = searchKb(kbEntries, kbTopics, q)
      .slice(0, 50)
      .map((h) => ({ id: h.entry.id, question: h.entry.question }));
    void this.view?.webview.postMessage({ type: 'results', q, items });
  }

  private show(v: EntryView): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('gopitfalls.entry', v.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
        enableScripts: true,
        localResourceRoots: [],
        enableFindWidget: true,
      });
      this.panel.onDidDispose(() => (this.panel = undefined), undefined, this.disposables);
      this.panel.webview.onDidReceiveMessage((m: Message) => this.onMessage(m), undefined, this.disposables);
    }
    this.panel.title = v.kind === 'qa' ? `Q&A: ${v.title}` : `Rule: ${v.id}`;
    this.panel.webview.html = entryPage(v, this.panel.webview.cspSource, nonce());
    this.panel.reveal(undefined, false);
    this.current = v;
  }

  openQa(id: string): EntryView | undefined {
    const e = kbEntries[id];
    if (!e) {
      this.log.warn(`no Q&A entry "${id}"`);
      void vscode.window.showWarningMessage(`Go Concurrency Pitfalls: no Q&A entry "${id}".`);
      return undefined;
    }
    this.show(entryView(e, kbTopics, kbEntries, ruleIds));
    return this.current;
  }

  openRule(id: string): EntryView | undefined {
    const d = ruleDocs[id];
    if (!d) {
      void vscode.window.showWarningMessage(`Go Concurrency Pitfalls: no rule "${id}".`);
      return undefined;
    }
    this.show(ruleView(d, kbEntries, ruleIds));
    return this.current;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

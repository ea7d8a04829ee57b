// Runs inside VS Code's real extension host (see scripts/vscode/run-tests.mjs) against a copy of
// test/vscode/workspace. Every expectation here goes through the public VS Code API, as a user would.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/vscode/extension';

const EXTENSION_ID = 'go-concurrency-pitfalls.go-concurrency-pitfalls';
const GOLDEN = join(__dirname, '..', '..', '..', 'test', 'vscode', 'golden');
const print = (s: string) => (globalThis as { __e2eLog?: (s: string) => void }).__e2eLog?.(s) ?? console.log(s);

const folder = () => vscode.workspace.workspaceFolders![0]!.uri;
const fileUri = (name: string) => vscode.Uri.joinPath(folder(), name);
const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'gopitfalls');
const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

async function open(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fileUri(name));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Line (0-based) of the `// want "rule"` comment in a document. */
function wantLine(doc: vscode.TextDocument, rule: string): number {
  for (let i = 0; i < doc.lineCount; i++) if (doc.lineAt(i).text.includes(`// want "${rule}"`)) return i;
  throw new Error(`no want for ${rule} in ${doc.uri.fsPath}`);
}

async function setRuleSetting(value: Record<string, string> | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('gopitfalls').update('rules', value, vscode.ConfigurationTarget.Workspace);
}

let api: ExtensionApi;

describe('Go Concurrency Pitfalls in VS Code', function () {
  this.timeout(60_000);

  // Activation in a hook: when it fails, mocha reports the hook and skips every test (no long time-outs).
  before(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this host`);
    api = await ext.activate();
  });

  it('activates on a Go workspace and returns its API', () => {
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, 'the extension did not activate');
    assert.equal(typeof api.nextResult, 'function');
    print(`activation: ${api.activationMs.toFixed(1)} ms (from activate() to providers registered)`);
  });

  // The five foundation rules, with the exact range each must underline (text of the range).
  const cases = [
    { file: 'waitgroup.go', rule: 'waitgroup-add-in-goroutine', text: 'wg.Add(1)', related: true },
    { file: 'timers.go', rule: 'time-after-in-loop', text: 'time.After(time.Second)', related: false },
    { file: 'snapshot.go', rule: 'copied-lock', text: 'Counter', related: false },
    { file: 'deadline.go', rule: 'missing-defer-cancel', text: 'cancel', related: true },
    { file: 'results.go', rule: 'leaky-unbuffered-result-channel', text: 'make(chan int)', related: true },
  ];
  for (const c of cases) {
    it(`reports ${c.rule} on the right range with code, doc link and related information`, async () => {
      const ed = await open(c.file);
      const diags = await waitFor(`diagnostics of ${c.file}`, () => {
        const d = ours(ed.document.uri);
        return d.length ? d : undefined;
      });
      assert.deepEqual(diags.map(codeOf), [c.rule], `${c.file}: ${diags.map((d) => `${codeOf(d)} ${d.message}`).join('; ')}`);
      const d = diags[0]!;
      assert.equal(d.range.start.line, wantLine(ed.document, c.rule));
      assert.equal(ed.document.getText(d.range), c.text);
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.ok(typeof d.code === 'object' && d.code.target.path.endsWith(`/rules/${c.rule}.md`), 'code links the rule doc');
      if (c.related) assert.ok(d.relatedInformation?.length, 'related information is attached');
    });
  }

  it('first diagnostics time is recorded', () => {
    assert.ok(api.firstResultMs !== undefined && api.firstResultMs > 0);
    print(`activation → first diagnostics: ${api.firstResultMs!.toFixed(1)} ms`);
  });

  it('hover on a finding shows the card: title, why, fix, links; not the message again', async () => {
    const ed = await open('timers.go');
    const d = await waitFor('timers.go diagnostics', () => ours(ed.document.uri)[0]);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', ed.document.uri, d.range.start.translate(0, 2));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(text, /time-after-in-loop/);
    assert.match(text, /\*\*Fix:\*\*/);
    assert.match(text, /command:gopitfalls\.openRuleDoc/);
    assert.match(text, /https:\/\/pkg\.go\.dev\/time/);
    assert.ok(!text.includes(d.message), 'the hover repeats the diagnostic message');
    assert.ok(text.split('\n').length < 40, 'the hover is short');
  });

  it('diagnostics follow an edit made through WorkspaceEdit', async () => {
    const ed = await open('timers.go');
    const before = await waitFor('timers.go diagnostics', () => ours(ed.document.uri)[0]);
    const next = api.nextResult(ed.document.uri);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(ed.document.uri, new vscode.Position(4, 0), '// two lines\n// added above\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await next;
    const after = await waitFor('moved diagnostic', () => {
      const d = ours(ed.document.uri)[0];
      return d && d.range.start.line === before.range.start.line + 2 ? d : undefined;
    });
    assert.equal(ed.document.getText(after.range), 'time.After(time.Second)');
  });

  for (const f of ['waitgroup', 'deadline', 'results']) {
    it(`the preferred quick fix of ${f}.go changes the text as the golden file says, and the finding goes away`, async () => {
      const ed = await open(`${f}.go`);
      const d = await waitFor(`${f}.go diagnostics`, () => ours(ed.document.uri)[0]);
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', ed.document.uri, d.range);
      const titles = actions.map((a) => a.title);
      const rule = codeOf(d);
      for (const t of [`Ignore ${rule} on this line`, `Ignore ${rule} in this file`, `Explain ${rule}`]) assert.ok(titles.includes(t), `missing "${t}" in ${titles.join(' | ')}`);
      const fix = actions.find((a) => a.isPreferred);
      assert.ok(fix?.edit, `no preferred fix among ${titles.join(' | ')}`);
      const next = api.nextResult(ed.document.uri);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      await next;
      assert.equal(ed.document.getText(), readFileSync(join(GOLDEN, `${f}.go.golden`), 'utf8'));
      await waitFor('the finding to disappear', () => ours(ed.document.uri).every((x) => codeOf(x) !== rule));
    });
  }

  it('"Ignore <rule> on this line" inserts a directive that silences the finding', async () => {
    const ed = await open('snapshot.go');
    const d = await waitFor('snapshot.go diagnostics', () => ours(ed.document.uri)[0]);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', ed.document.uri, d.range);
    const ignore = actions.find((a) => a.title === 'Ignore copied-lock on this line');
    assert.ok(ignore?.edit);
    const next = api.nextResult(ed.document.uri);
    assert.ok(await vscode.workspace.applyEdit(ignore.edit));
    await next;
    assert.match(ed.document.getText(), /\/\/gopitfalls:ignore copied-lock TODO: reason\n/);
    await waitFor('the finding to be suppressed', () => ours(ed.document.uri).length === 0);
  });

  it('source.fixAll.gopitfalls offers the safe fixes (for editor.codeActionsOnSave)', async () => {
    const ed = await open('results2.go');
    await waitFor('results2.go diagnostics', () => ours(ed.document.uri).length === 2);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      ed.document.uri,
      new vscode.Range(0, 0, ed.document.lineCount, 0),
      'source.fixAll.gopitfalls',
    );
    assert.equal(actions.length, 1, actions.map((a) => a.title).join(' | '));
    assert.equal(actions[0]!.edit?.get(ed.document.uri).length, 2, 'both safe fixes in one action');
  });

  it('settings changes take effect: a rule turned off, then raised to error', async () => {
    const ed = await open('timers.go');
    await waitFor('timers.go diagnostics', () => ours(ed.document.uri).length === 1);
    await setRuleSetting({ 'time-after-in-loop': 'off' });
    await waitFor('the rule to be off', () => ours(ed.document.uri).length === 0);
    await setRuleSetting({ 'time-after-in-loop': 'error' });
    const d = await waitFor('the rule at error severity', () => ours(ed.document.uri)[0]);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    await setRuleSetting(undefined);
    await waitFor('the default severity again', () => ours(ed.document.uri)[0]?.severity === vscode.DiagnosticSeverity.Warning);
  });

  it('the review command shows only findings on lines changed since the branch point (a real git repo)', async () => {
    const r = await vscode.commands.executeCommand<{ byFile: Record<string, string[]>; findings: number; base?: string }>(
      'gopitfalls.reviewChanges',
      'main',
    );
    assert.ok(r, 'the review returned nothing');
    const files = Object.keys(r.byFile).map((p) => p.slice(p.lastIndexOf('/') + 1));
    assert.deepEqual(files, ['review.go'], JSON.stringify(r.byFile));
    const lines = r.byFile[Object.keys(r.byFile)[0]!]!;
    assert.deepEqual(lines, lines.filter((l) => l.endsWith(':time-after-in-loop')));
    assert.equal(lines.length, 1);
    const uri = fileUri('review.go');
    const published = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'gopitfalls');
    assert.deepEqual(published.map(codeOf), ['time-after-in-loop']);
  });

  it('the workspace scan finds the pitfalls of files that are not open', async () => {
    const r = await vscode.commands.executeCommand<{ files: number; findings: number; byFile: Record<string, string[]> }>('gopitfalls.scanWorkspace');
    assert.ok(r && r.files >= 7, JSON.stringify(r));
    const names = Object.keys(r.byFile).map((p) => p.slice(p.lastIndexOf('/') + 1));
    assert.ok(names.includes('review.go'), names.join(', '));
    print(`workspace scan: ${r.files} files, ${r.findings} findings`);
  });

  it('package awareness: an unsaved edit of a sibling file changes the findings of an open file', async () => {
    const snap = await open('snapshot.go');
    await vscode.commands.executeCommand('undo'); // the ignore directive inserted by an earlier test
    await waitFor('snapshot.go copied-lock', () => ours(snap.document.uri).some((d) => codeOf(d) === 'copied-lock'), 20_000);
    const counter = await open('counter.go');
    const mu = counter.document.getText().indexOf('\tmu sync.Mutex\n');
    assert.ok(mu > 0);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(counter.document.uri, new vscode.Range(counter.document.positionAt(mu), counter.document.positionAt(mu + '\tmu sync.Mutex\n'.length)), '\tmu *sync.Mutex\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('the copied-lock finding in snapshot.go to go away', () => !ours(snap.document.uri).some((d) => codeOf(d) === 'copied-lock'), 20_000);
    await vscode.commands.executeCommand('undo');
    await waitFor('and to come back', () => ours(snap.document.uri).some((d) => codeOf(d) === 'copied-lock'), 20_000);
  });

  it('the Learn view opens and its search finds Q&A entries', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.gopitfalls');
    const ids = await vscode.commands.executeCommand<string[]>('gopitfalls.searchQa', 'waitgroup add');
    assert.ok(ids && ids.length > 0, 'no hits');
    assert.ok(ids.includes('waitgroup-add-before-go'), ids.join(', '));
    const none = await vscode.commands.executeCommand<string[]>('gopitfalls.searchQa', 'zzzz-no-such-word');
    assert.deepEqual(none, []);
  });

  it("the hover's Q&A link opens the entry, rendered in the Learn panel", async () => {
    const ed = await open('review.go');
    const d = await waitFor('review.go copied-lock', () => ours(ed.document.uri).find((x) => codeOf(x) === 'copied-lock'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', ed.document.uri, d.range.start);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    const m = /\(command:gopitfalls\.openQa\?([^)]+)\)/.exec(text);
    assert.ok(m, `no Q&A link in the hover: ${text}`);
    const args = JSON.parse(decodeURIComponent(m[1]!)) as string[];
    await vscode.commands.executeCommand('gopitfalls.openQa', ...args);
    const view = api.learnCurrent();
    assert.ok(view && view.kind === 'qa' && view.id === args[0]);
    assert.match(view.html, /<h1>/);
    assert.match(view.html, /<h2>Short answer<\/h2>/);
    assert.match(view.html, /data-rule="copied-lock"/, 'the entry links its rule');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('opening a rule doc from the command the hover links to renders it', async () => {
    const v = await vscode.commands.executeCommand<{ kind: string; id: string; html: string }>('gopitfalls.openRuleDoc', 'copied-lock');
    assert.equal(v?.kind, 'rule');
    assert.match(v!.html, /<h2>Why it is dangerous<\/h2>/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('a teaching hover on a primitive where nothing is wrong: at most 3 lines and a link', async () => {
    const ed = await open('counter.go');
    const line = ed.document.getText().split('\n').findIndex((l) => l.includes('sync.Mutex'));
    const col = ed.document.lineAt(line).text.indexOf('Mutex');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', ed.document.uri, new vscode.Position(line, col + 1));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(text, /\*\*sync\.Mutex\*\*/);
    assert.ok(text.trim().split('\n').length <= 3, text);
    await vscode.workspace.getConfiguration('gopitfalls').update('hover.primitives', false, vscode.ConfigurationTarget.Workspace);
    const off = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', ed.document.uri, new vscode.Position(line, col + 1));
    const offText = off.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.doesNotMatch(offText, /\*\*sync\.Mutex\*\*/);
    await vscode.workspace.getConfiguration('gopitfalls').update('hover.primitives', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('measures keystroke latency in the real extension host (printed, not asserted)', async () => {
    const ed = await open('big.go');
    await waitFor('big.go analysed', () => api.analysisMs.length > 0 && ours(ed.document.uri).length > 0, 30_000);
    const times: number[] = [];
    const engine: number[] = [];
    const line = ed.document.lineCount - 2;
    for (let i = 0; i < 200; i++) {
      const next = api.nextResult(ed.document.uri);
      const t0 = performance.now();
      await ed.edit((b) => b.insert(new vscode.Position(line, 0), i % 2 ? 'x' : 'y'), { undoStopBefore: false, undoStopAfter: false });
      engine.push((await next).ms);
      times.push(performance.now() - t0);
    }
    const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!.toFixed(1);
    print(
      `keystroke → diagnostics in the extension host, ${ed.document.lineCount} lines, 200 edits: p50 ${pct(times, 50)} ms, p95 ${pct(times, 95)} ms, p99 ${pct(times, 99)} ms ` +
        `(of which analysis: p50 ${pct(engine, 50)} ms, p95 ${pct(engine, 95)} ms)`,
    );
    assert.equal(times.length, 200);
  });
});

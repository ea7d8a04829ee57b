// Entry point VS Code's extension host calls (extensionTestsPath): runs the mocha suites of this folder
// and writes the outcome to e2e-result.json beside the test workspace, where the launcher reads it.
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

export interface E2eResult {
  passed: string[];
  failed: { title: string; error: string }[];
  pending: string[];
  /** Lines the suites print (measurements), in order. */
  log: string[];
  done: boolean;
}

export const result: E2eResult = { passed: [], failed: [], pending: [], log: [], done: false };

function resultPath(): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return process.env.GOPITFALLS_E2E_RESULT ?? join(folder ?? process.cwd(), '..', 'e2e-result.json');
}

const save = () => writeFileSync(resultPath(), JSON.stringify(result, null, 2));

export function run(): Promise<void> {
  (globalThis as { __e2eLog?: (s: string) => void }).__e2eLog = (s: string) => {
    result.log.push(s);
    console.log(s);
  };
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'spec' });
  for (const f of readdirSync(__dirname).filter((x) => x.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        result.done = true;
        save();
        if (failures > 0) reject(new Error(`${failures} test(s) failed`));
        else resolve();
      });
      runner.on('pass', (t) => {
        result.passed.push(t.fullTitle());
        save();
      });
      runner.on('fail', (t, err) => {
        result.failed.push({ title: t.fullTitle(), error: String((err as Error)?.stack ?? err) });
        save();
      });
      runner.on('pending', (t) => result.pending.push(t.fullTitle()));
    } catch (e) {
      result.failed.push({ title: 'mocha', error: String((e as Error).stack ?? e) });
      result.done = true;
      save();
      reject(e);
    }
  });
}

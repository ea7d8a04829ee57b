// npm run test:vscode:electron: the same mocha suite under @vscode/test-electron, for machines that can
// download a desktop VS Code (a developer laptop, a public CI). This machine cannot; use npm run
// test:vscode here. VSCODE_VERSION picks the build (default 1.100.3, the lowest we support).
import { runTests } from '@vscode/test-electron';
import { existsSync, readFileSync } from 'node:fs';
import { buildSuite, prepareWorkspace, RESULT, ROOT, SUITE } from './prepare.mjs';

await buildSuite();
const workspace = prepareWorkspace();
let code = 0;
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: SUITE,
    extensionTestsEnv: { GOPITFALLS_E2E_RESULT: RESULT },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
  });
} catch (e) {
  console.error(`test:vscode:electron: ${e.message ?? e}`);
  code = 1;
}
if (existsSync(RESULT)) {
  const r = JSON.parse(readFileSync(RESULT, 'utf8'));
  for (const l of r.log) console.log(`measured: ${l}`);
  console.log(`${r.passed.length} passed, ${r.failed.length} failed`);
  if (r.failed.length || !r.done) code = 1;
} else code = 1;
process.exit(code);

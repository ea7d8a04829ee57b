import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { GoParser, loadGo, readWasm } from '../node/engine';

/** The floor no tree-sitter tool can beat: read and parse each file, and do nothing else. */
(async () => {
  const parser = new GoParser(await loadGo(readWasm()));
  let nodes = 0;
  for (const p of workerData.files as string[]) {
    const tree = parser.parse(readFileSync(p, 'utf8'));
    nodes += tree.rootNode.descendantCount;
    tree.delete();
  }
  parentPort!.postMessage(nodes);
})();

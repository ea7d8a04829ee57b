import { Language, Parser } from 'web-tree-sitter';
import type { Tree } from 'web-tree-sitter';
import type { AnalyzerInit } from './analyzer-api';
import { checkLayout } from './syntax/check';
import { hasHeap, setHeap, type WasmHeap } from './syntax/layout';

/**
 * One web-tree-sitter runtime and Go language per process. `Parser.init` may only run once, so the
 * promise is shared; the WASM bytes come from the adapter (the core does no file I/O).
 */
let runtime: Promise<Language> | undefined;

export function loadGo(init: AnalyzerInit): Promise<Language> {
  runtime ??= (async () => {
    // The options object becomes the Emscripten module, whose heap views syntax/layout.ts reads.
    const module = { wasmBinary: init.runtimeWasm };
    await Parser.init(module as object);
    setHeap(module as unknown as WasmHeap);
    if (!hasHeap()) throw new Error('web-tree-sitter was initialised before the engine: its memory cannot be read');
    const language = await Language.load(init.goWasm);
    checkLayout(language);
    return language;
  })();
  return runtime;
}

/** Characters handed to an incremental re-parse per request (see GoParser.parse). */
const REPARSE_PIECE = 512;

export class GoParser {
  private readonly parser: Parser;
  constructor(language: Language) {
    this.parser = new Parser();
    this.parser.setLanguage(language);
  }
  /** Parses text; the caller must `delete()` the tree. Pass the previous tree for incremental parsing. */
  parse(text: string, previous?: Tree): Tree {
    // The text through a callback of ours, not as a string: given the string, web-tree-sitter's own
    // callback kept each keystroke's document text (and the tree's) alive through one more
    // young-generation GC, measured as 0.1 MB more copied per keystroke by each scavenge.
    //
    // A re-parse is given the text in short pieces. It asks again each time it moves past the reused
    // nodes (six or seven times per keystroke in a 5,000-line file), and web-tree-sitter copies each
    // answer into WASM a character at a time, up to 5,119 of them. A fresh parse reads on from where
    // it stopped, so it gets all the text that fits (pieces of 512 made it 5% slower).
    const input = previous ? (index: number) => text.slice(index, index + REPARSE_PIECE) : (index: number) => text.slice(index);
    const tree = this.parser.parse(input, previous ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }
  delete(): void {
    this.parser.delete();
  }
}

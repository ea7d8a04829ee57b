/**
 * The Q&A knowledge base as shipped with the extension (rules/qa/<topic>/<id>.md): an index of entries
 * read once, on first use. No VS Code import.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface KbEntry {
  id: string;
  topic: string;
  question: string;
  rules: string[];
  related: string[];
  path: string;
}

export class KnowledgeBase {
  private index: Map<string, KbEntry> | undefined;

  constructor(private readonly root: string) {}

  entries(): Map<string, KbEntry> {
    if (this.index) return this.index;
    const out = new Map<string, KbEntry>();
    const base = join(this.root, 'rules', 'qa');
    if (existsSync(base)) {
      for (const topic of readdirSync(base, { withFileTypes: true })) {
        if (!topic.isDirectory()) continue;
        for (const f of readdirSync(join(base, topic.name))) {
          if (!f.endsWith('.md')) continue;
          const path = join(base, topic.name, f);
          try {
            const text = readFileSync(path, 'utf8').replace(/\r\n/g, '\n');
            const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
            const fm = (m ? parseYaml(m[1]!) : {}) ?? {};
            const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
            const id = String(fm.id ?? f.replace(/\.md$/, ''));
            out.set(id, {
              id,
              topic: String(fm.topic ?? topic.name),
              question: String(fm.question ?? id),
              rules: list(fm.rules),
              related: list(fm.related),
              path,
            });
          } catch {
            // a malformed entry is left out; the kb tests catch it before release
          }
        }
      }
    }
    this.index = out;
    return out;
  }

  get(id: string): KbEntry | undefined {
    return this.entries().get(id);
  }
}

/**
 * The Q&A knowledge base as data (generated into src/generated/kb.ts from rules/qa) and its search,
 * shared by the CLI (--explain, --list) and the extension (Learn view, hover links). Pure.
 */

export interface KbTopic {
  slug: string;
  title: string;
}

export interface KbEntry {
  id: string;
  topic: string;
  question: string;
  /** Rule ids that detect the pitfall the entry describes. */
  rules: string[];
  /** Other entry ids. */
  related: string[];
  /** The Go version the entry's main fact depends on, when one does. */
  go?: string;
  /** The entry without front matter. */
  markdown: string;
}

export interface KbHit {
  entry: KbEntry;
  score: number;
}

const words = (s: string) => s.toLowerCase().match(/[a-z0-9.]+/g) ?? [];

/** The "## Short answer" paragraph of an entry. */
export function shortAnswer(e: Pick<KbEntry, 'markdown'>): string {
  const m = /^## Short answer\n([\s\S]*?)(?=\n## |\n*$)/m.exec(e.markdown);
  return (m?.[1] ?? '').trim();
}

/**
 * Entries matching every word of the query (in the question, id, topic, rule ids or text), best first:
 * a word in the question or id weighs most, then topic and rule ids, then the body. An empty query
 * matches nothing.
 */
export function searchKb(entries: Readonly<Record<string, KbEntry>>, topics: readonly KbTopic[], query: string): KbHit[] {
  const q = words(query);
  if (!q.length) return [];
  const titles = new Map(topics.map((t) => [t.slug, t.title.toLowerCase()]));
  const hits: KbHit[] = [];
  for (const e of Object.values(entries)) {
    const question = e.question.toLowerCase();
    const head = `${e.id} ${e.topic} ${titles.get(e.topic) ?? ''} ${e.rules.join(' ')}`.toLowerCase();
    const body = e.markdown.toLowerCase();
    let score = 0;
    let all = true;
    for (const w of q) {
      const s = (question.includes(w) ? 6 : 0) + (e.id.includes(w) ? 4 : 0) + (head.includes(w) ? 2 : 0) + (body.includes(w) ? 1 : 0);
      if (!s) {
        all = false;
        break;
      }
      score += s;
    }
    if (all) hits.push({ entry: e, score });
  }
  return hits.sort((a, b) => b.score - a.score || a.entry.id.localeCompare(b.entry.id));
}

/** The entry as terminal text: the question as a title, the body, then related ids and rules. */
export function entryAsText(e: KbEntry): string {
  const tail: string[] = [];
  if (e.rules.length) tail.push(`Rules: ${e.rules.join(', ')} (gopitfalls --explain <rule-id>)`);
  if (e.related.length) tail.push(`Related: ${e.related.join(', ')}`);
  const body = e.markdown.trimEnd();
  return `${body}\n${tail.length ? `\n${tail.join('\n')}\n` : ''}`;
}

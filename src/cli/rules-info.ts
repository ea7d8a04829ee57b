import { ENGINE_RULE_IDS } from '../core/analyzer';
import { entryAsText } from '../core/kb';
import { kbEntries, kbTopics } from '../generated/kb';
import { ruleDocs } from '../generated/rule-docs';
import { allRules } from '../rules';

/** Every rule id the engine knows (detectors and engine findings), sorted; no WASM needed. */
export function knownRuleIds(): string[] {
  return [...new Set([...allRules.map((r) => r.id), ...ENGINE_RULE_IDS])].sort();
}

/** `--list`: the rules (one a line, id then title, engine findings marked), then the Q&A topics. */
export function listRules(): string {
  return `Rules:\n${ruleLines()}\nQ&A topics (gopitfalls --explain <entry-id> prints an entry):\n${topicLines()}`;
}

function topicLines(): string {
  const out: string[] = [];
  for (const t of kbTopics) {
    const entries = Object.values(kbEntries).filter((e) => e.topic === t.slug);
    if (!entries.length) continue;
    out.push(`${t.title} (${t.slug}, ${entries.length})`);
    for (const e of entries.sort((a, b) => a.id.localeCompare(b.id))) out.push(`  ${e.id}  ${e.question}`);
  }
  return `${out.join('\n')}\n`;
}

function ruleLines(): string {
  const ids = [...new Set([...knownRuleIds(), ...Object.keys(ruleDocs)])].sort();
  const width = Math.max(...ids.map((id) => id.length));
  const lines = ids.map((id) => {
    const doc = ruleDocs[id];
    const title = doc ? doc.title : '(no documentation)';
    const tag = doc?.engine || (ENGINE_RULE_IDS as readonly string[]).includes(id) ? ' [engine]' : '';
    return `${id.padEnd(width)}  ${title}${tag}`;
  });
  return `${lines.join('\n')}\n`;
}

/** `--explain id`: the rule's doc or the Q&A entry's markdown, or an error naming the known ids. */
export function explainRule(id: string): { ok: true; text: string } | { ok: false; message: string } {
  const doc = ruleDocs[id];
  if (doc) return { ok: true, text: doc.markdown.endsWith('\n') ? doc.markdown : `${doc.markdown}\n` };
  const entry = kbEntries[id];
  if (entry) return { ok: true, text: entryAsText(entry) };
  const known = [...new Set([...knownRuleIds(), ...Object.keys(ruleDocs)])].sort();
  if (known.includes(id)) return { ok: false, message: `rule "${id}" has no documentation yet` };
  return { ok: false, message: `unknown rule or Q&A entry "${id}"; known rules: ${known.join(', ')} (gopitfalls --list also lists the Q&A entries)` };
}

/** The ids in `ids` the engine does not know, for a usage error. */
export function unknownIds(ids: readonly string[]): string[] {
  const known = new Set(knownRuleIds());
  return ids.filter((id) => !known.has(id));
}

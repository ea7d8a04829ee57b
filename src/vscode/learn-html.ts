/**
 * HTML of the Learn view and of the entry panel, as pure functions (tested without VS Code). Markdown is
 * rendered by markdown-it with raw HTML off, so nothing in a doc can inject markup or script; the only
 * script is ours, with a nonce, under a strict Content-Security-Policy; colours come from the theme.
 */
import MarkdownIt from 'markdown-it';
import type { KbEntry, KbTopic } from '../core/kb';
import type { RuleDoc } from '../core/rule-doc';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function csp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
  ].join('; ');
}

const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); line-height: 1.5; padding: 0 16px 24px; max-width: 860px; }
a { color: var(--vscode-textLink-foreground); cursor: pointer; text-decoration: none; }
a:hover { color: var(--vscode-textLink-activeForeground); text-decoration: underline; }
code { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 0 3px; border-radius: 3px; }
pre { background: var(--vscode-textCodeBlock-background); padding: 8px 12px; overflow-x: auto; border-radius: 4px; }
pre code { padding: 0; background: none; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.4em; border-bottom: 1px solid var(--vscode-panel-border); }
.meta { color: var(--vscode-descriptionForeground); font-size: 0.92em; }
input { width: 100%; box-sizing: border-box; padding: 4px 6px; color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); }
input:focus { outline: 1px solid var(--vscode-focusBorder); }
ul.list { list-style: none; padding-left: 0; margin: 4px 0; } ul.list li { padding: 2px 0 2px 8px; }
details summary { cursor: pointer; padding: 3px 0; font-weight: 600; }
.count { color: var(--vscode-descriptionForeground); font-weight: normal; }
.empty { color: var(--vscode-descriptionForeground); padding: 6px 0; }
`;

/** The click handler: our links carry data-qa / data-rule / data-url; the extension does the opening. */
const SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a');
  if (!a) return;
  ev.preventDefault();
  if (a.dataset.qa) vscode.postMessage({ type: 'openQa', id: a.dataset.qa });
  else if (a.dataset.rule) vscode.postMessage({ type: 'openRule', id: a.dataset.rule });
  else if (a.dataset.url) vscode.postMessage({ type: 'openExternal', url: a.dataset.url });
});
`;

function page(title: string, body: string, cspSource: string, nonce: string, script = ''): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp(cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head><body>
${body}
<script nonce="${nonce}">${SCRIPT}${script}</script>
</body></html>`;
}

/**
 * Markdown → HTML with our links: https links become data-url (opened outside), inline code naming a
 * rule becomes a link to its doc, and entry ids named in `related` are listed at the end.
 */
export function renderMarkdown(markdown: string, ruleIds: ReadonlySet<string>): string {
  let html = md.render(markdown);
  html = html.replace(/<a href="(https:\/\/[^"]+)">/g, (_m, url: string) => `<a href="#" data-url="${url}" title="${url}">`);
  // Any other link (relative paths, other schemes) is made inert: the webview navigates nowhere.
  html = html.replace(/<a href="(?!#")[^"]*">/g, '<a>');
  html = html.replace(/<code>([a-z0-9-]+)<\/code>/g, (m, id: string) => (ruleIds.has(id) ? `<a href="#" data-rule="${id}"><code>${id}</code></a>` : m));
  return html;
}

export interface EntryView {
  kind: 'qa' | 'rule';
  id: string;
  title: string;
  html: string;
}

export function entryView(e: KbEntry, topics: readonly KbTopic[], entries: Readonly<Record<string, KbEntry>>, ruleIds: ReadonlySet<string>): EntryView {
  const topic = topics.find((t) => t.slug === e.topic)?.title ?? e.topic;
  const parts = [`<p class="meta">Q&amp;A · ${escapeHtml(topic)}${e.go ? ` · Go ${escapeHtml(e.go)}` : ''}</p>`, renderMarkdown(e.markdown, ruleIds)];
  const related = e.related.filter((id) => entries[id]);
  const links: string[] = [];
  if (e.rules.length) links.push(`<h2>Rules</h2><ul>${e.rules.map((r) => `<li><a href="#" data-rule="${escapeHtml(r)}"><code>${escapeHtml(r)}</code></a></li>`).join('')}</ul>`);
  if (related.length) {
    links.push(`<h2>Related questions</h2><ul>${related.map((id) => `<li><a href="#" data-qa="${escapeHtml(id)}">${escapeHtml(entries[id]!.question)}</a></li>`).join('')}</ul>`);
  }
  return { kind: 'qa', id: e.id, title: e.question, html: parts.join('\n') + links.join('\n') };
}

export function ruleView(d: RuleDoc, entries: Readonly<Record<string, KbEntry>>, ruleIds: ReadonlySet<string>): EntryView {
  const parts = [`<p class="meta">Rule · <code>${escapeHtml(d.id)}</code> · ${escapeHtml(d.severity)} · fix: ${escapeHtml(d.fix)}</p>`, renderMarkdown(d.markdown, ruleIds)];
  const qa = d.qa.filter((id) => entries[id]);
  if (qa.length) parts.push(`<h2>Q&amp;A</h2><ul>${qa.map((id) => `<li><a href="#" data-qa="${escapeHtml(id)}">${escapeHtml(entries[id]!.question)}</a></li>`).join('')}</ul>`);
  return { kind: 'rule', id: d.id, title: d.title, html: parts.join('\n') };
}

export function entryPage(v: EntryView, cspSource: string, nonce: string): string {
  return page(v.title, `<article data-kind="${v.kind}" data-id="${escapeHtml(v.id)}">${v.html}</article>`, cspSource, nonce);
}

/** The Learn view: a search box, then topics → questions (or the search hits). */
export function learnPage(topics: readonly KbTopic[], entries: Readonly<Record<string, KbEntry>>, cspSource: string, nonce: string): string {
  const groups = topics
    .map((t) => {
      const list = Object.values(entries)
        .filter((e) => e.topic === t.slug)
        .sort((a, b) => a.question.localeCompare(b.question));
      if (!list.length) return '';
      const items = list.map((e) => `<li><a href="#" data-qa="${escapeHtml(e.id)}">${escapeHtml(e.question)}</a></li>`).join('');
      return `<details data-topic="${escapeHtml(t.slug)}"><summary>${escapeHtml(t.title)} <span class="count">${list.length}</span></summary><ul class="list">${items}</ul></details>`;
    })
    .join('\n');
  const body = `<input id="q" type="search" placeholder="Search the Go concurrency Q&amp;A" aria-label="Search the Q&amp;A">
<div id="hits" hidden></div>
<div id="topics">${groups}</div>`;
  const script = `
const q = document.getElementById('q');
const hits = document.getElementById('hits');
const topicsEl = document.getElementById('topics');
let timer;
q.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => vscode.postMessage({ type: 'search', q: q.value }), 80); });
window.addEventListener('message', (ev) => {
  const m = ev.data;
  if (m.type === 'setQuery') { q.value = m.q; }
  if (m.type === 'results') {
    const empty = !m.q.trim();
    hits.hidden = empty; topicsEl.hidden = !empty;
    hits.replaceChildren();
    if (empty) return;
    if (!m.items.length) { const p = document.createElement('div'); p.className = 'empty'; p.textContent = 'No question matches every word.'; hits.append(p); return; }
    const ul = document.createElement('ul'); ul.className = 'list';
    for (const it of m.items) {
      const li = document.createElement('li'); const a = document.createElement('a');
      a.href = '#'; a.dataset.qa = it.id; a.textContent = it.question; li.append(a); ul.append(li);
    }
    hits.append(ul);
  }
});
vscode.postMessage({ type: 'ready' });`;
  return page('Learn', body, cspSource, nonce, script);
}

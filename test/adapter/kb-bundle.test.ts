// The bundled knowledge base (src/generated/kb.ts) is current, and its search finds what a reader types.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { searchKb, shortAnswer } from '../../src/core/kb';
import { kbEntries, kbTopics } from '../../src/generated/kb';
// @ts-expect-error plain ESM helper shared with scripts
import { loadKb, renderKbTs, TOPICS } from '../../scripts/kb-lib.mjs';

test('src/generated/kb.ts is current (run npm run gen when it is not)', () => {
  assert.equal(readFileSync('src/generated/kb.ts', 'utf8'), renderKbTs(loadKb('.').entries));
});

test('every topic has a title; every bundled entry has a topic and a short answer', () => {
  assert.deepEqual(kbTopics.map((t) => t.slug), TOPICS);
  for (const t of kbTopics) assert.ok(t.title && t.title !== t.slug, t.slug);
  for (const e of Object.values(kbEntries)) {
    assert.ok(TOPICS.includes(e.topic), `${e.id}: topic ${e.topic}`);
    assert.ok(shortAnswer(e).length > 20, `${e.id}: short answer`);
  }
});

test('search: every word must match; the question weighs most; nothing for an empty query', () => {
  assert.deepEqual(searchKb(kbEntries, kbTopics, '   '), []);
  const hits = searchKb(kbEntries, kbTopics, 'waitgroup add');
  assert.ok(hits.length > 0);
  const top = hits[0]!.entry;
  assert.match(`${top.question} ${top.id}`.toLowerCase(), /waitgroup|wg/);
  assert.match(top.markdown.toLowerCase(), /add/);
  assert.deepEqual(searchKb(kbEntries, kbTopics, 'waitgroup zzzqqq'), []);
  for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score >= hits[i]!.score);
});

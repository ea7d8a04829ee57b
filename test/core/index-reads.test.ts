import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { ObjectMemo } from '../../src/core/memo';
import { derivedRead, trackedIndex, WHOLE } from '../../src/core/semantic/index-reads';
import { emptyIndex, type PackageIndex } from '../../src/core/semantic/package-index';

function sampleIndex(): PackageIndex {
  const idx = emptyIndex('p');
  idx.structs.set('Pool', [{ name: 'mu', type: { k: 'named', pkg: 'sync', name: 'Mutex' } }] as never);
  idx.atomicRefs.push({ name: 'hits' } as never);
  return idx;
}

test('a tracked index records the entries a rule reads, and a whole table for an array use', () => {
  const reads: string[] = [];
  const view = trackedIndex(sampleIndex(), (table, key) => reads.push(`${table}:${key}`));
  assert.ok(view.structs.get('Pool'));
  assert.equal(view.structs.has('Nope'), false);
  assert.equal(view.packageName, 'p');
  assert.deepEqual(reads, ['structs:Pool', 'structs:Nope']);
  assert.ok(Array.isArray(view.atomicRefs));
  assert.equal(view.atomicRefs.length, 1);
  assert.deepEqual([...view.structs.keys()], ['Pool']);
  assert.ok(reads.includes(`atomicRefs:${WHOLE}`));
  assert.ok(reads.includes(`structs:${WHOLE}`));
});

test('a derived read records its name and computes on the index itself', () => {
  const reads: string[] = [];
  const idx = sampleIndex();
  const view = trackedIndex(idx, (table, key) => reads.push(`${table}:${key}`));
  const seen: PackageIndex[] = [];
  const n = derivedRead(view, 'test-structs', (i) => (seen.push(i), i.structs.size));
  assert.equal(n, 1);
  assert.equal(seen[0], idx);
  assert.deepEqual(reads, ['\u0004derived:test-structs']);
});

test('views of one index are plain objects of one hidden class (no getter defined per view)', () => {
  // A getter defined on each view (as the array tables once had) put every view after the first in
  // V8's dictionary mode, and measurably kept each analysis's semantics, tree and document text alive
  // through the young-generation GCs (scavenges) until a full GC: 0.1 MB more copied per keystroke.
  setFlagsFromString('--allow-natives-syntax');
  const fast = new Function('a', 'return %HasFastProperties(a)') as (a: object) => boolean;
  const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
  const idx = sampleIndex();
  const views = [trackedIndex(idx, () => {}), trackedIndex(idx, () => {}), trackedIndex(idx, () => {})];
  for (const v of views) assert.equal(fast(v), true);
  assert.equal(sameMap(views[1]!, views[2]!), true);
});

test('an ObjectMemo keeps its value on the key: per key, replaceable, and without an enumerable trace', () => {
  const memo = new ObjectMemo<object, number[]>('test');
  const k1 = { a: 1 };
  const k2 = { a: 1 };
  assert.equal(memo.get(k1), undefined);
  memo.set(k1, [1]);
  assert.deepEqual(memo.get(k1), [1]);
  assert.equal(memo.get(k2), undefined);
  memo.set(k1, [2]);
  assert.deepEqual(memo.get(k1), [2]);
  assert.deepEqual(k1, k2);
  assert.deepEqual(Object.keys(k1), ['a']);
  assert.deepEqual({ ...k1 }, { a: 1 });
  const frozen = Object.freeze({ b: 1 });
  memo.set(frozen, [3]);
  assert.deepEqual(memo.get(frozen), [3]);
});

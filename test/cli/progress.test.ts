import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressReporter } from '../../src/cli/progress';

function fake(isTTY: boolean) {
  let out = '';
  let now = 0;
  return { stream: { write: (s: string) => void (out += s), isTTY }, out: () => out, tick: (ms: number) => (now += ms), clock: () => now };
}

test('progress: drawn on a terminal once a run is slow, throttled, erased at the end', () => {
  const f = fake(true);
  const p = progressReporter(f.stream, 10, f.clock);
  p.update(1);
  assert.equal(f.out(), '', 'nothing during the first moments');
  f.tick(500);
  p.update(2);
  assert.equal(f.out(), '\r\x1b[K[2/10] directories analysed');
  f.tick(10);
  p.update(3);
  assert.equal(f.out(), '\r\x1b[K[2/10] directories analysed', 'throttled');
  f.tick(10);
  p.update(10);
  assert.match(f.out(), /\[10\/10\] directories analysed$/);
  p.done();
  assert.ok(f.out().endsWith('\r\x1b[K'));
});

test('progress: nothing when standard error is not a terminal', () => {
  const f = fake(false);
  const p = progressReporter(f.stream, 10, f.clock);
  f.tick(5000);
  p.update(5);
  p.done();
  assert.equal(f.out(), '');
});

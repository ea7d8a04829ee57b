import type { RuleDefinition } from '../core/rule';
import copiedLock from './copied-lock';
import leakyUnbufferedResultChannel from './leaky-unbuffered-result-channel';
import missingDeferCancel from './missing-defer-cancel';
import testingFatalInGoroutine from './testing-fatal-in-goroutine';
import timeAfterInLoop from './time-after-in-loop';
import waitgroupAddInGoroutine from './waitgroup-add-in-goroutine';

/** Every detector, sorted by id. A test checks this list against src/rules/*.ts and rules/*.md. */
export const allRules: readonly RuleDefinition[] = [
  copiedLock,
  leakyUnbufferedResultChannel,
  missingDeferCancel,
  testingFatalInGoroutine,
  timeAfterInLoop,
  waitgroupAddInGoroutine,
];

import type { RuleDefinition } from '../core/rule';
import atomicSelfAssignment from './atomic-self-assignment';
import busyWaitSpinLoop from './busy-wait-spin-loop';
import capturedVarWriteInGoroutine from './captured-var-write-in-goroutine';
import channelOpUnderLock from './channel-op-under-lock';
import closeByReceiver from './close-by-receiver';
import closedChannelSelectSpin from './closed-channel-select-spin';
import concurrentMapAccess from './concurrent-map-access';
import condWaitWithoutLoop from './cond-wait-without-loop';
import contextBackgroundInCallee from './context-background-in-callee';
import contextNotPropagated from './context-not-propagated';
import copiedLock from './copied-lock';
import deferInChannelRange from './defer-in-channel-range';
import deferInEndlessLoop from './defer-in-endless-loop';
import deferredLockAfterLock from './deferred-lock-after-lock';
import doubleClose from './double-close';
import emptyCriticalSection from './empty-critical-section';
import errgroupIgnoresDerivedCtx from './errgroup-ignores-derived-ctx';
import gomaxprocsHardcoded from './gomaxprocs-hardcoded';
import goroutineWithoutExitPath from './goroutine-without-exit-path';
import leakyUnbufferedResultChannel from './leaky-unbuffered-result-channel';
import lockHeldDuringIo from './lock-held-during-io';
import loopVariableCapture from './loop-variable-capture';
import missingDeferCancel from './missing-defer-cancel';
import mixedAtomicPlainAccess from './mixed-atomic-plain-access';
import multipleSendersClose from './multiple-senders-close';
import nilContext from './nil-context';
import rangeOverUnclosedChannel from './range-over-unclosed-channel';
import recursiveLock from './recursive-lock';
import recvWithoutOkOnClosableChannel from './recv-without-ok-on-closable-channel';
import selectDefaultBusyLoop from './select-default-busy-loop';
import selfDeadlockUnbufferedSend from './self-deadlock-unbuffered-send';
import signalNotifyUnbuffered from './signal-notify-unbuffered';
import syncPoolNonPointer from './sync-pool-non-pointer';
import testingFatalInGoroutine from './testing-fatal-in-goroutine';
import tickerNotStopped from './ticker-not-stopped';
import timeAfterInLoop from './time-after-in-loop';
import unlockNotDeferred from './unlock-not-deferred';
import waitgroupAddInGoroutine from './waitgroup-add-in-goroutine';
import waitgroupDoneMisuse from './waitgroup-done-misuse';
import writeUnderRlock from './write-under-rlock';

/** Every detector, sorted by id. A test checks this list against src/rules/*.ts and rules/*.md. */
export const allRules: readonly RuleDefinition[] = [
  atomicSelfAssignment,
  busyWaitSpinLoop,
  capturedVarWriteInGoroutine,
  channelOpUnderLock,
  closeByReceiver,
  closedChannelSelectSpin,
  concurrentMapAccess,
  condWaitWithoutLoop,
  contextBackgroundInCallee,
  contextNotPropagated,
  copiedLock,
  deferInChannelRange,
  deferInEndlessLoop,
  deferredLockAfterLock,
  doubleClose,
  emptyCriticalSection,
  errgroupIgnoresDerivedCtx,
  gomaxprocsHardcoded,
  goroutineWithoutExitPath,
  leakyUnbufferedResultChannel,
  lockHeldDuringIo,
  loopVariableCapture,
  missingDeferCancel,
  mixedAtomicPlainAccess,
  multipleSendersClose,
  nilContext,
  rangeOverUnclosedChannel,
  recursiveLock,
  recvWithoutOkOnClosableChannel,
  selectDefaultBusyLoop,
  selfDeadlockUnbufferedSend,
  signalNotifyUnbuffered,
  syncPoolNonPointer,
  testingFatalInGoroutine,
  tickerNotStopped,
  timeAfterInLoop,
  unlockNotDeferred,
  waitgroupAddInGoroutine,
  waitgroupDoneMisuse,
  writeUnderRlock,
];

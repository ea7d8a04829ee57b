/**
 * Teaching hovers on concurrency primitives where nothing is wrong (setting gopitfalls.hover.primitives):
 * one line on what the primitive does and the trap to keep in mind, and a link to a Q&A entry (or the
 * official doc when no entry covers it). At most 3 lines, so they sit quietly under gopls' own hover.
 * Recognised from the line's text around the cursor; no VS Code import.
 */

export interface Primitive {
  /** What the hover is about, e.g. `sync.WaitGroup`. */
  name: string;
  /** One line. */
  line: string;
  /** Q&A entry ids to link, the first that exists wins. */
  qa: string[];
  /** Official doc, linked when no entry exists. */
  doc: string;
}

const P = (name: string, line: string, qa: string[], doc: string): Primitive => ({ name, line, qa, doc });

/** Package-qualified names: `pkg.Name` → primitive. */
const QUALIFIED: Record<string, Primitive> = {
  'sync.WaitGroup': P('sync.WaitGroup', 'Counts goroutines to wait for: call Add before `go`, Done when each ends (wg.Go does both since Go 1.25).', ['waitgroup-add-before-go', 'waitgroup-basics'], 'https://pkg.go.dev/sync#WaitGroup'),
  'sync.Mutex': P('sync.Mutex', 'Mutual exclusion: not reentrant, must not be copied after first use; prefer `defer mu.Unlock()`.', ['mutex-usage-rules', 'what-is-a-mutex'], 'https://pkg.go.dev/sync#Mutex'),
  'sync.RWMutex': P('sync.RWMutex', 'Many readers or one writer; a blocked Lock holds back new readers, and RLock cannot be upgraded to Lock.', ['mutex-vs-rwmutex'], 'https://pkg.go.dev/sync#RWMutex'),
  'sync.Once': P('sync.Once', 'Runs a function exactly once; every caller of Do waits for it to finish (OnceFunc/OnceValue since Go 1.21).', ['once-basics', 'sync-once'], 'https://pkg.go.dev/sync#Once'),
  'sync.Cond': P('sync.Cond', 'Waits for a condition under a lock: always call Wait in a `for` loop that re-checks the condition.', ['cond-wait-loop', 'sync-cond'], 'https://pkg.go.dev/sync#Cond'),
  'sync.Pool': P('sync.Pool', 'A cache of reusable objects the GC may empty at any time; store pointers and reset before reuse.', ['sync-pool-basics', 'sync-pool'], 'https://pkg.go.dev/sync#Pool'),
  'sync.Map': P('sync.Map', 'A concurrent map tuned for keys written once and read often, or disjoint key sets per goroutine.', ['sync-map-vs-mutex-map', 'sync-map'], 'https://pkg.go.dev/sync#Map'),
  'time.After': P('time.After', 'A channel that receives once after the duration; in a loop, each call makes a new timer.', ['time-after-in-hot-loop', 'after-vs-newtimer-vs-ticker'], 'https://pkg.go.dev/time#After'),
  'time.Tick': P('time.Tick', 'A ticker that cannot be stopped (collectable since Go 1.23 when the main module says go 1.23+).', ['timer-ticker-pitfalls', 'after-vs-newtimer-vs-ticker'], 'https://pkg.go.dev/time#Tick'),
  'time.NewTimer': P('time.NewTimer', 'One timer you can Stop and Reset; reuse it across loop iterations instead of time.After.', ['after-vs-newtimer-vs-ticker', 'go-1-23-timer-changes'], 'https://pkg.go.dev/time#NewTimer'),
  'time.NewTicker': P('time.NewTicker', 'Fires every period until stopped: `defer t.Stop()` where it is created.', ['timer-ticker-pitfalls', 'cancellable-ticker-loop'], 'https://pkg.go.dev/time#NewTicker'),
  'context.WithTimeout': P('context.WithTimeout', 'A context cancelled after a duration; call the returned cancel (defer it) to free its timer early.', ['what-leaks-without-cancel', 'withtimeout-vs-withdeadline'], 'https://pkg.go.dev/context#WithTimeout'),
  'context.WithDeadline': P('context.WithDeadline', 'A context cancelled at a point in time; always call the returned cancel.', ['withtimeout-vs-withdeadline'], 'https://pkg.go.dev/context#WithDeadline'),
  'context.WithCancel': P('context.WithCancel', 'A context you cancel yourself; until cancel runs, the child stays registered with its parent.', ['what-leaks-without-cancel', 'context-constructors'], 'https://pkg.go.dev/context#WithCancel'),
  'context.Background': P('context.Background', 'The root context, never cancelled: use it in main, init and tests, and pass `ctx` everywhere else.', ['context-best-practices', 'what-is-context'], 'https://pkg.go.dev/context#Background'),
  'errgroup.Group': P('errgroup.Group', 'Runs goroutines and returns the first error from Wait; SetLimit bounds how many run at once.', ['errgroup-basics'], 'https://pkg.go.dev/golang.org/x/sync/errgroup#Group'),
  'errgroup.WithContext': P('errgroup.WithContext', 'A group whose derived ctx is cancelled on the first error: pass that ctx to the goroutines.', ['errgroup-basics'], 'https://pkg.go.dev/golang.org/x/sync/errgroup#WithContext'),
};

/** Keywords and builtins: recognised by the text right after them. */
const KEYWORDS: { word: string; after: RegExp; p: Primitive }[] = [
  { word: 'go', after: /^\s+(func\b|[\p{L}_][\p{L}\p{N}_.]*\s*[([])/u, p: P('go statement', 'Starts a goroutine; know how it ends (a done channel, ctx, or a closed input) before writing `go`.', ['goroutine-owner-and-exit'], 'https://go.dev/ref/spec#Go_statements') },
  { word: 'select', after: /^\s*\{/, p: P('select', 'Waits on several channel operations; picks at random among ready cases, and `default` makes it non-blocking.', ['select-semantics'], 'https://go.dev/ref/spec#Select_statements') },
  { word: 'close', after: /^\s*\(/, p: P('close', 'Only the sender closes, once: sending on or closing a closed channel panics; receivers get zero values after close.', ['who-closes-a-channel', 'send-on-closed-panics'], 'https://pkg.go.dev/builtin#close') },
  { word: 'chan', after: /^[\s<-]*[\p{L}_*[\]({]/u, p: P('chan', 'Unbuffered channels hand over values in a rendezvous; buffered ones queue up to their capacity.', ['unbuffered-vs-buffered', 'what-is-a-channel'], 'https://go.dev/ref/spec#Channel_types') },
];

const isWordChar = (c: string | undefined) => !!c && /[\p{L}\p{N}_]/u.test(c);

/** The primitive at a 0-based character of a line, or undefined. Comments and strings are not excluded by the caller: it checks. */
export function primitiveAt(line: string, character: number): Primitive | undefined {
  if (!isWordChar(line[character])) return undefined;
  let start = character;
  while (start > 0 && isWordChar(line[start - 1])) start--;
  let end = character;
  while (isWordChar(line[end])) end++;
  const word = line.slice(start, end);
  if (insideCommentOrString(line, start)) return undefined;
  // Qualified: `pkg.Name` with the cursor on either part.
  if (line[start - 1] === '.') {
    let q = start - 1;
    while (q > 0 && isWordChar(line[q - 1])) q--;
    const hit = QUALIFIED[`${line.slice(q, start - 1)}.${word}`];
    if (hit && !isWordChar(line[q - 1]) && line[q - 1] !== '.') return hit;
  }
  if (line[end] === '.') {
    let e = end + 1;
    while (isWordChar(line[e])) e++;
    const hit = QUALIFIED[`${word}.${line.slice(end + 1, e)}`];
    if (hit && line[start - 1] !== '.') return hit;
  }
  if (line[start - 1] === '.') return undefined;
  for (const k of KEYWORDS) if (k.word === word && k.after.test(line.slice(end))) return k.p;
  return undefined;
}

/** Whether col lies inside a // comment or a string/rune literal of this line (a line-local guess). */
function insideCommentOrString(line: string, col: number): boolean {
  let quote: string | undefined;
  for (let i = 0; i < col; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '/' && line[i + 1] === '/') return true;
    else if (c === '"' || c === '`' || c === "'") quote = c;
  }
  return quote !== undefined;
}

/** The hover Markdown (≤ 3 lines): the name, the line, one link. */
export function primitiveMarkdown(p: Primitive, qaLink: (id: string) => string | undefined): string {
  const entry = p.qa.map((id) => ({ id, link: qaLink(id) })).find((x) => x.link);
  const link = entry ? `[Learn more](${entry.link})` : `[Go docs](${p.doc})`;
  return `**${p.name}** · ${p.line}\n\n${link}`;
}

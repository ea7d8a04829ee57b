const unit = (i: number) =>
  `\ntype other${i} struct {\n\tmu  sync.Mutex\n\tch  chan int\n}\n\nfunc (o *other${i}) put() {\n\to.mu.Lock()\n\to.ch <- 1\n\to.mu.Unlock()\n}\n\nfunc (o other${i}) get() int {\n\treturn len(o.ch)\n}\n`;

/**
 * A file that one edit makes tree-sitter give up on: five types holding a lock, with their methods
 * (`head` goes after the import). `broken` has `x :=` typed at `at`, on the blank line above the first
 * method: tree-sitter reads `x := func (o *other0) put…` as an expression, and its recovery gives a
 * root that is one ERROR node.
 */
export function errorRootFile(head = ''): { text: string; at: number; broken: string } {
  let text = `package a\n\nimport "sync"\n${head}`;
  for (let i = 0; i < 5; i++) text += unit(i);
  const at = text.indexOf('\n\nfunc (o *other0) put') + 1;
  return { text, at, broken: text.slice(0, at) + 'x :=' + text.slice(at) };
}

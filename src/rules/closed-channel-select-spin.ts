import { defineRule } from '../core/rule';
import { spinFinding } from '../core/semantic/select-loop';

/**
 * A receive case of a select inside an endless `for {}` loop whose body, once the channel is closed,
 * neither leaves the loop nor disables the case (`c = nil`): a closed channel is always ready, so the
 * loop spins. Reported when the case receives `v, ok := <-c` (the author expects a close) or when c is
 * closed somewhere in the same file. Not judged when the loop body has a way out outside the select
 * (a flag set in the case may be tested there), or when the case assigns c.
 */
export default defineRule({
  id: 'closed-channel-select-spin',
  // Communication cases exist only in select statements.
  needs: ['select'],
  visit: {
    communication_case(kase, ctx) {
      const r = spinFinding(kase, ctx);
      if (r) ctx.report(r);
    },
  },
});

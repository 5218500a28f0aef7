// The freezes, kept by one long-running workflow per installation (id `switchyard-freezes:<task
// queue>`, as an installation is its task queue and several may share a namespace): set and lifted by
// updates (the API's), read by a query, and visible in the Temporal UI, where its
// SwitchyardStatus says FROZEN while any freeze is in force and OPEN otherwise. A timer wakes it
// at the next window's start or end. It continues as new when its history grows.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { SwitchyardKind, SwitchyardStatus } from '../../common/search-attributes.js';
import { activeFreezes, freezeRequestProblem, type Freeze } from '../../domain/freeze.js';
import { freezesQuery, liftFreezeUpdate, setFreezeUpdate } from './messages.js';

export { freezesWorkflowId } from './messages.js';
const CONTINUE_AS_NEW_AFTER_EVENTS = 1000;

export async function freezesWorkflow(carried: { freezes: Freeze[] } = { freezes: [] }): Promise<void> {
  let freezes = [...carried.freezes];
  let changes = 0;
  setHandler(freezesQuery, () => freezes);
  setHandler(
    setFreezeUpdate,
    (request) => {
      const existing = freezes.find((f) => f.id === request.id);
      if (existing) return existing; // a retried request
      const freeze: Freeze = { ...request, createdAt: new Date().toISOString() };
      freezes.push(freeze);
      changes += 1;
      return freeze;
    },
    {
      validator: (request) => {
        if (freezes.some((f) => f.id === request.id)) return;
        const problem = freezeRequestProblem(request, Date.now());
        if (problem) throw ApplicationFailure.nonRetryable(problem, 'InvalidFreeze');
      },
    },
  );
  setHandler(
    liftFreezeUpdate,
    ({ id }) => {
      const freeze = freezes.find((f) => f.id === id)!;
      freeze.endsAt = new Date().toISOString();
      changes += 1;
      return freeze;
    },
    {
      validator: ({ id }) => {
        const freeze = freezes.find((f) => f.id === id);
        if (!freeze || Date.parse(freeze.endsAt) <= Date.now())
          throw ApplicationFailure.nonRetryable(`No freeze ${id} in force or planned`, 'NoSuchFreeze');
      },
    },
  );
  upsertSearchAttributes([{ key: SwitchyardKind, value: 'freezes' }]);

  for (;;) {
    const now = Date.now();
    freezes = freezes.filter((f) => Date.parse(f.endsAt) > now);
    upsertSearchAttributes([{ key: SwitchyardStatus, value: activeFreezes(freezes, now).length > 0 ? 'FROZEN' : 'OPEN' }]);
    const boundaries = freezes.flatMap((f) => [Date.parse(f.startsAt), Date.parse(f.endsAt)]).filter((t) => t > now);
    const seen = changes;
    const next = boundaries.length > 0 ? Math.min(...boundaries) - now : undefined;
    if (next === undefined) await condition(() => changes !== seen);
    else await condition(() => changes !== seen, next);
    if (workflowInfo().historyLength > CONTINUE_AS_NEW_AFTER_EVENTS) {
      await condition(allHandlersFinished);
      return await continueAsNew<typeof freezesWorkflow>({ freezes });
    }
  }
}

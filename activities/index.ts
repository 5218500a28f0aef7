// The activity factory: the worker builds every activity from configured clients, so tests and
// the sandbox run the same code against local endpoints that production runs against the real ones.
import { createWorkerProbeActivities, type WorkerProbeDeps } from './worker-probe.js';

export type ActivityDeps = WorkerProbeDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...createWorkerProbeActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

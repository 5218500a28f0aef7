import { Context } from '@temporalio/activity';

export interface WorkerDescription {
  workerIdentity: string;
  taskQueue: string;
  sandbox: boolean;
  attempt: number;
}

export interface WorkerProbeDeps {
  sandbox: boolean;
  workerIdentity: string;
}

export function createWorkerProbeActivities(deps: WorkerProbeDeps) {
  return {
    /** Reports which worker ran it: read-only, so trivially idempotent under retry. */
    async describeWorker(): Promise<WorkerDescription> {
      const { info } = Context.current();
      return { workerIdentity: deps.workerIdentity, taskQueue: info.taskQueue, sandbox: deps.sandbox, attempt: info.attempt };
    },
  };
}

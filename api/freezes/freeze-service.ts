// The API's side of freezes: it sets, lifts and reads them through the freeze workflow (started on
// first use, update-with-start), and answers "is this service frozen now" for deploy and switch.
// Reads go through a short cache: every deploy and switch asks, and freezes change rarely.
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { freezeCovering, type Freeze, type FreezeRequest } from '../../domain/freeze.js';
import { FREEZES_SUMMARY } from '../../domain/run-summaries.js';
import { freezesQuery, liftFreezeUpdate, setFreezeUpdate } from '../../workflows/freeze/messages.js';
import { freezesWorkflow, freezesWorkflowId } from '../../workflows/freeze/workflow.js';
import { freezesChangedSignal } from '../../workflows/service/messages.js';
import { ApiError } from '../errors.js';
import { queryWithDeadline, updateRefusal } from '../temporal-reads.js';
import { boundedUpdate, executeBounded, UpdateUndecided, type UpdateBound } from '../temporal-update.js';

/** How long a read of the freezes is reused; a freeze set on another replica counts within this. */
const CACHE_MS = 1000;

export class FreezeService {
  private cached: { at: number; freezes: Freeze[] } | undefined;
  private readonly workflowId: string;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    /** TEMPORAL_UPDATE_TIMEOUT_SECONDS: how long setting or lifting waits for the freeze workflow. */
    private readonly updateTimeoutMs: number,
  ) {
    this.workflowId = freezesWorkflowId(taskQueue);
  }

  private get bound(): UpdateBound {
    return { client: this.client, timeoutMs: this.updateTimeoutMs };
  }

  private startOperation() {
    return new WithStartWorkflowOperation(freezesWorkflow, {
      workflowId: this.workflowId,
      taskQueue: this.taskQueue,
      args: [{ freezes: [] }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: FREEZES_SUMMARY,
    });
  }

  async set(request: FreezeRequest): Promise<Freeze> {
    const id = `frz_${randomBytes(5).toString('hex')}`;
    try {
      const freeze = await boundedUpdate(this.bound, (updateId) =>
        this.client.workflow.executeUpdateWithStart(setFreezeUpdate, {
          args: [{ ...request, id }],
          updateId,
          startWorkflowOperation: this.startOperation(),
        }),
      );
      this.cached = undefined;
      return freeze;
    } catch (error) {
      // The id is new to this request: a second request would set a second freeze.
      if (error instanceof UpdateUndecided)
        throw undecided(error, `Freeze ${id} may still be set: list GET /api/v1/freezes before setting it again`, id);
      throw updateRefusal(error, {
        refused: (message) => new ApiError(400, message),
        closed: () => new ApiError(503, 'The freeze workflow is restarting: try again'),
      });
    }
  }

  async lift(id: string, by: string): Promise<Freeze> {
    try {
      const freeze = await executeBounded(this.bound, this.client.workflow.getHandle(this.workflowId), liftFreezeUpdate, [{ id, by }]);
      this.cached = undefined;
      await this.tellHeldQueues();
      return freeze;
    } catch (error) {
      if (error instanceof UpdateUndecided)
        throw undecided(error, `Freeze ${id} may still be lifted: asking again is safe (once it is, a repeat answers 404)`, id);
      const notFound = () => new ApiError(404, `No freeze ${id} in force or planned`);
      throw updateRefusal(error, { refused: notFound, closed: notFound, notFound });
    }
  }

  /**
   * Service queues held by a freeze look again now, not at the freeze's planned end. Best effort:
   * a queue that misses this wakes at that end and looks then.
   */
  private async tellHeldQueues(): Promise<void> {
    const query = `WorkflowType = 'serviceDeploymentsWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${this.taskQueue.replace(/['\\]/g, '')}'`;
    try {
      const signals: Promise<void>[] = [];
      for await (const execution of this.client.workflow.list({ query, pageSize: 200 })) {
        signals.push(
          this.client.workflow
            .getHandle(execution.workflowId)
            .signal(freezesChangedSignal)
            .catch(() => undefined),
        );
      }
      await Promise.all(signals);
    } catch {
      // Visibility unavailable: the held queues wake at the freeze's end.
    }
  }

  /** Every freeze not yet over; none while the freeze workflow has never run. */
  async list(): Promise<Freeze[]> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.freezes;
    const handle = this.client.workflow.getHandle(this.workflowId);
    let freezes: Freeze[];
    try {
      freezes = await queryWithDeadline(this.client, handle, () => new ApiError(404, 'no freezes'), freezesQuery);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      freezes = [];
    }
    this.cached = { at: Date.now(), freezes };
    return freezes;
  }

  /** The freeze covering this service now, if any. */
  async covering(serviceKey: string): Promise<Freeze | undefined> {
    return freezeCovering(await this.list(), serviceKey, Date.now());
  }
}

/** No answer from the freeze workflow within the bound: what may still happen, and what to do. */
function undecided(error: UpdateUndecided, mayStill: string, freezeId: string): ApiError {
  return new ApiError(503, `No answer from the freeze workflow within ${error.seconds} s (is a worker running?). ${mayStill}`, {
    freezeId,
  });
}

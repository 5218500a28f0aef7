// Drives ECS blue/green deployments through CodeDeploy's lifecycle on timers, one step every
// `stepMs`: Created → InProgress → BeforeInstall … AfterAllowTestTraffic → Ready (production still
// on blue, green on the test listener) → ContinueDeployment → BeforeAllowTraffic … AfterAllowTraffic
// → Succeeded. Waits that AWS measures in minutes (the group's ready wait, the one-hour hook limit)
// use `minuteMs` so tests can run them quickly. A lifecycle event runs a hook only when the
// deployment's AppSpec names a function for it, as CodeDeploy does.
import { AwsError } from './aws-error.js';
import { ECS_LIFECYCLE_EVENTS, HOOKABLE_EVENTS, TERMINAL_STATUSES } from './codedeploy-model.js';
import type { CodeDeployDeployment, HookExecution, RunnerStep } from './codedeploy-model.js';
import type { DeploymentTiming } from './deployment-timing.js';
import type { EcsState } from './ecs-state.js';
import type { LambdaFunctions } from './lambda-functions.js';
import { opaqueToken } from './random-ids.js';

/** CodeDeploy fails a lifecycle hook left unanswered for an hour. */
const HOOK_TIMEOUT_MINUTES = 60;
const READY_EVENT_INDEX = ECS_LIFECYCLE_EVENTS.indexOf('AfterAllowTestTraffic');

export class BlueGreenRunner {
  readonly hookExecutions = new Map<string, HookExecution>();
  readonly #deploymentOf = new Map<string, CodeDeployDeployment>(); // hook execution id → deployment
  /** The one pending timer of each unfinished deployment (next step, ready wait or hook limit). */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #disposed = false;

  constructor(
    private readonly ecs: EcsState,
    private readonly timing: DeploymentTiming,
    /** The functions AppSpec hooks name; looked up when their event starts. */
    private readonly lambda: LambdaFunctions,
  ) {}

  start(deployment: CodeDeployDeployment): void {
    this.#schedule(deployment, { kind: 'begin' });
  }

  /**
   * After a restart from a snapshot: re-arms each unfinished deployment's pending step at the
   * time it was due, and re-invokes the functions of hooks still pending (their invocation died
   * with the process, as Lambda retries an asynchronous invocation whose run failed).
   */
  resume(deployments: Iterable<CodeDeployDeployment>, executions: Iterable<HookExecution>): void {
    const byId = new Map<string, CodeDeployDeployment>();
    for (const deployment of deployments) {
      byId.set(deployment.id, deployment);
      if (!TERMINAL_STATUSES.has(deployment.status) && deployment.next) {
        this.#schedule(deployment, deployment.next.step, Math.max(0, deployment.next.dueAt - Date.now()));
      }
    }
    for (const execution of executions) {
      this.hookExecutions.set(execution.id, execution);
      const deployment = byId.get(execution.deploymentId);
      if (!deployment) continue;
      this.#deploymentOf.set(execution.id, deployment);
      if (execution.status === 'Pending' && !TERMINAL_STATUSES.has(deployment.status)) {
        this.lambda.retryAsync(execution.functionName, { DeploymentId: deployment.id, LifecycleEventHookExecutionId: execution.id });
      }
    }
  }

  /** ContinueDeployment (READY_WAIT): reroute production traffic now. */
  continue(deployment: CodeDeployDeployment): void {
    if (TERMINAL_STATUSES.has(deployment.status)) {
      throw new AwsError('DeploymentAlreadyCompletedException', `The deployment ${deployment.id} has already completed.`);
    }
    if (deployment.status !== 'Ready') {
      throw new AwsError('DeploymentIsNotInReadyStateException', `The deployment ${deployment.id} is not in a ready state.`);
    }
    this.#clearTimer(deployment);
    deployment.status = 'InProgress';
    deployment.targetStatus = 'InProgress';
    deployment.statusMessages.push('Traffic rerouting was continued by a user.');
    this.#startEvent(deployment, READY_EVENT_INDEX + 1);
  }

  /** StopDeployment: production traffic goes (or stays) on blue and the green task set is removed. */
  stop(deployment: CodeDeployDeployment, autoRollbackEnabled: boolean | undefined): void {
    if (TERMINAL_STATUSES.has(deployment.status)) {
      throw new AwsError('DeploymentAlreadyCompletedException', `The deployment ${deployment.id} has already completed.`);
    }
    const groupRollsBack = Boolean(
      deployment.group.autoRollbackConfiguration?.enabled &&
      deployment.group.autoRollbackConfiguration.events?.includes('DEPLOYMENT_STOP_ON_REQUEST'),
    );
    this.#end(
      deployment,
      'Stopped',
      { code: 'MANUAL_STOP', message: 'The deployment was stopped by a user.' },
      autoRollbackEnabled ?? groupRollsBack,
    );
  }

  reportHookStatus(deploymentId: string, executionId: string, status: string): void {
    const execution = this.hookExecutions.get(executionId);
    if (!execution || execution.deploymentId !== deploymentId) {
      throw new AwsError(
        'InvalidLifecycleEventHookExecutionIdException',
        `A lifecycle event hook is invalid for deployment ${deploymentId}.`,
      );
    }
    if (status !== 'Succeeded' && status !== 'Failed') {
      throw new AwsError(
        'InvalidLifecycleEventHookExecutionStatusException',
        `The result of a Lambda validation function that verifies a lifecycle event must be Succeeded or Failed, not ${status}.`,
      );
    }
    if (execution.status !== 'Pending') {
      throw new AwsError(
        'LifecycleEventAlreadyCompletedException',
        `The lifecycle event ${execution.lifecycleEventName} of deployment ${deploymentId} has already completed.`,
      );
    }
    execution.status = status;
    const deployment = this.#deploymentOf.get(executionId);
    if (!deployment || TERMINAL_STATUSES.has(deployment.status)) return;
    this.#clearTimer(deployment);
    const index = ECS_LIFECYCLE_EVENTS.indexOf(execution.lifecycleEventName);
    if (status === 'Succeeded') {
      this.#schedule(deployment, { kind: 'finishEvent', index });
    } else {
      this.#fail(
        deployment,
        'HOOK_EXECUTION_FAILURE',
        `The deployment failed because a lifecycle hook for ${execution.lifecycleEventName} reported Failed.`,
      );
    }
  }

  dispose(deployments: Iterable<CodeDeployDeployment>): void {
    this.#disposed = true;
    for (const deployment of deployments) this.#clearTimer(deployment);
  }

  /** Runs a scheduled step. Steps are data (not closures) so that a snapshot can carry them. */
  #run(deployment: CodeDeployDeployment, step: RunnerStep): void {
    switch (step.kind) {
      case 'begin':
        deployment.status = 'InProgress';
        deployment.startTime = new Date();
        deployment.targetStatus = 'InProgress';
        this.#startEvent(deployment, 0);
        break;
      case 'finishEvent':
        this.#finishEvent(deployment, step.index);
        break;
      case 'fail':
        this.#fail(deployment, step.code, step.message);
        break;
      case 'readyTimeout':
        this.#end(deployment, 'Stopped', { code: 'TIMEOUT', message: step.message }, true);
        break;
      case 'shiftTraffic': {
        // Canary and linear configs: AllowTraffic moves production traffic in timed shifts.
        const shift = deployment.trafficShifts![step.shift]!;
        deployment.productionTrafficWeight = shift.weight;
        deployment.lastUpdatedAt = new Date();
        deployment.statusMessages.push(`Shifted ${shift.weight} % of production traffic to the replacement task set.`);
        if (step.shift === deployment.trafficShifts!.length - 1) this.#schedule(deployment, { kind: 'finishEvent', index: step.index });
        else
          this.#schedule(
            deployment,
            { kind: 'shiftTraffic', index: step.index, shift: step.shift + 1 },
            shift.waitMinutes * this.timing.minuteMs,
          );
        break;
      }
    }
  }

  #startEvent(deployment: CodeDeployDeployment, index: number): void {
    const event = deployment.lifecycleEvents[index]!;
    event.status = 'InProgress';
    event.startTime = new Date();
    deployment.lastUpdatedAt = event.startTime;

    if (event.lifecycleEventName === 'Install') {
      deployment.greenTaskSet = this.ecs.createReplacementTaskSet(deployment.service, deployment.greenTaskDefinition, deployment.id);
    }

    if (event.lifecycleEventName === 'AllowTraffic' && deployment.trafficShifts?.length) {
      this.#schedule(deployment, { kind: 'shiftTraffic', index, shift: 0 });
      return;
    }
    const functionName = HOOKABLE_EVENTS.has(event.lifecycleEventName) ? deployment.appSpec.hooks[event.lifecycleEventName] : undefined;
    if (!functionName) {
      // "If an event hook is not present, no operation is executed for that event."
      this.#schedule(deployment, { kind: 'finishEvent', index });
      return;
    }
    const execution: HookExecution = {
      id: opaqueToken(),
      deploymentId: deployment.id,
      lifecycleEventName: event.lifecycleEventName,
      functionName,
      status: 'Pending',
    };
    this.hookExecutions.set(execution.id, execution);
    this.#deploymentOf.set(execution.id, deployment);
    const invocation = this.lambda.invokeAsync(functionName, { DeploymentId: deployment.id, LifecycleEventHookExecutionId: execution.id });
    if (!invocation.invoked) {
      execution.status = 'Failed';
      this.#schedule(deployment, {
        kind: 'fail',
        code: 'HOOK_EXECUTION_FAILURE',
        message: `The deployment failed because the ${event.lifecycleEventName} lifecycle hook could not invoke ${functionName}: ${invocation.reason}`,
      });
      return;
    }
    this.#schedule(
      deployment,
      {
        kind: 'fail',
        code: 'HOOK_EXECUTION_FAILURE',
        message: `The deployment failed because the ${event.lifecycleEventName} lifecycle hook did not report a status within ${HOOK_TIMEOUT_MINUTES} minutes.`,
      },
      HOOK_TIMEOUT_MINUTES * this.timing.minuteMs,
    );
  }

  #finishEvent(deployment: CodeDeployDeployment, index: number): void {
    const event = deployment.lifecycleEvents[index]!;
    switch (event.lifecycleEventName) {
      case 'Install':
        if (deployment.greenTaskSet) this.ecs.markTaskSetSteady(deployment.greenTaskSet);
        break;
      case 'AllowTestTraffic':
        deployment.testTrafficOnGreen = true;
        break;
      case 'AllowTraffic':
        deployment.productionTrafficOnGreen = true;
        if (deployment.trafficShifts) deployment.productionTrafficWeight = 100;
        break;
      default:
        break;
    }
    event.status = 'Succeeded';
    event.endTime = new Date();
    deployment.lastUpdatedAt = event.endTime;

    if (index === ECS_LIFECYCLE_EVENTS.length - 1) {
      this.#succeed(deployment);
    } else if (index === READY_EVENT_INDEX && this.#waitsForReady(deployment)) {
      this.#becomeReady(deployment);
    } else {
      this.#startEvent(deployment, index + 1);
    }
  }

  #waitsForReady(deployment: CodeDeployDeployment): boolean {
    return deployment.group.blueGreenDeploymentConfiguration?.deploymentReadyOption?.actionOnTimeout === 'STOP_DEPLOYMENT';
  }

  #becomeReady(deployment: CodeDeployDeployment): void {
    const minutes = deployment.group.blueGreenDeploymentConfiguration?.deploymentReadyOption?.waitTimeInMinutes ?? 0;
    deployment.status = 'Ready';
    deployment.targetStatus = 'Ready';
    deployment.statusMessages.push(
      `The replacement task set is serving test traffic. Waiting up to ${minutes} minutes for traffic rerouting to be continued.`,
    );
    this.#schedule(
      deployment,
      {
        kind: 'readyTimeout',
        message: `The deployment timed out while waiting for traffic rerouting to be continued (${minutes} minutes).`,
      },
      minutes * this.timing.minuteMs,
    );
  }

  #succeed(deployment: CodeDeployDeployment): void {
    const { service, greenTaskSet, group } = deployment;
    if (greenTaskSet) this.ecs.promoteTaskSet(service, greenTaskSet);
    deployment.status = 'Succeeded';
    deployment.targetStatus = 'Succeeded';
    deployment.completeTime = new Date();
    deployment.lastUpdatedAt = deployment.completeTime;
    group.lastSuccessful = deployment;
    group.productionTargetGroupIndex = group.productionTargetGroupIndex === 0 ? 1 : 0;
  }

  #fail(deployment: CodeDeployDeployment, code: string, message: string): void {
    const groupRollsBack = Boolean(
      deployment.group.autoRollbackConfiguration?.enabled &&
      deployment.group.autoRollbackConfiguration.events?.includes('DEPLOYMENT_FAILURE'),
    );
    this.#end(deployment, 'Failed', { code, message }, groupRollsBack);
  }

  /**
   * Ends a deployment that did not succeed. Production traffic returns to (or never left) the blue
   * task set and the green one is removed, so the service keeps its original task definition;
   * `rollbackInfo` says so when a rollback was asked for.
   */
  #end(deployment: CodeDeployDeployment, status: 'Failed' | 'Stopped', error: { code: string; message: string }, rollback: boolean): void {
    this.#clearTimer(deployment);
    const now = new Date();
    for (const event of deployment.lifecycleEvents) {
      if (event.status === 'InProgress') {
        event.status = 'Failed';
        event.endTime = now;
      } else if (event.status === 'Pending') {
        event.status = 'Skipped';
      }
    }
    for (const execution of this.hookExecutions.values()) {
      if (execution.deploymentId === deployment.id && execution.status === 'Pending') execution.status = 'Failed';
    }
    if (deployment.greenTaskSet) this.ecs.removeTaskSet(deployment.service, deployment.greenTaskSet);
    deployment.testTrafficOnGreen = false;
    deployment.productionTrafficOnGreen = false;
    if (deployment.productionTrafficWeight !== undefined) deployment.productionTrafficWeight = 0;
    deployment.status = status;
    deployment.targetStatus = 'Failed';
    deployment.completeTime = now;
    deployment.lastUpdatedAt = now;
    deployment.errorInformation = error;
    if (rollback) {
      deployment.rollbackInfo = {
        rollbackMessage: `Deployment ${deployment.id} was rolled back: production traffic is on the original task set (${deployment.blueTaskSet.taskDefinition}) and the replacement task set was removed.`,
      };
    }
    deployment.statusMessages.push(error.message);
  }

  #schedule(deployment: CodeDeployDeployment, step: RunnerStep, delayMs = this.timing.stepMs): void {
    this.#clearTimer(deployment);
    if (this.#disposed) return;
    deployment.next = { step, dueAt: Date.now() + delayMs };
    const timer = setTimeout(() => {
      this.#timers.delete(deployment.id);
      deployment.next = undefined;
      this.#run(deployment, step);
    }, delayMs);
    // A sandbox process must be able to exit while a deployment waits for approval.
    timer.unref();
    this.#timers.set(deployment.id, timer);
  }

  #clearTimer(deployment: CodeDeployDeployment): void {
    const timer = this.#timers.get(deployment.id);
    if (timer) clearTimeout(timer);
    this.#timers.delete(deployment.id);
    deployment.next = undefined;
  }
}

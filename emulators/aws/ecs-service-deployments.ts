// Runs ECS-native service deployments (deploymentController ECS) through their lifecycle stages on
// timers: PRE_SCALE_UP → SCALE_UP → POST_SCALE_UP → TEST_TRAFFIC_SHIFT → POST_TEST_TRAFFIC_SHIFT →
// (PRE_PRODUCTION_TRAFFIC_SHIFT → PRODUCTION_TRAFFIC_SHIFT [+ canary/linear bake]) per shift →
// POST_PRODUCTION_TRAFFIC_SHIFT → BAKE_TIME → CLEAN_UP. One stage takes `stepMs`; ECS's minutes
// (bakes, hook timeouts, callBackDelay seconds) last `minuteMs`, as for the CodeDeploy runner.
import { randomInt } from 'node:crypto';
import { AwsError } from './aws-error.js';
import { arn } from './aws-identity.js';
import type { DeploymentTiming } from './deployment-timing.js';
import { productionShifts } from './ecs-deployment-config.js';
import type { DeploymentPlanConfig, HookAction } from './ecs-deployment-config.js';
import { FINISHED_STATUSES } from './ecs-deployment-model.js';
import type { EcsDeploymentStep, EcsServiceDeployment, PlanStep, ServiceRevisionRecord } from './ecs-deployment-model.js';
import { hookPayload, openHookRuns, readHookAnswer, startHookRuns } from './ecs-lifecycle-hooks.js';
import type { EcsService } from './ecs-model.js';
import type { LambdaFunctions } from './lambda-functions.js';

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function buildPlan(config: DeploymentPlanConfig): PlanStep[] {
  const step = (stage: PlanStep['stage'], extra: Partial<PlanStep> = {}): PlanStep => ({ stage, bakeMinutes: 0, ...extra });
  if (config.strategy === 'ROLLING') return [step('SCALE_UP', { productionWeight: 100, testWeight: 100 }), step('CLEAN_UP')];
  return [
    step('PRE_SCALE_UP'),
    step('SCALE_UP'),
    step('POST_SCALE_UP'),
    step('TEST_TRAFFIC_SHIFT', { testWeight: 100 }),
    step('POST_TEST_TRAFFIC_SHIFT'),
    ...productionShifts(config).flatMap((shift) => [
      step('PRE_PRODUCTION_TRAFFIC_SHIFT'),
      step('PRODUCTION_TRAFFIC_SHIFT', { productionWeight: shift.weight, bakeMinutes: shift.bakeMinutes }),
    ]),
    step('POST_PRODUCTION_TRAFFIC_SHIFT'),
    step('BAKE_TIME', { bakeMinutes: config.bakeTimeInMinutes }),
    step('CLEAN_UP'),
  ];
}

export class EcsDeploymentRunner {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  #disposed = false;

  constructor(
    private readonly region: string,
    private readonly timing: DeploymentTiming,
    private readonly lambda: LambdaFunctions,
  ) {}

  /** A new service revision and a service deployment to it; rolling ones finish at once, as before. */
  start(service: EcsService, taskDefinitionArn: string, raw: Record<string, unknown>, config: DeploymentPlanConfig): EcsServiceDeployment {
    const revision = this.#revision(service, taskDefinitionArn);
    const source = service.serviceDeployments.length
      ? service.serviceRevisions.find((r) => r.taskDefinition === service.taskDefinition)
      : undefined;
    const now = new Date();
    const id = Array.from({ length: 21 }, () => ID_CHARS[randomInt(ID_CHARS.length)]).join('');
    const deployment: EcsServiceDeployment = {
      arn: arn(this.region, 'ecs', `service-deployment/${service.cluster.name}/${service.name}/${id}`),
      createdAt: now,
      startedAt: now,
      updatedAt: now,
      sourceRevisionArn: source?.arn,
      targetRevisionArn: revision.arn,
      status: 'IN_PROGRESS',
      deploymentConfiguration: structuredClone(raw),
      config,
      plan: buildPlan(config),
      stepIndex: -1,
      productionWeight: 0,
      testWeight: 0,
      trafficHistory: [],
      hooks: [],
      pending: {},
    };
    service.serviceDeployments.push(deployment);
    // DescribeServices names the task definition being deployed at once, as ECS does.
    service.taskDefinition = taskDefinitionArn;
    if (config.strategy === 'ROLLING' || !source) this.#succeed(service, deployment);
    else this.#schedule(service, deployment, 'main', { kind: 'enter', index: 0 });
    return deployment;
  }

  /** ContinueServiceDeployment: acts on a PAUSE hook that is AWAITING_ACTION, and on nothing else. */
  continueHook(service: EcsService, deployment: EcsServiceDeployment, hookId: string, action: HookAction): void {
    if (deployment.status !== 'IN_PROGRESS') {
      throw new AwsError('InvalidParameterException', `The service deployment ${deployment.arn} is ${deployment.status}, not IN_PROGRESS.`);
    }
    const run = deployment.hooks.find((h) => h.hookId === hookId);
    if (!run)
      throw new AwsError(
        'InvalidParameterException',
        `The lifecycle hook ${hookId} does not belong to service deployment ${deployment.arn}.`,
      );
    if (run.status !== 'AWAITING_ACTION') {
      throw new AwsError('InvalidParameterException', `The lifecycle hook ${hookId} is ${run.status}, not AWAITING_ACTION.`);
    }
    this.#clear(deployment, `timeout:${hookId}`);
    if (action === 'CONTINUE') {
      run.status = 'SUCCEEDED';
      this.#hookDone(service, deployment);
    } else {
      run.status = 'FAILED';
      this.#rollBack(service, deployment, `ContinueServiceDeployment(ROLLBACK) on the lifecycle hook ${hookId} at ${run.stage}.`);
    }
  }

  /** StopServiceDeployment: ROLLBACK returns traffic to the source revision; ABORT does too and ends STOPPED. */
  stop(service: EcsService, deployment: EcsServiceDeployment, stopType: 'ROLLBACK' | 'ABORT'): void {
    if (deployment.status !== 'IN_PROGRESS' && deployment.status !== 'PENDING') {
      throw new AwsError('ConflictException', `The service deployment ${deployment.arn} is ${deployment.status} and cannot be stopped.`);
    }
    deployment.status = stopType === 'ABORT' ? 'STOP_REQUESTED' : 'ROLLBACK_REQUESTED';
    this.#rollBack(
      service,
      deployment,
      `Stopped by StopServiceDeployment (${stopType}).`,
      stopType === 'ABORT' ? 'STOPPED' : 'ROLLBACK_SUCCESSFUL',
    );
  }

  /** After a restart from a snapshot: re-arms every pending timer at the time it was due. */
  resume(services: Iterable<EcsService>): void {
    for (const service of services) {
      for (const deployment of service.serviceDeployments) {
        if (FINISHED_STATUSES.has(deployment.status)) continue;
        for (const [key, { step, dueAt }] of Object.entries(deployment.pending)) {
          this.#schedule(service, deployment, key, step, Math.max(0, dueAt - Date.now()));
        }
      }
    }
  }

  dispose(): void {
    this.#disposed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #run(service: EcsService, deployment: EcsServiceDeployment, step: EcsDeploymentStep): void {
    switch (step.kind) {
      case 'enter':
        this.#enter(service, deployment, step.index);
        break;
      case 'leave':
        if (step.index === deployment.plan.length - 1) this.#succeed(service, deployment);
        else this.#enter(service, deployment, step.index + 1);
        break;
      case 'invokeHook':
        void this.#invoke(service, deployment, step.hookId);
        break;
      case 'hookTimeout':
        this.#timeOut(service, deployment, step.hookId);
        break;
      case 'finishRollback': {
        const now = new Date();
        deployment.status = deployment.endStatus ?? 'ROLLBACK_SUCCESSFUL';
        deployment.finishedAt = now;
        if (deployment.status === 'STOPPED') deployment.stoppedAt = now;
        deployment.updatedAt = now;
        break;
      }
    }
  }

  #enter(service: EcsService, deployment: EcsServiceDeployment, index: number): void {
    const step = deployment.plan[index]!;
    deployment.stepIndex = index;
    deployment.lifecycleStage = step.stage;
    if (step.productionWeight !== undefined) deployment.productionWeight = step.productionWeight;
    if (step.testWeight !== undefined) deployment.testWeight = step.testWeight;
    this.#record(deployment);
    const runs = startHookRuns(deployment, step.stage, Date.now(), this.timing.minuteMs);
    for (const run of runs) {
      this.#schedule(
        service,
        deployment,
        `timeout:${run.hookId}`,
        { kind: 'hookTimeout', hookId: run.hookId },
        run.expiresAt.getTime() - Date.now(),
      );
      if (run.targetType === 'AWS_LAMBDA')
        this.#schedule(service, deployment, `invoke:${run.hookId}`, { kind: 'invokeHook', hookId: run.hookId }, 0);
    }
    if (runs.length === 0) this.#hookDone(service, deployment);
  }

  /** When the stage's hooks have all finished: bake if the step says so, then leave the stage. */
  #hookDone(service: EcsService, deployment: EcsServiceDeployment): void {
    if (openHookRuns(deployment, deployment.lifecycleStage).length > 0) return;
    const step = deployment.plan[deployment.stepIndex]!;
    this.#schedule(
      service,
      deployment,
      'main',
      { kind: 'leave', index: deployment.stepIndex },
      this.timing.stepMs + step.bakeMinutes * this.timing.minuteMs,
    );
  }

  async #invoke(service: EcsService, deployment: EcsServiceDeployment, hookId: string): Promise<void> {
    const run = deployment.hooks.find((h) => h.hookId === hookId);
    if (!run?.targetArn || run.status !== 'IN_PROGRESS') return;
    const invocation = await this.lambda.invoke(run.targetArn, hookPayload(deployment, service.arn, run));
    // The deployment may have moved on (rolled back, timed out) while the function ran.
    if (run.status !== 'IN_PROGRESS' || deployment.status !== 'IN_PROGRESS' || this.#disposed) return;
    const answer = invocation.invoked
      ? readHookAnswer(run, invocation)
      : { status: 'FAILED' as const, reason: `The lifecycle hook ${hookId} could not invoke ${run.targetArn}: ${invocation.reason}` };
    if (answer.status === 'IN_PROGRESS') {
      this.#schedule(
        service,
        deployment,
        `invoke:${hookId}`,
        { kind: 'invokeHook', hookId },
        (answer.callBackSeconds * this.timing.minuteMs) / 60,
      );
      return;
    }
    this.#clear(deployment, `timeout:${hookId}`);
    run.status = answer.status;
    if (answer.status === 'SUCCEEDED') this.#hookDone(service, deployment);
    else this.#rollBack(service, deployment, answer.reason ?? `The lifecycle hook ${hookId} failed.`);
  }

  /** A hook left unanswered until `expiresAt` takes its timeout action. */
  #timeOut(service: EcsService, deployment: EcsServiceDeployment, hookId: string): void {
    const run = deployment.hooks.find((h) => h.hookId === hookId);
    if (!run || (run.status !== 'AWAITING_ACTION' && run.status !== 'IN_PROGRESS')) return;
    this.#clear(deployment, `invoke:${hookId}`);
    run.status = 'TIMED_OUT';
    if (run.timeoutAction === 'CONTINUE') this.#hookDone(service, deployment);
    else this.#rollBack(service, deployment, `The lifecycle hook ${hookId} at ${run.stage} timed out; its timeout action is ROLLBACK.`);
  }

  #rollBack(
    service: EcsService,
    deployment: EcsServiceDeployment,
    reason: string,
    endStatus: 'STOPPED' | 'ROLLBACK_SUCCESSFUL' = 'ROLLBACK_SUCCESSFUL',
  ): void {
    for (const key of Object.keys(deployment.pending)) this.#clear(deployment, key);
    for (const run of deployment.hooks) if (run.status === 'AWAITING_ACTION' || run.status === 'IN_PROGRESS') run.status = 'FAILED';
    const now = new Date();
    deployment.status = endStatus === 'STOPPED' ? 'STOP_REQUESTED' : 'ROLLBACK_IN_PROGRESS';
    deployment.statusReason = reason;
    deployment.endStatus = endStatus;
    deployment.rollback = { reason, startedAt: now, serviceRevisionArn: deployment.sourceRevisionArn };
    // Production and test traffic return to the source revision; green is scaled in.
    const source = service.serviceRevisions.find((r) => r.arn === deployment.sourceRevisionArn);
    if (source) service.taskDefinition = source.taskDefinition;
    deployment.productionWeight = 0;
    deployment.testWeight = 0;
    this.#record(deployment);
    this.#schedule(service, deployment, 'main', { kind: 'finishRollback' });
  }

  #succeed(service: EcsService, deployment: EcsServiceDeployment): void {
    const now = new Date();
    const revision = service.serviceRevisions.find((r) => r.arn === deployment.targetRevisionArn)!;
    deployment.status = 'SUCCESSFUL';
    deployment.productionWeight = deployment.testWeight = 100;
    deployment.finishedAt = deployment.updatedAt = now;
    if (deployment.trafficHistory.at(-1)?.productionWeight !== 100) this.#record(deployment);
    service.taskDefinition = revision.taskDefinition;
    service.deployments = [
      {
        id: `ecs-svc/${digits(19)}`,
        status: 'PRIMARY',
        taskDefinition: revision.taskDefinition,
        desiredCount: service.desiredCount,
        createdAt: now,
        updatedAt: now,
      },
    ];
  }

  #record(deployment: EcsServiceDeployment): void {
    deployment.updatedAt = new Date();
    deployment.trafficHistory.push({
      at: deployment.updatedAt,
      stage: deployment.lifecycleStage ?? 'SCALE_UP',
      productionWeight: deployment.productionWeight,
      testWeight: deployment.testWeight,
    });
  }

  #revision(service: EcsService, taskDefinitionArn: string): ServiceRevisionRecord {
    const revision: ServiceRevisionRecord = {
      arn: arn(this.region, 'ecs', `service-revision/${service.cluster.name}/${service.name}/${digits(19)}`),
      serviceArn: service.arn,
      clusterArn: service.cluster.arn,
      taskDefinition: taskDefinitionArn,
      launchType: service.launchType,
      loadBalancers: structuredClone(service.loadBalancers),
      createdAt: new Date(),
    };
    service.serviceRevisions.push(revision);
    return revision;
  }

  #schedule(
    service: EcsService,
    deployment: EcsServiceDeployment,
    key: string,
    step: EcsDeploymentStep,
    delayMs = this.timing.stepMs,
  ): void {
    this.#clear(deployment, key);
    if (this.#disposed) return;
    deployment.pending[key] = { step, dueAt: Date.now() + delayMs };
    const timer = setTimeout(() => {
      this.#timers.delete(`${deployment.arn}|${key}`);
      delete deployment.pending[key];
      this.#run(service, deployment, step);
    }, delayMs);
    timer.unref(); // a sandbox must be able to exit while a deployment waits at a PAUSE hook
    this.#timers.set(`${deployment.arn}|${key}`, timer);
  }

  #clear(deployment: EcsServiceDeployment, key: string): void {
    const timer = this.#timers.get(`${deployment.arn}|${key}`);
    if (timer) clearTimeout(timer);
    this.#timers.delete(`${deployment.arn}|${key}`);
    delete deployment.pending[key];
  }
}

// ECS service deployment and revision operations: ListServiceDeployments,
// DescribeServiceDeployments, DescribeServiceRevisions, StopServiceDeployment and
// ContinueServiceDeployment, with ECS's exceptions (ServiceDeploymentNotFoundException, …).
import { AwsError } from './aws-error.js';
import { epochSeconds } from './aws-identity.js';
import type { HookAction } from './ecs-deployment-config.js';
import type { EcsServiceDeployment, ServiceDeploymentStatus, ServiceRevisionRecord } from './ecs-deployment-model.js';
import type { EcsService } from './ecs-model.js';
import type { EcsState } from './ecs-state.js';
import { optionalString, requiredString } from './json-protocol.js';
import type { JsonInput, JsonOperation } from './json-protocol.js';

const DEPLOYMENT_ARN = /^arn:aws:ecs:[a-z0-9-]+:\d{12}:service-deployment\/([^/]+)\/([^/]+)\/[A-Za-z0-9_-]+$/;
const REVISION_ARN = /^arn:aws:ecs:[a-z0-9-]+:\d{12}:service-revision\/([^/]+)\/([^/]+)\/\d+$/;
const STATUSES: readonly ServiceDeploymentStatus[] = [
  'PENDING',
  'IN_PROGRESS',
  'SUCCESSFUL',
  'STOPPED',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
];

type Found<T> = { service: EcsService; item: T } | undefined;

function lookUp<T>(ecs: EcsState, ref: string, pattern: RegExp, items: (s: EcsService) => T[], key: (t: T) => string): Found<T> {
  const match = pattern.exec(ref);
  if (!match) return undefined;
  const service = ecs.clusters.has(match[1]!) ? ecs.findService(match[1], match[2]!) : undefined;
  const item = service && items(service).find((t) => key(t) === ref);
  return service && item ? { service, item } : undefined;
}

const findDeployment = (ecs: EcsState, ref: string) =>
  lookUp(
    ecs,
    ref,
    DEPLOYMENT_ARN,
    (s) => s.serviceDeployments,
    (d) => d.arn,
  );
const findRevision = (ecs: EcsState, ref: string) =>
  lookUp(
    ecs,
    ref,
    REVISION_ARN,
    (s) => s.serviceRevisions,
    (r) => r.arn,
  );

function deploymentFor(ecs: EcsState, input: JsonInput) {
  const ref = requiredString(input, 'serviceDeploymentArn');
  if (!DEPLOYMENT_ARN.test(ref)) throw new AwsError('InvalidParameterException', `Invalid service deployment ARN: ${ref}`);
  const found = findDeployment(ecs, ref);
  if (!found) throw new AwsError('ServiceDeploymentNotFoundException', `The service deployment ${ref} does not exist.`);
  return found;
}

function arnList(input: JsonInput, member: string): string[] {
  const refs = input[member];
  if (!Array.isArray(refs) || refs.length === 0)
    throw new AwsError('InvalidParameterException', `${member} must contain at least one ARN.`);
  if (refs.length > 20) throw new AwsError('InvalidParameterException', `${member} can contain at most 20 ARNs.`);
  return refs.map(String);
}

export function serviceDeploymentOperations(ecs: EcsState): Record<string, JsonOperation> {
  return {
    ListServiceDeployments: (input) => {
      const service = ecs.service(optionalString(input, 'cluster'), requiredString(input, 'service'));
      const statuses = Array.isArray(input.status) ? (input.status as string[]) : [];
      for (const status of statuses) {
        if (!STATUSES.includes(status as ServiceDeploymentStatus))
          throw new AwsError('InvalidParameterException', `Invalid service deployment status: ${status}`);
      }
      const size = input.maxResults ?? 20;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 100) {
        throw new AwsError('InvalidParameterException', 'maxResults must be between 1 and 100.');
      }
      const after = typeof input.createdAt?.after === 'number' ? (input.createdAt.after as number) : -Infinity;
      const before = typeof input.createdAt?.before === 'number' ? (input.createdAt.before as number) : Infinity;
      const all = [...service.serviceDeployments]
        .reverse()
        .filter(
          (d) =>
            (statuses.length === 0 || statuses.includes(d.status)) &&
            epochSeconds(d.createdAt) >= after &&
            epochSeconds(d.createdAt) <= before,
        );
      const start = Number(optionalString(input, 'nextToken') ?? 0);
      return {
        serviceDeployments: all.slice(start, start + size).map((d) => ({
          serviceDeploymentArn: d.arn,
          serviceArn: service.arn,
          clusterArn: service.cluster.arn,
          startedAt: seconds(d.startedAt),
          createdAt: epochSeconds(d.createdAt),
          finishedAt: seconds(d.finishedAt),
          targetServiceRevisionArn: d.targetRevisionArn,
          status: d.status,
          ...(d.statusReason ? { statusReason: d.statusReason } : {}),
        })),
        ...(start + size < all.length ? { nextToken: String(start + size) } : {}),
      };
    },

    DescribeServiceDeployments: (input) => {
      const serviceDeployments = [];
      const failures = [];
      for (const ref of arnList(input, 'serviceDeploymentArns')) {
        const found = findDeployment(ecs, ref);
        if (found) serviceDeployments.push(serviceDeploymentJson(found.service, found.item));
        else failures.push({ arn: ref, reason: 'MISSING' });
      }
      return { serviceDeployments, failures };
    },

    DescribeServiceRevisions: (input) => {
      const serviceRevisions = [];
      const failures = [];
      for (const ref of arnList(input, 'serviceRevisionArns')) {
        const found = findRevision(ecs, ref);
        if (found) serviceRevisions.push(serviceRevisionJson(ecs, found.item));
        else failures.push({ arn: ref, reason: 'MISSING' });
      }
      return { serviceRevisions, failures };
    },

    StopServiceDeployment: (input) => {
      const stopType = optionalString(input, 'stopType') ?? 'ROLLBACK';
      if (stopType !== 'ROLLBACK' && stopType !== 'ABORT') throw new AwsError('InvalidParameterException', `Invalid stopType: ${stopType}`);
      const { service, item } = deploymentFor(ecs, input);
      ecs.runner.stop(service, item, stopType);
      return { serviceDeploymentArn: item.arn };
    },

    ContinueServiceDeployment: (input) => {
      const hookId = requiredString(input, 'hookId');
      ecs.counters.continueServiceDeploymentCalls.increment(hookId);
      const action = optionalString(input, 'action') ?? 'CONTINUE';
      if (action !== 'CONTINUE' && action !== 'ROLLBACK') throw new AwsError('InvalidParameterException', `Invalid action: ${action}`);
      const { service, item } = deploymentFor(ecs, input);
      ecs.runner.continueHook(service, item, hookId, action as HookAction);
      return { serviceDeploymentArn: item.arn };
    },
  };
}

const seconds = (date: Date | undefined) => (date ? epochSeconds(date) : undefined);

function serviceDeploymentJson(service: EcsService, d: EcsServiceDeployment) {
  const greenUp = d.stepIndex > d.plan.findIndex((s) => s.stage === 'SCALE_UP') || d.status === 'SUCCESSFUL';
  const live = d.status === 'IN_PROGRESS';
  const counts = (running: boolean) => ({
    requestedTaskCount: service.desiredCount,
    runningTaskCount: running ? service.desiredCount : 0,
    pendingTaskCount: running ? 0 : service.desiredCount,
  });
  // The latest run of each configured hook at the current stage.
  const current = new Map(d.hooks.filter((h) => h.stage === d.lifecycleStage).map((h) => [h.configIndex, h]));
  return {
    serviceDeploymentArn: d.arn,
    serviceArn: service.arn,
    clusterArn: service.cluster.arn,
    createdAt: epochSeconds(d.createdAt),
    startedAt: seconds(d.startedAt),
    finishedAt: seconds(d.finishedAt),
    stoppedAt: seconds(d.stoppedAt),
    updatedAt: epochSeconds(d.updatedAt),
    sourceServiceRevisions: d.sourceRevisionArn
      ? [
          {
            arn: d.sourceRevisionArn,
            ...counts(d.status !== 'SUCCESSFUL'),
            requestedTestTrafficWeight: 100 - d.testWeight,
            requestedProductionTrafficWeight: 100 - d.productionWeight,
          },
        ]
      : [],
    targetServiceRevision: {
      arn: d.targetRevisionArn,
      ...counts(greenUp && (live || d.status === 'SUCCESSFUL')),
      requestedTestTrafficWeight: d.testWeight,
      requestedProductionTrafficWeight: d.productionWeight,
    },
    status: d.status,
    ...(d.statusReason ? { statusReason: d.statusReason } : {}),
    ...(d.lifecycleStage ? { lifecycleStage: d.lifecycleStage } : {}),
    lifecycleHookDetails: [...current.values()].map((h) => ({
      hookId: h.hookId,
      targetType: h.targetType,
      ...(h.targetArn ? { targetArn: h.targetArn } : {}),
      status: h.status,
      expiresAt: epochSeconds(h.expiresAt),
      timeoutAction: h.timeoutAction,
    })),
    deploymentConfiguration: d.deploymentConfiguration,
    ...(d.rollback
      ? {
          rollback: {
            reason: d.rollback.reason,
            startedAt: epochSeconds(d.rollback.startedAt),
            serviceRevisionArn: d.rollback.serviceRevisionArn,
          },
        }
      : {}),
    deploymentCircuitBreaker: { status: 'DISABLED', failureCount: 0, threshold: 0 },
    alarms: { status: 'DISABLED' },
  };
}

function serviceRevisionJson(ecs: EcsState, r: ServiceRevisionRecord) {
  const containers = ecs.findTaskDefinition(r.taskDefinition)?.containerDefinitions ?? [];
  return {
    serviceRevisionArn: r.arn,
    serviceArn: r.serviceArn,
    clusterArn: r.clusterArn,
    taskDefinition: r.taskDefinition,
    ...(r.launchType ? { launchType: r.launchType } : {}),
    loadBalancers: r.loadBalancers,
    containerImages: containers.map((c) => ({ containerName: c.name, image: c.image })),
    guardDutyEnabled: false,
    createdAt: epochSeconds(r.createdAt),
  };
}

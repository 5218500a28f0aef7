// Before admission: the service's own deployment controller decides the engine (ECS
// `DescribeServices` → `deploymentController.type`); for CodeDeploy, the request's application and
// group must exist and target that very service. Then the strategy is planned on that engine
// (domain/release-strategy.ts), and an ECS-native target's hook Lambda checked as ECS checks it
// (domain/ecs-lambda-hook.ts). A refusal or a mismatch is a 400 naming the rule, before anything
// is built. The plan goes into the workflow's input only when it is not today's blue/green on
// CodeDeploy, so those inputs stay identical to the Panda deploy API's.
import { CodeDeployClient, GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { awsClientConfig } from '../../common/aws/client-config.js';
import type { AwsCredentialIdentityProvider } from '../../common/aws/credentials.js';
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import type { DeployTarget } from '../../domain/deployment.js';
import {
  DEFAULT_RELEASE_STRATEGY,
  planRelease,
  RELEASE_ENGINES,
  type ReleaseEngine,
  type ReleasePlan,
  type ReleaseStrategy,
} from '../../domain/release-strategy.js';
import { ecsHookRefusal } from '../../domain/ecs-lambda-hook.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';

/** The plan to put in the input (undefined: the Panda deploy API's blue/green on CodeDeploy), or a 400. */
export type ReleaseGate = (
  awsConnectionId: string,
  target: DeployTarget,
  strategy: ReleaseStrategy | undefined,
) => Promise<ReleasePlan | undefined>;

export interface ReleaseGateOptions {
  awsEndpoint: string | undefined;
  baseAwsCredentials?: AwsCredentialIdentityProvider | undefined;
  timeoutMs?: number;
}

const lastPart = (nameOrArn: string) => nameOrArn.split('/').at(-1) ?? nameOrArn;

function refused(rule: string, message: string, details: Record<string, unknown> = {}): ApiError {
  return new ApiError(400, `Release refused (${rule}): ${message}`, { rule, ...details }, DEPLOYMENT_ERROR);
}

export function createReleaseGate(connections: ConnectionStore, options: ReleaseGateOptions): ReleaseGate {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (awsConnectionId, target, requested) => {
    const strategy = requested ?? DEFAULT_RELEASE_STRATEGY;
    const aws = await connections.awsSecret(awsConnectionId);
    if (!aws) return undefined; // the deployment service answers "AWS connection not found"
    const config = awsClientConfig(
      aws,
      { endpoint: options.awsEndpoint, baseCredentials: options.baseAwsCredentials },
      aws.connection.id,
      'request',
    );
    const ecs = new ECSClient(config);
    const codedeploy = new CodeDeployClient(config);
    const call = { abortSignal: AbortSignal.timeout(timeoutMs) };
    const unreadable = (error: unknown) => {
      // Blue/green as today needs no answer from AWS here: the activities ask again, and retry.
      if (strategy.type === 'blueGreen') return undefined;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new ApiError(
        503,
        `The engine of ${target.cluster}/${target.service} cannot be read right now (${reason.slice(0, 200)}): nothing was started; try again`,
        {},
        DEPLOYMENT_ERROR,
      );
    };
    try {
      let engine: ReleaseEngine;
      try {
        const described = await ecs
          .send(new DescribeServicesCommand({ cluster: target.cluster, services: [target.service] }), call)
          .catch((error: { name?: string }) => {
            if (error.name === 'ClusterNotFoundException')
              throw refused('service-not-found', `ECS cluster ${target.cluster} does not exist`, { cluster: target.cluster });
            throw error;
          });
        const service = described.services?.find((s) => s.status !== 'INACTIVE');
        if (!service)
          throw refused('service-not-found', `ECS service ${target.service} is not active in cluster ${target.cluster}`, {
            service: target.service,
            cluster: target.cluster,
          });
        const type = service.deploymentController?.type ?? 'ECS';
        if (!(RELEASE_ENGINES as readonly string[]).includes(type)) {
          throw refused(
            'unsupported-deployment-controller',
            `ECS service ${target.service} uses the ${type} deployment controller; Switchyard releases through CODE_DEPLOY or ECS`,
            { deploymentController: type },
          );
        }
        engine = type as ReleaseEngine;
        if (engine === 'CODE_DEPLOY') {
          const group = await codedeploy
            .send(
              new GetDeploymentGroupCommand({ applicationName: target.codeDeployApplication, deploymentGroupName: target.codeDeployGroup }),
              call,
            )
            .catch((error: { name?: string }) => {
              if (error.name === 'ApplicationDoesNotExistException' || error.name === 'DeploymentGroupDoesNotExistException') {
                throw refused(
                  'codedeploy-group-not-found',
                  `CodeDeploy ${error.name === 'ApplicationDoesNotExistException' ? 'application' : 'deployment group'} ${target.codeDeployApplication}/${target.codeDeployGroup} does not exist`,
                );
              }
              throw error;
            });
          const targets = group.deploymentGroupInfo?.ecsServices ?? [];
          const matches = targets.some(
            (s) => lastPart(s.clusterName ?? '') === lastPart(target.cluster) && lastPart(s.serviceName ?? '') === lastPart(target.service),
          );
          if (!matches) {
            const named = targets.map((s) => `${s.clusterName}/${s.serviceName}`).join(', ') || 'no service';
            throw refused(
              'codedeploy-group-mismatch',
              `CodeDeploy group ${target.codeDeployApplication}/${target.codeDeployGroup} deploys ${named}, not ${lastPart(target.cluster)}/${lastPart(target.service)}`,
            );
          }
        }
      } catch (error) {
        if (error instanceof ApiError) throw error;
        return unreadable(error);
      }
      // ECS would refuse UpdateService's Lambda hook: refuse now, before the build.
      const hook = engine === 'ECS' ? ecsHookRefusal(target) : undefined;
      if (hook) throw refused(hook.rule, hook.message, { engine });
      const planned = planRelease(strategy, engine);
      if (!planned.ok) throw refused(planned.rule, planned.message, { strategy: strategy.type, engine });
      return strategy.type === 'blueGreen' && engine === 'CODE_DEPLOY' ? undefined : planned.plan;
    } finally {
      ecs.destroy();
      codedeploy.destroy();
    }
  };
}

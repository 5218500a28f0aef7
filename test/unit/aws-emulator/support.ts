// Shared set-up for the AWS emulator tests: an emulator on a free port with fast lifecycle steps,
// the real AWS SDK v3 clients pointed at it, and a seeded CODE_DEPLOY service per test.
import { randomBytes } from 'node:crypto';
import { CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import type { DeploymentInfo } from '@aws-sdk/client-codedeploy';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { STSClient } from '@aws-sdk/client-sts';
import { seed } from '../../../emulators/aws/seed.js';
import type { AwsSeedOptions } from '../../../emulators/aws/seed.js';
import { startAwsEmulator } from '../../../emulators/aws/server.js';
import type { AwsEmulatorOptions, RunningAwsEmulator } from '../../../emulators/aws/server.js';

export const REGION = 'ap-northeast-2';
export const ACCESS_KEY_ID = 'AKIAEMULATORTEST0001';
export const UNAUTHORIZED_ACCESS_KEY_ID = 'AKIAEMULATORNOPERMS1';
export const UNKNOWN_ACCESS_KEY_ID = 'AKIAUNKNOWNKEY000000';

export async function startEmulator(options: Partial<AwsEmulatorOptions> = {}): Promise<RunningAwsEmulator> {
  return startAwsEmulator({
    credentials: { accessKeyIds: [ACCESS_KEY_ID], unauthorizedAccessKeyId: UNAUTHORIZED_ACCESS_KEY_ID },
    stepMs: 30,
    probeLatencyMs: 5,
    ...options,
  });
}

const clientConfig = (url: string, accessKeyId: string) => ({
  endpoint: url,
  region: REGION,
  credentials: { accessKeyId, secretAccessKey: 'emulator-secret-access-key' },
  maxAttempts: 1,
});

export function clients(url: string, accessKeyId = ACCESS_KEY_ID) {
  return {
    ecr: new ECRClient(clientConfig(url, accessKeyId)),
    ecs: new ECSClient(clientConfig(url, accessKeyId)),
    codedeploy: new CodeDeployClient(clientConfig(url, accessKeyId)),
    sts: new STSClient(clientConfig(url, accessKeyId)),
  };
}

export type Clients = ReturnType<typeof clients>;

/** The sandbox's seed, with names made unique so tests sharing one emulator do not collide. */
export function seedPanda(emulator: RunningAwsEmulator, overrides: Partial<AwsSeedOptions> = {}) {
  const suffix = randomBytes(3).toString('hex');
  const options: AwsSeedOptions = {
    cluster: 'panda-cluster',
    service: `panda-service-${suffix}`,
    containerName: 'app',
    containerPort: 8080,
    application: `panda-app-${suffix}`,
    deploymentGroup: 'panda-dg',
    repository: `switchyard-demo-panda-api-${suffix}`,
    ...overrides,
  };
  return { options, result: seed(emulator.state, options) };
}

/** What the deploy workflow does before CreateDeployment: a new revision with the new image. */
export async function registerRevision(c: Clients, options: AwsSeedOptions, image: string): Promise<string> {
  const { taskDefinition } = await c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: options.service,
      containerDefinitions: [
        { name: options.containerName, image, essential: true, portMappings: [{ containerPort: options.containerPort }] },
      ],
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
    }),
  );
  return taskDefinition!.taskDefinitionArn!;
}

/** An ECS AppSpec; `hooks` is its Hooks section, `{ <lifecycle event>: <function> }` per entry. */
export function appSpec(taskDefinitionArn: string, options: AwsSeedOptions, hooks?: Record<string, unknown>[]): string {
  return JSON.stringify({
    version: 0.0,
    Resources: [
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: taskDefinitionArn,
            LoadBalancerInfo: { ContainerName: options.containerName, ContainerPort: options.containerPort },
          },
        },
      },
    ],
    ...(hooks ? { Hooks: hooks } : {}),
  });
}

export const revision = (content: string) => ({ revisionType: 'AppSpecContent' as const, appSpecContent: { content } });

/** Polls GetDeployment (as the workflow does) until the status is one of `statuses`. */
export async function waitForDeployment(c: Clients, deploymentId: string, statuses: string[], timeoutMs = 5_000): Promise<DeploymentInfo> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { deploymentInfo } = await c.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
    if (statuses.includes(deploymentInfo!.status!)) return deploymentInfo!;
    if (Date.now() > deadline) throw new Error(`deployment ${deploymentId} is ${deploymentInfo!.status}, not ${statuses.join('|')}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/** The rejection of `promise`, to assert on its class, name and message. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

import {
  AccessDeniedException,
  ClientException,
  ClusterNotFoundException,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTaskSetsCommand,
  InvalidParameterException,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAwsEmulator } from '../../../emulators/aws/server.js';
import { clients, rejectionOf, startEmulator, UNAUTHORIZED_ACCESS_KEY_ID } from './support.js';
import type { Clients } from './support.js';

let emulator: RunningAwsEmulator;
let c: Clients;
beforeAll(async () => {
  emulator = await startEmulator();
  c = clients(emulator.url);
  await c.ecs.send(new CreateClusterCommand({ clusterName: 'ecs-tests' }));
});
afterAll(async () => {
  await emulator.close();
});

const register = (family: string, image: string) =>
  c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }] }],
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
    }),
  );

describe('ECS through @aws-sdk/client-ecs', () => {
  it('RegisterTaskDefinition increments the family revision and echoes the definition', async () => {
    const first = await register('orders', 'repo/orders:v1');
    const second = await register('orders', 'repo/orders:v2');
    expect(first.taskDefinition).toMatchObject({
      family: 'orders',
      revision: 1,
      status: 'ACTIVE',
      cpu: '256',
      memory: '512',
      networkMode: 'awsvpc',
      taskDefinitionArn: 'arn:aws:ecs:ap-northeast-2:123456789012:task-definition/orders:1',
      compatibilities: ['EC2', 'FARGATE'],
    });
    expect(second.taskDefinition!.revision).toBe(2);
    expect(second.taskDefinition!.containerDefinitions![0]!.image).toBe('repo/orders:v2');
    expect(second.taskDefinition!.registeredAt).toBeInstanceOf(Date);
    expect(emulator.state.counters.taskDefinitionRevisions.get('orders')).toBe(2);
  });

  it('DescribeTaskDefinition resolves a family (latest), family:revision and an ARN; a missing one is a ClientException', async () => {
    await register('billing', 'repo/billing:v1');
    const { taskDefinition: latest } = await register('billing', 'repo/billing:v2');
    const byFamily = await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'billing' }));
    const byRevision = await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'billing:1' }));
    const byArn = await c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: latest!.taskDefinitionArn! }));
    expect(byFamily.taskDefinition!.revision).toBe(2);
    expect(byRevision.taskDefinition!.containerDefinitions![0]!.image).toBe('repo/billing:v1');
    expect(byArn.taskDefinition!.taskDefinitionArn).toBe(latest!.taskDefinitionArn);
    const error = await rejectionOf(c.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'billing:9' })));
    expect(error).toBeInstanceOf(ClientException);
    expect(error.message).toBe('Unable to describe task definition.');
  });

  it('ListTaskDefinitions filters by the full family name (familyPrefix) and sorts newest first with DESC', async () => {
    await register('catalog-api', 'repo/catalog:v1');
    await register('catalog-api', 'repo/catalog:v2');
    await register('catalog-api-worker', 'repo/catalog-worker:v1');
    await register('checkout', 'repo/checkout:v1');
    const { taskDefinitionArns } = await c.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'catalog-api', sort: 'DESC' }));
    expect(taskDefinitionArns!.map((a) => a.split('/')[1])).toEqual(['catalog-api:2', 'catalog-api:1']);
    const partial = await c.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'catalog' }));
    expect(partial.taskDefinitionArns).toEqual([]);
  });

  it('DescribeClusters reports a missing cluster in failures[]', async () => {
    const { clusters, failures } = await c.ecs.send(new DescribeClustersCommand({ clusters: ['ecs-tests', 'ghost'] }));
    expect(clusters!.map((cl) => cl.clusterName)).toEqual(['ecs-tests']);
    expect(failures).toEqual([{ arn: 'arn:aws:ecs:ap-northeast-2:123456789012:cluster/ghost', reason: 'MISSING' }]);
  });

  it('creates a CODE_DEPLOY service with one PRIMARY task set; a second create is not idempotent', async () => {
    const { taskDefinition } = await register('web', 'repo/web:v1');
    const input = {
      cluster: 'ecs-tests',
      serviceName: 'web',
      taskDefinition: 'web',
      desiredCount: 3,
      launchType: 'FARGATE' as const,
      deploymentController: { type: 'CODE_DEPLOY' as const },
      loadBalancers: [
        {
          targetGroupArn: 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/web-blue/1',
          containerName: 'app',
          containerPort: 8080,
        },
      ],
    };
    const { service } = await c.ecs.send(new CreateServiceCommand(input));
    expect(service).toMatchObject({
      serviceName: 'web',
      status: 'ACTIVE',
      desiredCount: 3,
      runningCount: 3,
      pendingCount: 0,
      serviceArn: 'arn:aws:ecs:ap-northeast-2:123456789012:service/ecs-tests/web',
      taskDefinition: taskDefinition!.taskDefinitionArn,
      deploymentController: { type: 'CODE_DEPLOY' },
    });
    expect(service!.taskSets).toHaveLength(1);
    expect(service!.taskSets![0]).toMatchObject({ status: 'PRIMARY', taskDefinition: taskDefinition!.taskDefinitionArn, runningCount: 3 });
    expect(service!.taskSets![0]!.id).toMatch(/^ecs-svc\/\d{19}$/);

    const duplicate = await rejectionOf(c.ecs.send(new CreateServiceCommand(input)));
    expect(duplicate).toBeInstanceOf(InvalidParameterException);
    expect(duplicate.message).toBe('Creation of service was not idempotent.');

    const { taskSets } = await c.ecs.send(new DescribeTaskSetsCommand({ cluster: 'ecs-tests', service: 'web' }));
    expect(taskSets!.map((t) => t.status)).toEqual(['PRIMARY']);
  });

  it('DescribeServices reports a missing service as MISSING and a missing cluster as ClusterNotFoundException', async () => {
    const { services, failures } = await c.ecs.send(new DescribeServicesCommand({ cluster: 'ecs-tests', services: ['nobody'] }));
    expect(services).toEqual([]);
    expect(failures).toEqual([{ arn: 'arn:aws:ecs:ap-northeast-2:123456789012:service/ecs-tests/nobody', reason: 'MISSING' }]);
    const error = await rejectionOf(c.ecs.send(new DescribeServicesCommand({ cluster: 'ghost', services: ['web'] })));
    expect(error).toBeInstanceOf(ClusterNotFoundException);
  });

  it('UpdateService refuses a new task definition on a CODE_DEPLOY service but allows a desiredCount change', async () => {
    const { taskDefinition: v1 } = await register('guarded', 'repo/guarded:v1');
    await c.ecs.send(
      new CreateServiceCommand({
        cluster: 'ecs-tests',
        serviceName: 'guarded',
        taskDefinition: v1!.taskDefinitionArn,
        desiredCount: 1,
        deploymentController: { type: 'CODE_DEPLOY' },
      }),
    );
    const { taskDefinition: v2 } = await register('guarded', 'repo/guarded:v2');
    const error = await rejectionOf(
      c.ecs.send(new UpdateServiceCommand({ cluster: 'ecs-tests', service: 'guarded', taskDefinition: v2!.taskDefinitionArn })),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.message).toBe(
      'Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.',
    );

    const { service } = await c.ecs.send(new UpdateServiceCommand({ cluster: 'ecs-tests', service: 'guarded', desiredCount: 4 }));
    expect(service).toMatchObject({ desiredCount: 4, runningCount: 4, taskDefinition: v1!.taskDefinitionArn });
  });

  it('UpdateService rolls an ECS-controller service to a new task definition', async () => {
    const { taskDefinition: v1 } = await register('rolling', 'repo/rolling:v1');
    await c.ecs.send(
      new CreateServiceCommand({ cluster: 'ecs-tests', serviceName: 'rolling', taskDefinition: v1!.taskDefinitionArn, desiredCount: 2 }),
    );
    const { taskDefinition: v2 } = await register('rolling', 'repo/rolling:v2');
    const { service } = await c.ecs.send(
      new UpdateServiceCommand({ cluster: 'ecs-tests', service: 'rolling', taskDefinition: 'rolling:2' }),
    );
    expect(service!.taskDefinition).toBe(v2!.taskDefinitionArn);
    expect(service!.deployments).toEqual([
      expect.objectContaining({ status: 'PRIMARY', taskDefinition: v2!.taskDefinitionArn, rolloutState: 'COMPLETED' }),
    ]);
  });

  it('the unauthorized key gets AccessDeniedException naming the ECS action', async () => {
    const error = await rejectionOf(
      clients(emulator.url, UNAUTHORIZED_ACCESS_KEY_ID).ecs.send(new DescribeClustersCommand({ clusters: ['ecs-tests'] })),
    );
    expect(error).toBeInstanceOf(AccessDeniedException);
    expect(error.message).toContain('is not authorized to perform: ecs:DescribeClusters');
  });
});

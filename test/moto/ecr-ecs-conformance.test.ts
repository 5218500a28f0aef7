// Conformance: the production ECR and ECS activities against the Python moto server, an AWS
// emulator we did not write (provisioned by scripts/setup-moto.mjs, started by ./moto-server.ts).
// The same activities run against our own emulator (emulators/aws) in the workflow tests; this
// suite checks that they also hold against an independent reading of the AWS API.
//
// What moto does differently (moto 5.2.5), found while writing this suite:
// - ECR: images are pushed here with PutImage and a manifest only (the design notes moto has no
//   layer upload; 5.2.5 does implement InitiateLayerUpload/UploadLayerPart/CompleteLayerUpload
//   through the API, but not the registry protocol `docker push` speaks, and we need no layers).
// - ECR image digests: moto computes sha256 over the concatenated *layer* digests, where ECR (and
//   our emulator) use sha256 of the manifest bytes; a PutImage `imageDigest` is taken as given
//   instead of being checked (our emulator answers ImageDigestDoesNotMatchException). Harmless
//   for ensureEcrImage, which reports whatever DescribeImages says; the tests compare with the
//   digest PutImage returned, not with a digest computed here.
// - ECR PutImage into a missing repository is an untyped 500 in moto, not
//   RepositoryNotFoundException (our activities never do that).
// - ECS has no CODE_DEPLOY guard: UpdateService would change the task definition of a service
//   with the CODE_DEPLOY controller, where AWS (and our emulator) reject it. Nothing here relies
//   on the guard; the blue/green tests use our stricter emulator.
// - ListTaskDefinitions ignores `sort` and `maxResults` (always every revision, oldest first).
//   findRevisionOf still finds a stamped revision, but on moto "the 10 newest" is "all of them".
// - ListTaskDefinitions `familyPrefix` is the full family name in moto, as the AWS API reference
//   says ("The full family name to filter the ListTaskDefinitions results with"); our emulator
//   (emulators/aws/ecs-state.ts) matches it as a string prefix, so `web` also lists `web-worker`.
//   With our emulator, registerTaskDefinition for service `web` then reuses a `web-worker`
//   revision stamped with the same deployment id; the last ECS case below pins the AWS behaviour.
// - Agreements worth knowing: a missing cluster is ClusterNotFoundException "Cluster not found."
//   in both; DescribeServices reports a missing service in failures[], not as an error.
import { mkdtempSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeployClients } from '../../activities/deployment/clients.js';
import { createEcrActivities } from '../../activities/deployment/ecr.js';
import { createEcsActivities, DEPLOYMENT_ENV } from '../../activities/deployment/ecs.js';
import { openConnectionStore } from '../../common/connections/open-connection-store.js';
import { startMoto } from './moto-server.js';
import type { RunningMoto } from './moto-server.js';

const REGION = 'ap-northeast-2';
const ACCOUNT = '123456789012'; // moto's default account
const CREDENTIALS = { accessKeyId: 'AKIAMOTOCONFORMANCE1', secretAccessKey: 'moto-conformance-secret' };
const CLUSTER = 'conformance';

let moto: RunningMoto;
let dataDir: string;
let awsConnectionId: string;
let ecrActivities: ReturnType<typeof createEcrActivities>;
let ecsActivities: ReturnType<typeof createEcsActivities>;
let ecr: ECRClient;
let ecs: ECSClient;

beforeAll(async () => {
  moto = await startMoto();
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-moto-'));
  const connections = openConnectionStore({ dataDir });
  awsConnectionId = (await connections.addAws({ region: REGION, accountId: ACCOUNT }, CREDENTIALS)).id;
  const clients = createDeployClients(connections, { githubApiUrl: 'http://127.0.0.1:9', awsEndpoint: moto.url });
  ecrActivities = createEcrActivities(clients);
  ecsActivities = createEcsActivities(clients);
  const direct = { region: REGION, credentials: CREDENTIALS, endpoint: moto.url, maxAttempts: 1 };
  ecr = new ECRClient(direct);
  ecs = new ECSClient(direct);
});

afterAll(async () => {
  ecr?.destroy();
  ecs?.destroy();
  await moto?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  await moto.reset();
});

async function rejectionOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

/** A minimal Docker image manifest: moto has no layer upload, so the image is the manifest alone. */
function manifestFor(tag: string): string {
  const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 2, digest: sha(`config-${tag}`) },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 32, digest: sha(`layer-${tag}`) }],
  });
}

async function pushImage(repositoryName: string, imageTag: string): Promise<string> {
  const imageManifest = manifestFor(imageTag);
  const { image } = await ecr.send(
    new PutImageCommand({
      repositoryName,
      imageTag,
      imageManifest,
      imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    }),
  );
  // Not sha256(manifest), as on ECR and in our emulator: moto hashes the layer digests (see top).
  expect(image?.imageId).toEqual({ imageTag, imageDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
  expect(image!.imageId!.imageDigest).not.toBe(`sha256:${createHash('sha256').update(imageManifest).digest('hex')}`);
  return image!.imageId!.imageDigest!;
}

async function repositoriesNamed(name: string): Promise<string[]> {
  const { repositories } = await ecr.send(new DescribeRepositoriesCommand({}));
  return (repositories ?? []).map((r) => r.repositoryName!).filter((n) => n === name);
}

describe('ensureEcrImage against moto', () => {
  const repositoryUri = (name: string) => `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}`;

  it('creates a missing repository; with no such tag it fails permanently with DOCKER_BUILD_FAILED', async () => {
    expect(await repositoriesNamed('orders')).toEqual([]);
    const failure = await rejectionOf(ecrActivities.ensureEcrImage({ awsConnectionId, repository: 'orders', imageTag: 'abc123' }));
    expect(failure.type).toBe('DOCKER_BUILD_FAILED');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe('Image orders:abc123 not found in ECR after the build');
    const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['orders'] }));
    expect(repositories).toHaveLength(1);
    expect(repositories![0]!.repositoryUri).toBe(repositoryUri('orders'));
    // A repository Switchyard creates never lets a tag move to other content.
    expect(repositories![0]!.imageTagMutability).toBe('IMMUTABLE');
  });

  it('returns the image URI by digest and the digest of a pushed tag', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'billing' }));
    const digest = await pushImage('billing', 'v1');
    await pushImage('billing', 'v2');
    const image = await ecrActivities.ensureEcrImage({ awsConnectionId, repository: 'billing', imageTag: 'v1', expectedDigest: digest });
    expect(image).toEqual({
      repositoryUri: repositoryUri('billing'),
      imageUri: `${repositoryUri('billing')}@${digest}`,
      imageDigest: digest,
      repositoryCreated: false,
    });
  });

  it('refuses a tag that no longer holds the digest the build reported (moved to other content)', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'ledger' }));
    const built = await pushImage('ledger', 'v1');
    // Someone else's push of other content to the same tag (the repository's tags are mutable).
    const { image } = await ecr.send(
      new PutImageCommand({
        repositoryName: 'ledger',
        imageTag: 'v1',
        imageManifest: manifestFor('someone-else'),
        imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      }),
    );
    const other = image!.imageId!.imageDigest!;
    expect(other).not.toBe(built);
    const failure = await rejectionOf(
      ecrActivities.ensureEcrImage({ awsConnectionId, repository: 'ledger', imageTag: 'v1', expectedDigest: built }),
    );
    expect(failure).toMatchObject({ type: 'DOCKER_BUILD_FAILED', nonRetryable: true });
    expect(failure.message).toBe(
      `Image ledger:v1 in ECR is ${other}, but the build pushed ${built}: the tag was moved to other content after the build, and is not deployed`,
    );
  });

  it('an absent tag in an existing repository with other images is DOCKER_BUILD_FAILED, not retried', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'catalog' }));
    await pushImage('catalog', 'v1');
    const failure = await rejectionOf(ecrActivities.ensureEcrImage({ awsConnectionId, repository: 'catalog', imageTag: 'v9' }));
    expect(failure).toMatchObject({ type: 'DOCKER_BUILD_FAILED', nonRetryable: true });
    expect(failure.message).toContain('catalog:v9 not found');
  });

  it('is idempotent: repeated calls leave one repository and return the same image', async () => {
    await rejectionOf(ecrActivities.ensureEcrImage({ awsConnectionId, repository: 'checkout', imageTag: 'v1' }));
    const digest = await pushImage('checkout', 'v1');
    const first = await ecrActivities.ensureEcrImage({ awsConnectionId, repository: 'checkout', imageTag: 'v1' });
    const second = await ecrActivities.ensureEcrImage({ awsConnectionId, repository: 'checkout', imageTag: 'v1' });
    expect(second).toEqual(first);
    expect(first).toMatchObject({ imageDigest: digest, repositoryCreated: false });
    expect(await repositoriesNamed('checkout')).toEqual(['checkout']);
  });
});

describe('registerTaskDefinition and describeServiceTaskDefinition against moto', () => {
  const taskDefinitionArn = (familyRevision: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${familyRevision}`;
  const input = (service: string, deploymentId: string, imageUri: string) => ({
    awsConnectionId,
    cluster: CLUSTER,
    service,
    containerName: 'app',
    containerPort: 8080,
    imageUri,
    deploymentId,
  });
  const arnsOf = async (family: string) =>
    (await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }))).taskDefinitionArns ?? [];

  /** The service as a first deployment left it. moto accepts the CODE_DEPLOY controller but, unlike AWS, does not guard it. */
  async function existingService(service: string): Promise<string> {
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: service,
        containerDefinitions: [
          {
            name: 'app',
            image: `repo/${service}:v1`,
            essential: true,
            portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
            environment: [{ name: 'LOG_LEVEL', value: 'info' }],
          },
          { name: 'sidecar', image: 'repo/envoy:1', essential: false },
        ],
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1024',
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: service,
        taskDefinition: taskDefinition!.taskDefinitionArn,
        desiredCount: 2,
        launchType: 'FARGATE',
        deploymentController: { type: 'CODE_DEPLOY' },
      }),
    );
    return taskDefinition!.taskDefinitionArn!;
  }

  beforeEach(async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  });

  it('registers a new revision of the service family with the image and the deployment id', async () => {
    const previous = await existingService('web');
    expect(previous).toBe(taskDefinitionArn('web:1'));
    const result = await ecsActivities.registerTaskDefinition(input('web', 'dep_1', 'repo/web:v2'));
    expect(result).toEqual({ taskDefinitionArn: taskDefinitionArn('web:2'), previousTaskDefinitionArn: previous, serviceCreated: false });

    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: result.taskDefinitionArn }));
    expect(taskDefinition).toMatchObject({
      family: 'web',
      revision: 2,
      cpu: '512',
      memory: '1024',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole`,
    });
    const app = taskDefinition!.containerDefinitions!.find((c) => c.name === 'app');
    expect(app?.image).toBe('repo/web:v2');
    expect(app?.environment).toEqual(
      expect.arrayContaining([
        { name: 'LOG_LEVEL', value: 'info' },
        { name: DEPLOYMENT_ENV, value: 'dep_1' },
      ]),
    );
    expect(taskDefinition!.containerDefinitions!.find((c) => c.name === 'sidecar')?.image).toBe('repo/envoy:1');
  });

  it('a second call with the same deployment id returns the same revision and registers nothing', async () => {
    const previous = await existingService('web');
    const first = await ecsActivities.registerTaskDefinition(input('web', 'dep_1', 'repo/web:v2'));
    const again = await ecsActivities.registerTaskDefinition(input('web', 'dep_1', 'repo/web:v2'));
    expect(again).toEqual(first);
    expect(again.previousTaskDefinitionArn).toBe(previous);
    expect(await arnsOf('web')).toEqual([taskDefinitionArn('web:1'), taskDefinitionArn('web:2')]);

    const next = await ecsActivities.registerTaskDefinition(input('web', 'dep_2', 'repo/web:v3'));
    expect(next.taskDefinitionArn).toBe(taskDefinitionArn('web:3'));
    expect(await arnsOf('web')).toHaveLength(3);
  });

  it('creates a missing service from the new revision', async () => {
    const result = await ecsActivities.registerTaskDefinition(input('api', 'dep_1', 'repo/api:v1'));
    expect(result).toEqual({ taskDefinitionArn: taskDefinitionArn('api:1'), serviceCreated: true });

    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: result.taskDefinitionArn }));
    expect(taskDefinition).toMatchObject({
      family: 'api',
      cpu: '256',
      memory: '512',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
    });
    expect(taskDefinition!.containerDefinitions).toEqual([
      expect.objectContaining({
        name: 'app',
        image: 'repo/api:v1',
        essential: true,
        portMappings: [expect.objectContaining({ containerPort: 8080, protocol: 'tcp' })],
        environment: [{ name: DEPLOYMENT_ENV, value: 'dep_1' }],
      }),
    ]);

    const { services } = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['api'] }));
    expect(services).toHaveLength(1);
    expect(services![0]).toMatchObject({
      serviceName: 'api',
      status: 'ACTIVE',
      desiredCount: 1,
      taskDefinition: result.taskDefinitionArn,
      deploymentController: { type: 'CODE_DEPLOY' },
    });

    // A retried attempt finds the service it created and the revision it registered.
    const retried = await ecsActivities.registerTaskDefinition(input('api', 'dep_1', 'repo/api:v1'));
    expect(retried).toEqual({
      taskDefinitionArn: result.taskDefinitionArn,
      previousTaskDefinitionArn: result.taskDefinitionArn,
      serviceCreated: false,
    });
    expect(await arnsOf('api')).toEqual([result.taskDefinitionArn]);
  });

  it('describeServiceTaskDefinition returns the service task definition; a missing service fails permanently', async () => {
    const current = await existingService('web');
    await ecsActivities.registerTaskDefinition(input('web', 'dep_1', 'repo/web:v2'));
    // Registering does not move the service: only the CodeDeploy deployment does.
    expect(await ecsActivities.describeServiceTaskDefinition({ awsConnectionId, cluster: CLUSTER, service: 'web' })).toEqual({
      taskDefinitionArn: current,
    });

    const failure = await rejectionOf(ecsActivities.describeServiceTaskDefinition({ awsConnectionId, cluster: CLUSTER, service: 'ghost' }));
    expect(failure).toMatchObject({ type: 'ECS_DEPLOYMENT_FAILED', nonRetryable: true });
    expect(failure.message).toBe(`ECS: Service ${CLUSTER}/ghost not found`);
  });

  it('a missing cluster is a permanent ECS_DEPLOYMENT_FAILED', async () => {
    const failure = await rejectionOf(
      ecsActivities.registerTaskDefinition({ ...input('web', 'dep_1', 'repo/web:v2'), cluster: 'nowhere' }),
    );
    expect(failure).toMatchObject({ type: 'ECS_DEPLOYMENT_FAILED', nonRetryable: true });
    expect(failure.message).toMatch(/^ECS: .*Cluster not found/i);
  });

  it('familyPrefix is the full family name: a revision of `web-worker` stamped with the same deployment is not reused for `web`', async () => {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web-worker',
        containerDefinitions: [{ name: 'app', image: 'repo/worker:v2', environment: [{ name: DEPLOYMENT_ENV, value: 'dep_1' }] }],
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
      }),
    );
    expect(await arnsOf('web')).toEqual([]);
    const result = await ecsActivities.registerTaskDefinition(input('web', 'dep_1', 'repo/web:v2'));
    expect(result.taskDefinitionArn).toBe(taskDefinitionArn('web:1'));
  });
});

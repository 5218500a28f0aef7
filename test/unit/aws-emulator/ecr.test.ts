import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ImageNotFoundException,
  ImageTagAlreadyExistsException,
  PutImageCommand,
  RepositoryAlreadyExistsException,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAwsEmulator } from '../../../emulators/aws/server.js';
import { clients, rejectionOf, startEmulator, UNKNOWN_ACCESS_KEY_ID } from './support.js';
import type { Clients } from './support.js';

let emulator: RunningAwsEmulator;
let c: Clients;
beforeAll(async () => {
  emulator = await startEmulator();
  c = clients(emulator.url);
});
afterAll(async () => {
  await emulator.close();
});

const manifest = (build: string) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 100, digest: `sha256:${build.padEnd(64, '0')}` },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 4_000, digest: `sha256:${'a'.repeat(64)}` }],
  });

describe('ECR through @aws-sdk/client-ecr', () => {
  it('creates a repository with its URI and refuses a second one of the same name', async () => {
    const { repository } = await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'switchyard/api' }));
    expect(repository).toMatchObject({
      repositoryName: 'switchyard/api',
      registryId: '123456789012',
      repositoryUri: '123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/switchyard/api',
      repositoryArn: 'arn:aws:ecr:ap-northeast-2:123456789012:repository/switchyard/api',
      imageTagMutability: 'MUTABLE',
    });
    expect(repository!.createdAt).toBeInstanceOf(Date);
    const error = await rejectionOf(c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'switchyard/api' })));
    expect(error).toBeInstanceOf(RepositoryAlreadyExistsException);
  });

  it('DescribeRepositories filters by name and raises RepositoryNotFoundException for a missing one', async () => {
    await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'describe-me' }));
    const { repositories } = await c.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['describe-me'] }));
    expect(repositories!.map((r) => r.repositoryName)).toEqual(['describe-me']);
    const error = await rejectionOf(c.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['no-such-repo'] })));
    expect(error).toBeInstanceOf(RepositoryNotFoundException);
    expect(error.message).toBe("The repository with name 'no-such-repo' does not exist in the registry with id '123456789012'");
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('PutImage stores the manifest under its sha256 digest; DescribeImages finds it by tag and by digest', async () => {
    await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'put-image' }));
    const body = manifest('b1');
    const { image } = await c.ecr.send(new PutImageCommand({ repositoryName: 'put-image', imageManifest: body, imageTag: 'v1' }));
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    expect(image!.imageId).toEqual({ imageDigest: digest, imageTag: 'v1' });

    const byTag = await c.ecr.send(new DescribeImagesCommand({ repositoryName: 'put-image', imageIds: [{ imageTag: 'v1' }] }));
    expect(byTag.imageDetails).toHaveLength(1);
    expect(byTag.imageDetails![0]).toMatchObject({
      imageDigest: digest,
      imageTags: ['v1'],
      repositoryName: 'put-image',
      registryId: '123456789012',
      imageSizeInBytes: 4_000,
    });
    expect(byTag.imageDetails![0]!.imagePushedAt).toBeInstanceOf(Date);
    expect(Math.abs(byTag.imageDetails![0]!.imagePushedAt!.getTime() - Date.now())).toBeLessThan(5_000);
    const byDigest = await c.ecr.send(new DescribeImagesCommand({ repositoryName: 'put-image', imageIds: [{ imageDigest: digest }] }));
    expect(byDigest.imageDetails![0]!.imageTags).toEqual(['v1']);
  });

  it('PutImage of the same manifest and tag again returns the same image (a retried push) and is counted', async () => {
    await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'idempotent' }));
    const body = manifest('c2');
    const first = await c.ecr.send(new PutImageCommand({ repositoryName: 'idempotent', imageManifest: body, imageTag: 'v1' }));
    const second = await c.ecr.send(new PutImageCommand({ repositoryName: 'idempotent', imageManifest: body, imageTag: 'v1' }));
    expect(second.image!.imageId).toEqual(first.image!.imageId);
    const { imageDetails } = await c.ecr.send(new DescribeImagesCommand({ repositoryName: 'idempotent' }));
    expect(imageDetails).toHaveLength(1);
    expect(emulator.state.counters.ecrPushes.get('idempotent:v1')).toBe(2);
  });

  it('DescribeImages raises ImageNotFoundException for a missing tag, BatchGetImage reports it as a failure', async () => {
    await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'missing-tag' }));
    const error = await rejectionOf(
      c.ecr.send(new DescribeImagesCommand({ repositoryName: 'missing-tag', imageIds: [{ imageTag: 'nope' }] })),
    );
    expect(error).toBeInstanceOf(ImageNotFoundException);
    expect(error.message).toContain("imageTag:'nope'");
    const batch = await c.ecr.send(new BatchGetImageCommand({ repositoryName: 'missing-tag', imageIds: [{ imageTag: 'nope' }] }));
    expect(batch.images).toEqual([]);
    expect(batch.failures).toEqual([
      { imageId: { imageTag: 'nope' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' },
    ]);
  });

  it('a simulated CI push (state.ecr.pushImage) is visible through the SDK with a fresh digest per build', async () => {
    await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'ci-builds' }));
    const first = emulator.state.ecr.pushImage('ci-builds', 'main-abc123');
    const { imageDetails } = await c.ecr.send(
      new DescribeImagesCommand({ repositoryName: 'ci-builds', imageIds: [{ imageTag: 'main-abc123' }] }),
    );
    expect(imageDetails![0]!.imageDigest).toBe(first.digest);
    const rebuilt = emulator.state.ecr.pushImage('ci-builds', 'main-abc123');
    expect(rebuilt.digest).not.toBe(first.digest);
    const batch = await c.ecr.send(new BatchGetImageCommand({ repositoryName: 'ci-builds', imageIds: [{ imageTag: 'main-abc123' }] }));
    expect(batch.images![0]!.imageId!.imageTag).toBe('main-abc123');
    expect(JSON.parse(batch.images![0]!.imageManifest!)).toMatchObject({ schemaVersion: 2 });
    expect(emulator.state.counters.ecrPushes.get('ci-builds:main-abc123')).toBe(2);
  });

  it('an IMMUTABLE repository refuses to move a tag to another image', async () => {
    await c.ecr.send(new CreateRepositoryCommand({ repositoryName: 'immutable', imageTagMutability: 'IMMUTABLE' }));
    await c.ecr.send(new PutImageCommand({ repositoryName: 'immutable', imageManifest: manifest('d1'), imageTag: 'v1' }));
    const error = await rejectionOf(
      c.ecr.send(new PutImageCommand({ repositoryName: 'immutable', imageManifest: manifest('d2'), imageTag: 'v1' })),
    );
    expect(error).toBeInstanceOf(ImageTagAlreadyExistsException);
  });

  it('an unknown access key gets UnrecognizedClientException before any work is done', async () => {
    const error = await rejectionOf(
      clients(emulator.url, UNKNOWN_ACCESS_KEY_ID).ecr.send(new CreateRepositoryCommand({ repositoryName: 'intruder' })),
    );
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(emulator.state.ecr.repositories.has('intruder')).toBe(false);
  });
});

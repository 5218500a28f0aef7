// Stage 2: the ECR repository exists and holds the built image tag. The image is named by its
// digest from here on (a tag can be moved to other content; a digest cannot), and a repository
// Switchyard creates has immutable tags.
import { CreateRepositoryCommand, DescribeImagesCommand, DescribeRepositoriesCommand, type Repository } from '@aws-sdk/client-ecr';
import type { DeployClients } from './clients.js';
import { digestMismatchMessage, imageByDigest } from '../../domain/source-provenance.js';
import { asActivityFailure, errorName, permanent } from './errors.js';

export interface EnsureImageInput {
  awsConnectionId: string;
  repository: string;
  imageTag: string;
  /** The digest the build reported pushing, when it reports one: ECR must hold exactly that under the tag. */
  expectedDigest?: string;
}

export interface EcrImage {
  repositoryUri: string;
  /** `repository@sha256:…`: what the task definition names. */
  imageUri: string;
  imageDigest: string;
  repositoryCreated: boolean;
}

export function createEcrActivities(clients: DeployClients) {
  return {
    async ensureEcrImage({ awsConnectionId, repository, imageTag, expectedDigest }: EnsureImageInput): Promise<EcrImage> {
      const { ecr } = await clients.aws(awsConnectionId);
      try {
        let repositoryCreated = false;
        let found: Repository | undefined;
        try {
          found = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }))).repositories?.[0];
        } catch (error) {
          if (errorName(error) !== 'RepositoryNotFoundException') throw error;
        }
        if (!found) {
          try {
            found = (await ecr.send(new CreateRepositoryCommand({ repositoryName: repository, imageTagMutability: 'IMMUTABLE' })))
              .repository;
            repositoryCreated = true;
          } catch (error) {
            // Created by an earlier attempt of this activity, or by someone else: either is fine.
            if (errorName(error) !== 'RepositoryAlreadyExistsException') throw error;
            found = (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }))).repositories?.[0];
          }
        }
        const repositoryUri = found?.repositoryUri;
        if (!repositoryUri) throw permanent('DOCKER_BUILD_FAILED', `ECR repository ${repository} has no URI`);
        let digest: string | undefined;
        try {
          const images = await ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag }] }));
          digest = images.imageDetails?.[0]?.imageDigest;
        } catch (error) {
          if (errorName(error) !== 'ImageNotFoundException') throw error;
        }
        if (!digest) throw permanent('DOCKER_BUILD_FAILED', `Image ${repository}:${imageTag} not found in ECR after the build`);
        const mismatch = expectedDigest
          ? digestMismatchMessage({ repository, imageTag, reported: expectedDigest, inEcr: digest })
          : undefined;
        if (mismatch) throw permanent('DOCKER_BUILD_FAILED', mismatch);
        return { repositoryUri, imageUri: imageByDigest(repositoryUri, digest), imageDigest: digest, repositoryCreated };
      } catch (error) {
        throw asActivityFailure(error, 'DOCKER_BUILD_FAILED', 'ECR');
      }
    },
  };
}

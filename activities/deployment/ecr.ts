// Stage 2: the ECR repository exists and holds the built image tag.
import {
  CreateRepositoryCommand, DescribeImagesCommand, DescribeRepositoriesCommand, type Repository,
} from '@aws-sdk/client-ecr';
import type { DeployClients } from './clients.js';
import { asActivityFailure, errorName, permanent } from './errors.js';

export interface EnsureImageInput {
  awsConnectionId: string;
  repository: string;
  imageTag: string;
}

export interface EcrImage {
  repositoryUri: string;
  imageUri: string;
  imageDigest: string;
  repositoryCreated: boolean;
}

export function createEcrActivities(clients: DeployClients) {
  return {
    async ensureEcrImage({ awsConnectionId, repository, imageTag }: EnsureImageInput): Promise<EcrImage> {
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
            found = (await ecr.send(new CreateRepositoryCommand({ repositoryName: repository }))).repository;
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
        return { repositoryUri, imageUri: `${repositoryUri}:${imageTag}`, imageDigest: digest, repositoryCreated };
      } catch (error) {
        throw asActivityFailure(error, 'DOCKER_BUILD_FAILED', 'ECR');
      }
    },
  };
}

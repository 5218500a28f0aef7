// Amazon ECR operations (awsJson1_1, target prefix AmazonEC2ContainerRegistry_V20150921).
import { AwsError } from './aws-error.js';
import { epochSeconds } from './aws-identity.js';
import type { EcrImage, EcrImageId, EcrRepository, EcrState } from './ecr-state.js';
import { optionalString, requiredString } from './json-protocol.js';
import type { JsonInput, JsonService } from './json-protocol.js';

export function ecrService(ecr: EcrState): JsonService {
  const repositoryOf = (input: JsonInput) => ecr.repository(requiredString(input, 'repositoryName'));

  return {
    targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
    iamPrefix: 'ecr',
    operations: {
      CreateRepository: (input) => {
        const mutability = optionalString(input, 'imageTagMutability');
        if (mutability && mutability !== 'MUTABLE' && mutability !== 'IMMUTABLE') {
          throw new AwsError('InvalidParameterException', `Invalid parameter at 'imageTagMutability': ${mutability}`);
        }
        return {
          repository: repositoryJson(
            ecr.createRepository(requiredString(input, 'repositoryName'), {
              imageTagMutability: mutability as 'MUTABLE' | 'IMMUTABLE' | undefined,
            }),
          ),
        };
      },

      DescribeRepositories: (input) => {
        const names = Array.isArray(input.repositoryNames) ? (input.repositoryNames as string[]) : undefined;
        const repositories = names ? names.map((name) => ecr.repository(name)) : [...ecr.repositories.values()];
        return { repositories: repositories.map(repositoryJson) };
      },

      DescribeImages: (input) => {
        const repository = repositoryOf(input);
        const ids = Array.isArray(input.imageIds) ? (input.imageIds as EcrImageId[]) : undefined;
        let images: EcrImage[];
        if (ids) {
          images = ids.map((id) => {
            const image = ecr.findImage(repository, id);
            if (!image) throw imageNotFound(repository, id);
            return image;
          });
        } else {
          const tagStatus = (input.filter as { tagStatus?: string } | undefined)?.tagStatus ?? 'ANY';
          images = [...repository.images.values()].filter((i) => tagStatus === 'ANY' || (tagStatus === 'TAGGED') === i.tags.size > 0);
        }
        return { imageDetails: [...new Set(images)].map((image) => imageDetail(repository, image)) };
      },

      PutImage: (input) => {
        const repositoryName = requiredString(input, 'repositoryName');
        const imageTag = optionalString(input, 'imageTag');
        const image = ecr.putImage(repositoryName, requiredString(input, 'imageManifest'), {
          imageTag,
          imageDigest: optionalString(input, 'imageDigest'),
          mediaType: optionalString(input, 'imageManifestMediaType'),
        });
        const repository = ecr.repository(repositoryName);
        return {
          image: {
            registryId: repository.registryId,
            repositoryName,
            imageId: { imageDigest: image.digest, ...(imageTag ? { imageTag } : {}) },
            imageManifest: image.manifest,
            imageManifestMediaType: image.mediaType,
          },
        };
      },

      BatchGetImage: (input) => {
        const repository = repositoryOf(input);
        const ids = Array.isArray(input.imageIds) ? (input.imageIds as EcrImageId[]) : [];
        const images = [];
        const failures = [];
        for (const id of ids) {
          const image = ecr.findImage(repository, id);
          if (image) {
            images.push({
              registryId: repository.registryId,
              repositoryName: repository.name,
              imageId: id,
              imageManifest: image.manifest,
              imageManifestMediaType: image.mediaType,
            });
          } else {
            failures.push({ imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' });
          }
        }
        return { images, failures };
      },
    },
  };
}

function repositoryJson(repository: EcrRepository) {
  return {
    repositoryArn: repository.arn,
    registryId: repository.registryId,
    repositoryName: repository.name,
    repositoryUri: repository.uri,
    createdAt: epochSeconds(repository.createdAt),
    imageTagMutability: repository.imageTagMutability,
    imageScanningConfiguration: { scanOnPush: false },
    encryptionConfiguration: { encryptionType: 'AES256' },
  };
}

function imageDetail(repository: EcrRepository, image: EcrImage) {
  return {
    registryId: repository.registryId,
    repositoryName: repository.name,
    imageDigest: image.digest,
    ...(image.tags.size > 0 ? { imageTags: [...image.tags] } : {}),
    imageSizeInBytes: image.sizeInBytes,
    imagePushedAt: epochSeconds(image.pushedAt),
    imageManifestMediaType: image.mediaType,
    artifactMediaType: 'application/vnd.docker.container.image.v1+json',
  };
}

function imageNotFound(repository: EcrRepository, id: EcrImageId): AwsError {
  return new AwsError(
    'ImageNotFoundException',
    `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repository.name}' in the registry with id '${repository.registryId}'`,
  );
}

// Amazon ECR repositories and images. Images are content-addressed by the sha256 of their manifest,
// as in a real registry; tags are mutable pointers unless the repository says IMMUTABLE.
import { AwsError } from './aws-error.js';
import { ACCOUNT_ID, arn, ecrRepositoryUri } from './aws-identity.js';
import type { AwsCounters } from './counters.js';
import { sha256Digest } from './random-ids.js';

export const DOCKER_MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';

export interface EcrImage {
  digest: string;
  manifest: string;
  mediaType: string;
  tags: Set<string>;
  pushedAt: Date;
  sizeInBytes: number;
}

export interface EcrRepository {
  name: string;
  arn: string;
  uri: string;
  registryId: string;
  createdAt: Date;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  images: Map<string, EcrImage>;
}

export type EcrImageId = { imageTag?: string; imageDigest?: string };

// ECR's documented repository name pattern.
const REPOSITORY_NAME = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export class EcrState {
  readonly repositories = new Map<string, EcrRepository>();

  constructor(
    private readonly region: string,
    private readonly counters: AwsCounters,
  ) {}

  createRepository(name: string, options: { imageTagMutability?: 'MUTABLE' | 'IMMUTABLE' } = {}): EcrRepository {
    if (!REPOSITORY_NAME.test(name)) {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '${REPOSITORY_NAME.source}''`,
      );
    }
    if (this.repositories.has(name)) {
      throw new AwsError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${name}' already exists in the registry with id '${ACCOUNT_ID}'`,
      );
    }
    const repository: EcrRepository = {
      name,
      arn: arn(this.region, 'ecr', `repository/${name}`),
      uri: ecrRepositoryUri(this.region, name),
      registryId: ACCOUNT_ID,
      createdAt: new Date(),
      imageTagMutability: options.imageTagMutability ?? 'MUTABLE',
      images: new Map(),
    };
    this.repositories.set(name, repository);
    return repository;
  }

  repository(name: string): EcrRepository {
    const repository = this.repositories.get(name);
    if (!repository) {
      throw new AwsError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${ACCOUNT_ID}'`,
      );
    }
    return repository;
  }

  /**
   * Stores a manifest under an optional tag. The same manifest again under the same tag changes
   * nothing and returns the stored image (retries stay harmless); a tag already on another image
   * moves to this one unless the repository is IMMUTABLE.
   */
  putImage(
    repositoryName: string,
    manifest: string,
    options: { imageTag?: string; imageDigest?: string; mediaType?: string } = {},
  ): EcrImage {
    const repository = this.repository(repositoryName);
    const parsed = parseManifest(manifest);
    const digest = sha256Digest(manifest);
    if (options.imageDigest && options.imageDigest !== digest) {
      throw new AwsError(
        'ImageDigestDoesNotMatchException',
        `The specified digest '${options.imageDigest}' does not match the digest of the manifest '${digest}'`,
      );
    }
    const { imageTag } = options;
    this.counters.ecrPushes.increment(`${repositoryName}:${imageTag ?? digest}`);

    if (imageTag) {
      const current = this.#imageByTag(repository, imageTag);
      if (current && current.digest !== digest) {
        if (repository.imageTagMutability === 'IMMUTABLE') {
          throw new AwsError(
            'ImageTagAlreadyExistsException',
            `The image tag '${imageTag}' already exists in the '${repositoryName}' repository and cannot be overwritten because the repository is immutable.`,
          );
        }
        current.tags.delete(imageTag);
      }
    }
    let image = repository.images.get(digest);
    if (!image) {
      image = {
        digest,
        manifest,
        mediaType: options.mediaType ?? (typeof parsed.mediaType === 'string' ? parsed.mediaType : DOCKER_MANIFEST_V2),
        tags: new Set(),
        pushedAt: new Date(),
        sizeInBytes: manifestSize(parsed),
      };
      repository.images.set(digest, image);
    }
    if (imageTag) image.tags.add(imageTag);
    return image;
  }

  /**
   * What a CI build's `docker push` leaves behind: a fresh image manifest (unique config digest,
   * so every build is a new image) tagged `tag`. Used by the emulated GitHub Actions build.
   */
  pushImage(repositoryName: string, tag: string): EcrImage {
    const build = `${repositoryName}:${tag}:${Date.now()}:${Math.random()}`;
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST_V2,
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1_469, digest: sha256Digest(`config:${build}`) },
      layers: [
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 29_124_576, digest: sha256Digest('layer:base-os') },
        { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 2_301_044, digest: sha256Digest(`layer:${build}`) },
      ],
    });
    return this.putImage(repositoryName, manifest, { imageTag: tag });
  }

  /** The image an image id names, or undefined (callers choose the error). */
  findImage(repository: EcrRepository, id: EcrImageId): EcrImage | undefined {
    const byDigest = id.imageDigest ? repository.images.get(id.imageDigest) : undefined;
    if (id.imageDigest && !byDigest) return undefined;
    if (id.imageTag) {
      const byTag = this.#imageByTag(repository, id.imageTag);
      if (!byTag || (byDigest && byDigest !== byTag)) return undefined;
      return byTag;
    }
    return byDigest;
  }

  /** The full image URI of a tag, as a task definition would reference it. */
  imageUri(repositoryName: string, tag: string): string {
    return `${this.repository(repositoryName).uri}:${tag}`;
  }

  #imageByTag(repository: EcrRepository, tag: string): EcrImage | undefined {
    for (const image of repository.images.values()) if (image.tags.has(tag)) return image;
    return undefined;
  }

  summary() {
    return [...this.repositories.values()].map((r) => ({
      name: r.name,
      uri: r.uri,
      images: [...r.images.values()].map((i) => ({ digest: i.digest, tags: [...i.tags], pushedAt: i.pushedAt.toISOString() })),
    }));
  }
}

function parseManifest(manifest: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(manifest);
    if (parsed && typeof parsed === 'object' && 'schemaVersion' in parsed) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the same error ECR gives for any manifest it cannot read
  }
  throw new AwsError(
    'InvalidParameterException',
    "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
  );
}

function manifestSize(manifest: Record<string, unknown>): number {
  const layers = Array.isArray(manifest.layers) ? (manifest.layers as { size?: unknown }[]) : [];
  return layers.reduce((sum, layer) => sum + (typeof layer.size === 'number' ? layer.size : 0), 0);
}

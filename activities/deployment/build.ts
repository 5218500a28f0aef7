// Stage 1, second half: build and push the image, with the builder the deployment names:
//  - github-actions (default): the app repository's build workflow (build-github-actions.ts);
//  - docker: `docker build` and `docker push` to ECR where a Docker engine is reachable (build-docker.ts).
import type { Builder } from '../../domain/deployment.js';
import { dockerBuild } from './build-docker.js';
import { githubActionsBuild } from './build-github-actions.js';
import type { DeployClients } from './clients.js';
import { asActivityFailure } from './errors.js';

export interface BuildInput {
  githubConnectionId: string;
  awsConnectionId: string;
  owner: string;
  repo: string;
  sha: string;
  /** The branch or tag the build workflow is dispatched on. */
  ref: string;
  /** The deployment's version is a commit: the workflow gets it as its `sha` input and checks it out. */
  refIsCommit?: boolean;
  builder: Builder;
  buildWorkflow: string;
  correlationId: string;
  ecrRepository: string;
  imageTag: string;
  workflowId: string;
}

export interface BuildResult {
  imageTag: string;
  /** The digest the build reported pushing (sha256:…), when its workflow reports one. */
  imageDigest?: string;
  runUrl?: string;
}

export interface BuildTimings {
  pollMs: number;
  /** How long a dispatched run may take to appear in the runs list before dispatching again. */
  runAppearTimeoutMs: number;
}

export function createBuildActivities(clients: DeployClients, timings: BuildTimings) {
  return {
    async buildImage(input: BuildInput): Promise<BuildResult> {
      try {
        return input.builder === 'docker' ? await dockerBuild(clients, input) : await githubActionsBuild(clients, timings, input);
      } catch (error) {
        throw asActivityFailure(error, 'DOCKER_BUILD_FAILED', 'Build');
      }
    },
  };
}

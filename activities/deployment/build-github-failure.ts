// What GitHub's refusals of the build workflow mean for the deployment: which are permanent, and what to fix.
import { ApplicationFailure, type CancelledFailure } from '@temporalio/common';
import { asActivityFailure, gitHubRateLimitFailure, gitHubRateLimitWaitMs, permanent } from './errors.js';

/**
 * GitHub's answers about the build workflow as permanent DOCKER_BUILD_FAILED failures that say
 * what to fix; rate limits, 5xx and network errors stay retryable.
 */
export function githubBuildFailure(
  error: unknown,
  repository: string,
  workflowFile: string,
  commit?: string,
): ApplicationFailure | CancelledFailure {
  if (error instanceof ApplicationFailure) return error;
  const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
  const said = (e.message ?? String(error)).replace(/ - https:\/\/docs\.github\.com\S*$/, '');
  const template = 'copy templates/github-actions/switchyard-build.yml there';
  switch (e.status) {
    case 404:
      return permanent(
        'DOCKER_BUILD_FAILED',
        `Build workflow ${workflowFile} not found in ${repository} (${template}, on the default branch)`,
      );
    case 403: {
      const rateLimitWait = gitHubRateLimitWaitMs(error);
      if (rateLimitWait !== undefined) return gitHubRateLimitFailure(`GitHub ${repository}: ${said}`, rateLimitWait);
      return permanent(
        'DOCKER_BUILD_FAILED',
        `The GitHub token may not run ${workflowFile} in ${repository}: ${said} (a fine-grained token needs the Actions read and write permission, a classic token the repo and workflow scopes)`,
      );
    }
    case 422:
      if (/disabled workflow/i.test(said))
        return permanent(
          'DOCKER_BUILD_FAILED',
          `Build workflow ${workflowFile} is disabled in ${repository} (enable it in the repository's Actions tab): ${said}`,
        );
      if (/Unexpected inputs/i.test(said) && commit) {
        return permanent(
          'DOCKER_BUILD_FAILED',
          `Build workflow ${workflowFile} in ${repository} does not declare the 'sha' input needed to build commit ${commit.slice(0, 7)} (${template} again): ${said}`,
        );
      }
      return permanent('DOCKER_BUILD_FAILED', `GitHub refused to dispatch ${workflowFile} in ${repository}: ${said}`);
    default:
      return asActivityFailure(error, 'DOCKER_BUILD_FAILED', `GitHub ${repository}`);
  }
}

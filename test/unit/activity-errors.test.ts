// How an SDK error becomes an activity failure (activities/deployment/errors.ts): throttling is
// retried whatever status it comes with (AWS answers it with a 400, GitHub's rate limits with a
// 403), while a refusal of the request itself is permanent and carries the stage's error code.
// The errors are built with the SDKs' own classes, as the clients throw them.
import { ECSServiceException } from '@aws-sdk/client-ecs';
import { RequestError } from '@octokit/request-error';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { githubBuildFailure } from '../../activities/deployment/build-github-failure.js';
import { asActivityFailure, gitHubRateLimitWaitMs } from '../../activities/deployment/errors.js';

const aws = (name: string, httpStatusCode: number) =>
  new ECSServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    message: `${name} happened`,
    $metadata: { httpStatusCode },
  });
const github = (status: number, message: string, headers: Record<string, string> = {}) =>
  new RequestError(message, status, {
    request: { method: 'GET', url: 'https://api.github.com/repos/o/r/commits/main', headers: {} },
    response: { status, url: '', headers, data: { message } },
  });

describe('activity failures from SDK errors', () => {
  const retryable = (error: unknown) => !(asActivityFailure(error, 'ECS_DEPLOYMENT_FAILED', 'ECS') as ApplicationFailure).nonRetryable;

  it('retries AWS throttling (a 400) and 5xx, and not a refused request', () => {
    expect(retryable(aws('ThrottlingException', 400))).toBe(true);
    expect(retryable(aws('InternalFailure', 500))).toBe(true);
    expect(retryable(aws('ServiceUnavailable', 503))).toBe(true);
    const refused = asActivityFailure(aws('ClientException', 400), 'ECS_DEPLOYMENT_FAILED', 'ECS');
    expect(refused).toMatchObject({ nonRetryable: true, type: 'ECS_DEPLOYMENT_FAILED', message: 'ECS: ClientException happened' });
  });

  it('retries GitHub rate limits (403 or 429), and not a 403 for a missing permission', () => {
    expect(
      retryable(
        github(403, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', { 'retry-after': '1' }),
      ),
    ).toBe(true);
    expect(
      retryable(github(403, 'API rate limit exceeded for user ID 1.', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1893456000' })),
    ).toBe(true);
    expect(retryable(github(429, 'Too many requests', { 'retry-after': '1' }))).toBe(true);
    expect(retryable(github(502, 'Server Error'))).toBe(true);
    expect(retryable(github(403, 'Resource not accessible by personal access token'))).toBe(false);
    expect(retryable(github(404, 'Not Found'))).toBe(false);
  });

  it('waits for the reset GitHub names: x-ratelimit-reset after the primary limit, retry-after or a minute after a secondary one', () => {
    const now = 1_893_456_000_000;
    const primary = github(403, 'API rate limit exceeded for user ID 1.', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(now / 1000 + 1200),
    });
    expect(gitHubRateLimitWaitMs(primary, now)).toBe(1_201_000);
    // A reset already past (clock skew) still waits a second.
    expect(
      gitHubRateLimitWaitMs(github(429, 'x', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 - 5) }), now),
    ).toBe(1_000);
    expect(gitHubRateLimitWaitMs(github(403, 'You have exceeded a secondary rate limit.', { 'retry-after': '30' }), now)).toBe(30_000);
    expect(gitHubRateLimitWaitMs(github(403, 'You have exceeded a secondary rate limit.'), now)).toBe(60_000);
    // GitHub's clock, from its answer's date, over the worker's (here 5 min ahead).
    const skewed = github(403, 'API rate limit exceeded for user ID 1.', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(now / 1000 + 120),
      date: new Date(now).toUTCString(),
    });
    expect(gitHubRateLimitWaitMs(skewed, now + 300_000)).toBe(121_000);
    // No wait beyond the window's hour, whatever the header says.
    const wild = github(403, 'API rate limit exceeded for user ID 1.', { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now) });
    expect(gitHubRateLimitWaitMs(wild, now)).toBe(3_601_000);
    expect(gitHubRateLimitWaitMs(github(403, 'Resource not accessible by personal access token'), now)).toBeUndefined();
    expect(gitHubRateLimitWaitMs(github(502, 'Server Error'), now)).toBeUndefined();

    // Both failure mappers hand the wait to Temporal as the next attempt's delay.
    const later = github(403, 'API rate limit exceeded for user ID 1.', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 600),
    });
    for (const failure of [
      asActivityFailure(later, 'DOCKER_BUILD_FAILED', 'GitHub'),
      githubBuildFailure(later, 'o/r', '.github/workflows/b.yml'),
    ]) {
      expect(failure).toBeInstanceOf(ApplicationFailure);
      if (!(failure instanceof ApplicationFailure)) return;
      expect(failure).toMatchObject({ nonRetryable: false, type: 'TransientRateLimit' });
      expect(Number(failure.nextRetryDelay)).toBeGreaterThan(590_000);
      expect(Number(failure.nextRetryDelay)).toBeLessThanOrEqual(602_000);
    }
  });

  it("hands a worker's shutdown to the next worker, and keeps the workflow's cancel a cancellation", () => {
    const shutdown = asActivityFailure(new CancelledFailure('WORKER_SHUTDOWN'), 'ECS_DEPLOYMENT_FAILED', 'CodeDeploy');
    expect(shutdown).toBeInstanceOf(ApplicationFailure);
    expect(shutdown).toMatchObject({ nonRetryable: false, type: 'WorkerShutdown' });
    const cancelled = new CancelledFailure('CANCELLED');
    expect(asActivityFailure(cancelled, 'ECS_DEPLOYMENT_FAILED', 'CodeDeploy')).toBe(cancelled);
  });
});

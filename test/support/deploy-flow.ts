// The steps a client takes to deploy in sandbox mode: connect GitHub and AWS, deploy, and wait
// for the deployment's result to reach a status.
import { expect } from 'vitest';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE } from '../../emulators/sandbox.js';
import type { buildTestApp } from './api.js';
import { authHeader } from './api.js';
import { json, type Json } from './http.js';

type App = ReturnType<typeof buildTestApp>;

export function client(app: App) {
  const call = async (method: string, path: string, body?: unknown, role: 'deployer' | 'approver' | 'viewer' | 'admin' = 'admin') => {
    const res = await app.request(path, {
      method,
      headers: { 'content-type': 'application/json', ...authHeader(role) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await json(res)) as Json };
  };
  return {
    call,
    async connect(repo: string = SANDBOX_SERVICE.repo, branch = 'main') {
      const github = await call('POST', '/api/v1/connect/github', {
        owner: SANDBOX_SERVICE.owner,
        repo,
        branch,
        token: SANDBOX_CREDENTIALS.githubToken,
      });
      const aws = await call('POST', '/api/v1/connect/aws', {
        region: SANDBOX_CREDENTIALS.region,
        accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId,
        secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey,
      });
      if (github.status !== 200 || aws.status !== 200) throw new Error(`connect failed: ${JSON.stringify([github.body, aws.body])}`);
      return {
        githubConnectionId: github.body.data.githubConnectionId as string,
        awsConnectionId: aws.body.data.awsConnectionId as string,
      };
    },
    async deploy(connection: { githubConnectionId: string; awsConnectionId: string }, fields: Record<string, unknown> = {}) {
      return call(
        'POST',
        '/api/v1/deploy',
        { ...connection, owner: SANDBOX_SERVICE.owner, repo: SANDBOX_SERVICE.repo, branch: 'main', ...fields },
        'deployer',
      );
    },
    async result(id: string) {
      return call('GET', `/api/v1/deploy/${id}/result`, undefined, 'viewer');
    },
    /** Polls the result until its status is one of `until` (30 s at most); returns that result. */
    async settle(id: string, until: readonly string[] = ENDED, intervalMs = 200): Promise<Json> {
      let last: Json;
      await expect
        .poll(
          async () => {
            last = (await this.result(id)).body.data;
            return until.includes(last?.status);
          },
          { timeout: 30_000, interval: intervalMs },
        )
        .toBe(true);
      return last;
    },
    /** Waits until the deployment reaches `status` or ends, and expects `status`; returns the result. */
    async reach(id: string, status: string, intervalMs = 200): Promise<Json> {
      const last = await this.settle(id, [status, ...ENDED], intervalMs);
      expect(last, JSON.stringify(last)).toMatchObject({ status });
      return last;
    },
  };
}

const ENDED = ['COMPLETED', 'FAILED', 'ROLLED_BACK'];

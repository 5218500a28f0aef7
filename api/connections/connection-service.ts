// Connecting GitHub and AWS: validate the credentials against the real service (through the real
// SDK clients), then keep them encrypted in the connection store. Error messages are the Panda deploy API's.
// An AWS role connection is validated by assuming the role (from the base credentials) and asking
// GetCallerIdentity as the assumed role: the answer is the assumed-role ARN.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Octokit } from '@octokit/rest';
import { awsClientConfig } from '../../common/aws/client-config.js';
import type { AwsCredentialIdentityProvider } from '../../common/aws/credentials.js';
import type { AwsConnection, AwsSecret, ConnectionStore } from '../../common/connections/connection-store.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';

export interface ConnectionServiceOptions {
  githubApiUrl: string;
  awsEndpoint: string | undefined;
  /** Who assumes a role connection's role; the SDK's default provider chain when absent. */
  baseAwsCredentials?: AwsCredentialIdentityProvider | undefined;
  timeoutMs: number;
}

export type ConnectAwsInput =
  | { region: string; accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined }
  | { region: string; roleArn: string; externalId?: string | undefined };

function isTimeout(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string } | undefined;
  return (
    e?.name === 'TimeoutError' ||
    e?.name === 'AbortError' ||
    ['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'ENOTFOUND'].includes(e?.code ?? '') ||
    /fetch failed|timed? ?out/i.test(e?.message ?? '')
  );
}

export class ConnectionService {
  constructor(
    private readonly store: ConnectionStore,
    private readonly options: ConnectionServiceOptions,
  ) {}

  async connectGitHub(input: { owner: string; repo: string; branch: string; token: string }): Promise<string> {
    const octokit = new Octokit({
      auth: input.token,
      baseUrl: this.options.githubApiUrl,
      request: { timeout: this.options.timeoutMs, retries: 0 },
    });
    const fail = (reason: string) => new ApiError(400, `GitHub connection failed: ${reason}`, {}, DEPLOYMENT_ERROR);
    try {
      await octokit.repos.get({ owner: input.owner, repo: input.repo });
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 401) throw fail('Bad credentials');
      if (status === 404 || status === 403) throw fail(`Repository not found: ${input.owner}/${input.repo}`);
      if (isTimeout(error) || status === undefined) throw fail('Connection timeout');
      throw fail(`GitHub answered ${status}`);
    }
    try {
      await octokit.repos.getBranch({ owner: input.owner, repo: input.repo, branch: input.branch });
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404) throw fail(`Branch not found: ${input.branch}`);
      throw fail(isTimeout(error) ? 'Connection timeout' : `GitHub answered ${status}`);
    }
    const { token, ...fields } = input;
    return (await this.store.addGitHub(fields, { token })).id;
  }

  async connectAws(input: ConnectAwsInput): Promise<string> {
    const secret: AwsSecret =
      'roleArn' in input
        ? input.externalId
          ? { externalId: input.externalId }
          : {}
        : {
            accessKeyId: input.accessKeyId,
            secretAccessKey: input.secretAccessKey,
            ...(input.sessionToken ? { sessionToken: input.sessionToken } : {}),
          };
    const roleArn = 'roleArn' in input ? input.roleArn : undefined;
    // The connection as it will be stored (it has no id yet), to build the credentials the worker will use.
    const probe: AwsConnection = {
      id: 'new',
      kind: 'aws',
      region: input.region,
      accountId: 'unknown',
      createdAt: new Date().toISOString(),
      ...(roleArn ? { roleArn } : {}),
    };
    const access = { endpoint: this.options.awsEndpoint, baseCredentials: this.options.baseAwsCredentials };
    const sts = new STSClient(awsClientConfig({ connection: probe, secret }, access, 'connect', 'request'));
    let accountId: string;
    try {
      const identity = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(this.options.timeoutMs) });
      accountId = identity.Account ?? 'unknown';
      if (roleArn && !identity.Arn?.includes(':assumed-role/'))
        throw new Error(`GetCallerIdentity answered ${identity.Arn ?? 'no ARN'}, not the assumed role`);
    } catch (error) {
      const reason = isTimeout(error) ? 'Connection timeout' : (error as Error).message;
      throw new ApiError(400, `AWS ${roleArn ? 'role' : 'credentials'} validation failed: ${reason}`, {}, DEPLOYMENT_ERROR);
    } finally {
      sts.destroy();
    }
    return (await this.store.addAws({ region: input.region, accountId, ...(roleArn ? { roleArn } : {}) }, secret)).id;
  }
}

/** What the routes use of ConnectionService (its public members), for a typed fake in the unit tier. */
export type ConnectionOperations = Pick<ConnectionService, keyof ConnectionService>;

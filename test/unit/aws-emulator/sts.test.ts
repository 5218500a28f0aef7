import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { ECRClient, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { CodeDeployClient, CreateApplicationCommand } from '@aws-sdk/client-codedeploy';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAwsEmulator } from '../../../emulators/aws/server.js';
import {
  ACCESS_KEY_ID,
  clients,
  REGION,
  rejectionOf,
  startEmulator,
  UNAUTHORIZED_ACCESS_KEY_ID,
  UNKNOWN_ACCESS_KEY_ID,
} from './support.js';

const DEPLOY_ROLE = 'arn:aws:iam::123456789012:role/switchyard-deploy';
const EXTERNAL_ID = 'switchyard-sandbox-external-id';
const OPEN_ROLE = 'arn:aws:iam::123456789012:role/open-role';
const LONG_ROLE = 'arn:aws:iam::123456789012:role/long-role';

/** The emulator's clock: real time plus what a test skipped ahead. */
let skippedMs = 0;
let emulator: RunningAwsEmulator;
beforeAll(async () => {
  emulator = await startEmulator({
    now: () => new Date(Date.now() + skippedMs),
    roles: [
      { name: 'switchyard-deploy', externalId: EXTERNAL_ID },
      { name: 'open-role' },
      { name: 'long-role', maxSessionDurationSeconds: 43200 },
    ],
  });
});
afterAll(async () => {
  await emulator.close();
});

type Temporary = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const as = (credentials: Temporary) => ({ endpoint: emulator.url, region: REGION, credentials, maxAttempts: 1 });

async function assume(input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]>, accessKeyId = ACCESS_KEY_ID) {
  return clients(emulator.url, accessKeyId).sts.send(
    new AssumeRoleCommand({
      RoleArn: DEPLOY_ROLE,
      RoleSessionName: 'switchyard-dep_test',
      ExternalId: EXTERNAL_ID,
      ...input,
    } as ConstructorParameters<typeof AssumeRoleCommand>[0]),
  );
}

function temporary(answer: Awaited<ReturnType<typeof assume>>): Temporary {
  const c = answer.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

describe('STS (awsQuery) through @aws-sdk/client-sts', () => {
  it('GetCallerIdentity answers the account, user ARN and a user id for an accepted key', async () => {
    const identity = await clients(emulator.url).sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('123456789012');
    expect(identity.Arn).toBe('arn:aws:iam::123456789012:user/test');
    expect(identity.UserId).toMatch(/^AIDA[0-9A-F]{17}$/);
    expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an unknown access key id gets InvalidClientTokenId', async () => {
    const error = await rejectionOf(clients(emulator.url, UNKNOWN_ACCESS_KEY_ID).sts.send(new GetCallerIdentityCommand({})));
    expect(error).toBeInstanceOf(STSServiceException);
    expect(error.name).toBe('InvalidClientTokenId');
    expect(error.message).toBe('The security token included in the request is invalid.');
    expect(error.$metadata?.httpStatusCode).toBe(403);
  });

  it('the unauthorized key authenticates but gets AccessDenied naming the user and action', async () => {
    const error = await rejectionOf(clients(emulator.url, UNAUTHORIZED_ACCESS_KEY_ID).sts.send(new GetCallerIdentityCommand({})));
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toBe('User: arn:aws:iam::123456789012:user/test is not authorized to perform: sts:GetCallerIdentity');
  });
});

describe('STS AssumeRole through @aws-sdk/client-sts', () => {
  it('answers temporary credentials expiring after DurationSeconds (default 3600) and the assumed-role user', async () => {
    const before = Date.now();
    const answer = await assume({});
    const c = answer.Credentials!;
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(c.SecretAccessKey).toBeTruthy();
    expect(c.SessionToken).toBeTruthy();
    expect(c.Expiration).toBeInstanceOf(Date);
    const lifetime = c.Expiration!.getTime() - before;
    expect(lifetime).toBeGreaterThan(3_598_000);
    expect(lifetime).toBeLessThanOrEqual(3_600_000);
    expect(answer.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/switchyard-deploy/switchyard-dep_test');
    expect(answer.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z0-9]{17}:switchyard-dep_test$/);

    const shorter = await assume({ DurationSeconds: 900 });
    expect(shorter.Credentials!.Expiration!.getTime() - Date.now()).toBeLessThanOrEqual(900_000);
  });

  it('the session credentials are the assumed role for STS, ECR, ECS and CodeDeploy', async () => {
    const credentials = temporary(await assume({}));
    const identity = await new STSClient(as(credentials)).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/switchyard-deploy/switchyard-dep_test');
    expect(identity.UserId).toMatch(/^AROA[A-Z0-9]{17}:switchyard-dep_test$/);
    expect(identity.Account).toBe('123456789012');
    await expect(new ECSClient(as(credentials)).send(new CreateClusterCommand({ clusterName: 'role-cluster' }))).resolves.toBeDefined();
    await expect(new ECRClient(as(credentials)).send(new DescribeRepositoriesCommand({}))).resolves.toBeDefined();
    await expect(
      new CodeDeployClient(as(credentials)).send(
        new CreateApplicationCommand({ applicationName: `role-app-${Math.random().toString(36).slice(2)}`, computePlatform: 'ECS' }),
      ),
    ).resolves.toBeDefined();
  });

  it('fromTemporaryCredentials (the SDK provider Switchyard uses) assumes the role against the emulator', async () => {
    const provider = fromTemporaryCredentials({
      params: { RoleArn: DEPLOY_ROLE, RoleSessionName: 'switchyard-provider', ExternalId: EXTERNAL_ID },
      masterCredentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: 'emulator-secret-access-key' },
      clientConfig: { endpoint: emulator.url, region: REGION },
    });
    const identity = await new STSClient({ endpoint: emulator.url, region: REGION, credentials: provider }).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity.Arn).toBe('arn:aws:sts::123456789012:assumed-role/switchyard-deploy/switchyard-provider');
  });

  it('refuses expired session credentials with ExpiredToken (STS) and ExpiredTokenException (JSON services)', async () => {
    const credentials = temporary(await assume({ DurationSeconds: 900 }));
    skippedMs = 901_000;
    try {
      const sts = await rejectionOf(new STSClient(as(credentials)).send(new GetCallerIdentityCommand({})));
      expect(sts.name).toBe('ExpiredToken');
      expect(sts.message).toBe('The security token included in the request is expired');
      expect(sts.$metadata?.httpStatusCode).toBe(403);
      const ecs = await rejectionOf(new ECSClient(as(credentials)).send(new CreateClusterCommand({ clusterName: 'role-cluster' })));
      expect(ecs.name).toBe('ExpiredTokenException');
      const codedeploy = await rejectionOf(
        new CodeDeployClient(as(credentials)).send(
          new CreateApplicationCommand({ applicationName: `role-app-${Math.random().toString(36).slice(2)}`, computePlatform: 'ECS' }),
        ),
      );
      expect(codedeploy.name).toBe('ExpiredTokenException');
    } finally {
      skippedMs = 0;
    }
    // Back before the expiration, the same credentials work again: expiry is by the clock alone.
    await expect(new STSClient(as(credentials)).send(new GetCallerIdentityCommand({}))).resolves.toBeDefined();
  });

  it('a session key without its session token, or with another token, is an invalid token', async () => {
    const credentials = temporary(await assume({}));
    const bare = await rejectionOf(
      new STSClient(as({ accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey })).send(
        new GetCallerIdentityCommand({}),
      ),
    );
    expect(bare.name).toBe('InvalidClientTokenId');
    const other = temporary(await assume({}));
    const mixed = await rejectionOf(
      new ECSClient(as({ ...credentials, sessionToken: other.sessionToken! })).send(
        new CreateClusterCommand({ clusterName: 'role-cluster' }),
      ),
    );
    expect(mixed.name).toBe('UnrecognizedClientException');
  });

  it('refuses unknown roles, and a missing or wrong ExternalId when the role requires one, with AccessDenied', async () => {
    const unknown = await rejectionOf(assume({ RoleArn: 'arn:aws:iam::123456789012:role/nobody' }));
    expect(unknown).toBeInstanceOf(STSServiceException);
    expect(unknown.name).toBe('AccessDenied');
    expect(unknown.message).toBe(
      'User: arn:aws:iam::123456789012:user/test is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/nobody',
    );
    expect(unknown.$metadata?.httpStatusCode).toBe(403);
    expect((await rejectionOf(assume({ ExternalId: undefined }))).name).toBe('AccessDenied');
    expect((await rejectionOf(assume({ ExternalId: 'wrong-external-id' }))).name).toBe('AccessDenied');
    // A role without the condition needs none.
    await expect(assume({ RoleArn: OPEN_ROLE, ExternalId: undefined })).resolves.toBeDefined();
  });

  it('authenticates the caller first: unknown and unauthorized keys', async () => {
    expect((await rejectionOf(assume({}, UNKNOWN_ACCESS_KEY_ID))).name).toBe('InvalidClientTokenId');
    const denied = await rejectionOf(assume({}, UNAUTHORIZED_ACCESS_KEY_ID));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toBe('User: arn:aws:iam::123456789012:user/test is not authorized to perform: sts:AssumeRole');
  });

  it('validates RoleSessionName, DurationSeconds, ExternalId and RoleArn with ValidationError', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { RoleSessionName: 'x' },
        /Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2/,
      ],
      [
        { RoleSessionName: 'a'.repeat(65) },
        /at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64/,
      ],
      [
        { RoleSessionName: 'has space' },
        /at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\w\+=,\.@-\]\*/,
      ],
      [{ RoleSessionName: undefined }, /Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null/],
      [{ DurationSeconds: 899 }, /at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/],
      [{ DurationSeconds: 43201 }, /at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200/],
      [{ DurationSeconds: 7200 }, /^The requested DurationSeconds exceeds the MaxSessionDuration set for this role\.$/],
      [{ ExternalId: 'x' }, /at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2/],
      [{ RoleArn: 'arn:aws:iam::1:r' }, /at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20/],
      [{ RoleArn: 'not-an-arn-but-long-enough' }, /is invalid$/],
    ];
    for (const [input, message] of cases) {
      const error = await rejectionOf(assume(input));
      expect(error.name, JSON.stringify(input)).toBe('ValidationError');
      expect(error.message, JSON.stringify(input)).toMatch(message);
      expect(error.$metadata?.httpStatusCode).toBe(400);
    }
    const two = await rejectionOf(assume({ RoleSessionName: 'x', DurationSeconds: 100 }));
    expect(two.message).toMatch(/^2 validation errors detected: /);
    // Up to the role's MaxSessionDuration (12 hours at most).
    const long = await assume({ RoleArn: LONG_ROLE, ExternalId: undefined, DurationSeconds: 43200 });
    expect(long.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(43_190_000);
  });

  it('role chaining is limited to one hour', async () => {
    const first = temporary(await assume({ RoleArn: LONG_ROLE, ExternalId: undefined }));
    const sts = new STSClient(as(first));
    const chained = await rejectionOf(
      sts.send(new AssumeRoleCommand({ RoleArn: LONG_ROLE, RoleSessionName: 'chained', DurationSeconds: 7200 })),
    );
    expect(chained.name).toBe('ValidationError');
    expect(chained.message).toBe('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    const ok = await sts.send(new AssumeRoleCommand({ RoleArn: OPEN_ROLE, RoleSessionName: 'chained' }));
    expect(ok.AssumedRoleUser?.Arn).toBe('arn:aws:sts::123456789012:assumed-role/open-role/chained');
  });

  it('an inline Policy that is not JSON is a MalformedPolicyDocument', async () => {
    const error = await rejectionOf(assume({ Policy: '{not json' }));
    // Code MalformedPolicyDocument on the wire; the SDK names its class MalformedPolicyDocumentException.
    expect(error.name).toBe('MalformedPolicyDocumentException');
    expect(error.message).toBe('The policy is not in the valid JSON format.');
    const ok = await assume({
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ecs:*', Resource: '*' }] }),
    });
    expect(ok.PackedPolicySize).toBeGreaterThan(0);
  });
});

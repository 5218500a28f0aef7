import { GetCallerIdentityCommand, STSServiceException } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAwsEmulator } from '../../emulators/aws/server.js';
import { clients, rejectionOf, startEmulator, UNAUTHORIZED_ACCESS_KEY_ID, UNKNOWN_ACCESS_KEY_ID } from './support.js';

let emulator: RunningAwsEmulator;
beforeAll(async () => { emulator = await startEmulator(); });
afterAll(async () => { await emulator.close(); });

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

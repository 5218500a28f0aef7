// What a deployment's activities do with a secret that does not open: a record repointed behind
// the store's back (its role ARN edited) fails at once with the stage's error code and the
// store's explanation, not retried until the stage times out; a secret sealed under a key the
// worker does not list (yet) stays retryable, as listing the key and restarting heals it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createDeployClients } from '../../activities/deployment/clients.js';
import { CONNECTIONS_FILE, openConnectionStore } from '../../common/connections/open-connection-store.js';
import type { Connection } from '../../common/connections/connection-store.js';
import { SealedValueError } from '../../common/secrets/secret-box.js';

const endpoints = { githubApiUrl: 'http://127.0.0.1:9', awsEndpoint: 'http://127.0.0.1:9' };

describe('deploy clients and sealed secrets', () => {
  it('fail permanently on a repointed role ARN or repository, and stay retryable for an unlisted key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-clients-'));
    const key = randomBytes(32).toString('base64');
    const store = openConnectionStore({ dataDir, encryptionKeys: [key] });
    const role = await store.addAws(
      { region: 'eu-west-1', accountId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/deploy' },
      { externalId: 'x-id' },
    );
    const github = await store.addGitHub({ owner: 'acme', repo: 'shop', branch: 'main' }, { token: 'ghp_t' });
    const clients = createDeployClients(store, endpoints);
    expect((await clients.aws(role.id, 'dep_1')).accountId).toBe('123456789012');

    const path = join(dataDir, CONNECTIONS_FILE);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { records: { connection: Connection }[] };
    for (const record of file.records) {
      if (record.connection.id === role.id)
        record.connection = { ...record.connection, roleArn: 'arn:aws:iam::999999999999:role/attacker' } as Connection;
      if (record.connection.id === github.id) record.connection = { ...record.connection, repo: 'elsewhere' } as Connection;
    }
    writeFileSync(path, JSON.stringify(file));

    const awsFailure = await clients.aws(role.id, 'dep_1').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(awsFailure).toBeInstanceOf(ApplicationFailure);
    expect(awsFailure).toMatchObject({
      nonRetryable: true,
      type: 'ECS_DEPLOYMENT_FAILED',
      message: expect.stringContaining(`The secret of connection ${role.id} (aws) does not open`),
    });
    const githubFailure = await clients.github(github.id).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(githubFailure).toMatchObject({
      nonRetryable: true,
      type: 'DOCKER_BUILD_FAILED',
      message: expect.stringContaining('owner, repository, branch'),
    });

    // A worker whose ring lacks the key that sealed a (current) record: retryable, not a verdict on the record.
    const stranger = createDeployClients(openConnectionStore({ dataDir, encryptionKeys: [randomBytes(32).toString('base64')] }), endpoints);
    const other = await stranger.aws(role.id, 'dep_1').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(other).toBeInstanceOf(SealedValueError);
    expect(other).toMatchObject({ reason: 'unknown-key' });
  });
});

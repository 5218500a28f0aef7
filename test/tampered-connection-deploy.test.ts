// A hostile database/file writer repoints a stored connection (the role ARN of a role
// connection, the repository of a GitHub one) and keeps its sealed secret: the deploy request is
// refused with the store's explanation, in the deployment error shape, and nothing is set in
// motion: no build run, no task definition, no CodeDeploy deployment in the emulators.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONNECTIONS_FILE, openConnectionStore } from '../common/connections/open-connection-store.js';
import type { Connection } from '../common/connections/connection-store.js';
import { SANDBOX_CREDENTIALS } from '../emulators/sandbox.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe('a deploy with a repointed connection', () => {
  const suite = sandboxSuite('tampered-connection');

  const effects = () => {
    const { target, aws, github } = suite.worker.sandbox;
    return {
      runs: github.state.runs.length,
      taskDefinitions: aws.state.counters.taskDefinitionRevisions.get(target.service),
      codeDeployDeployments: aws.state.counters.deploymentsCreated.get(`${target.codeDeployApplication}/${target.codeDeployGroup}`),
    };
  };

  /** Edits a stored connection's public fields in connections.json, as a writer of the file could. */
  function repoint(id: string, fields: Record<string, string>): void {
    const path = join(suite.worker.config.dataDir, CONNECTIONS_FILE);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { records: { connection: Connection }[] };
    for (const record of file.records)
      if (record.connection.id === id) record.connection = { ...record.connection, ...fields } as Connection;
    writeFileSync(path, JSON.stringify(file, null, 2));
  }

  it('is refused with a clear 400, and starts nothing', async () => {
    const connection = await suite.api.connect();
    const store = openConnectionStore(suite.worker.config);
    const role = await store.addAws(
      { region: SANDBOX_CREDENTIALS.region, accountId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/switchyard-deploy' },
      { externalId: 'sandbox-external-id' },
    );
    await store.close();
    const before = effects();

    repoint(role.id, { roleArn: 'arn:aws:iam::999999999999:role/attacker' });
    const refused = await suite.api.deploy({ githubConnectionId: connection.githubConnectionId, awsConnectionId: role.id });
    expect(refused).toMatchObject({
      status: 400,
      body: {
        status: 400,
        error: 'Deployment Error',
        message: expect.stringMatching(
          new RegExp(
            `^The secret of connection ${role.id} \\(aws\\) does not open under encryption key [0-9a-f]{8}: the fields it is bound to were changed .*\\(it is bound to: id, kind, account, region, role ARN\\)\\. Connect it again`,
          ),
        ),
      },
    });
    expect(JSON.stringify(refused.body)).not.toContain('sandbox-external-id');

    repoint(connection.githubConnectionId, { repo: 'someone-elses-repo' });
    const refusedGitHub = await suite.api.deploy(connection);
    expect(refusedGitHub).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining(`The secret of connection ${connection.githubConnectionId} (github) does not open`) },
    });

    expect(effects()).toEqual(before);
    expect((await suite.temporal.client.workflow.count(`TaskQueue = '${suite.taskQueue}'`)).count).toBe(0);
  });
});

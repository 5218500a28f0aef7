// A deployment through an AWS role connection, end to end in sandbox mode: the API validates the
// role (AssumeRole from the sandbox's base keys, then GetCallerIdentity as the assumed role), the
// worker's activities assume it as session `switchyard-<deploymentId>` for ECR, ECS and CodeDeploy,
// and neither the ExternalId nor any session credential reaches responses, the store file in
// clear, or workflow history.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roleArn, SANDBOX_DEPLOY_ROLE } from '../emulators/aws/index.js';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE } from '../emulators/sandbox.js';
import type { Json } from './support/http.js';
import { sandboxSuite } from './support/sandbox-suite.js';

const ROLE_ARN = roleArn(SANDBOX_DEPLOY_ROLE.name);

/** A workflow history as text, with every payload's data decoded from base64. */
function historyText(history: unknown): string {
  const decoded: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'data' && typeof child === 'string') decoded.push(Buffer.from(child, 'base64').toString('utf8'));
        else walk(child);
      }
    }
  };
  const json = JSON.stringify(history);
  walk(JSON.parse(json));
  return [json, ...decoded].join('\n');
}

describe('AWS role connections', () => {
  const suite = sandboxSuite('aws-role');

  const connectRole = (body: Record<string, unknown>) =>
    suite.api.call('POST', '/api/v1/connect/aws', { region: SANDBOX_CREDENTIALS.region, ...body });

  it('connects with { region, roleArn, externalId }, lists the role without secrets, deploys, switches and completes', async () => {
    const github = await suite.api.call('POST', '/api/v1/connect/github', {
      owner: SANDBOX_SERVICE.owner,
      repo: SANDBOX_SERVICE.repo,
      branch: 'main',
      token: SANDBOX_CREDENTIALS.githubToken,
    });
    expect(github.status).toBe(200);
    const connected = await connectRole({ roleArn: ROLE_ARN, externalId: SANDBOX_DEPLOY_ROLE.externalId });
    expect(connected.status, JSON.stringify(connected.body)).toBe(200);
    const awsConnectionId: string = connected.body.data.awsConnectionId;
    expect(awsConnectionId).toMatch(/^aws_[a-z0-9]{10}$/);
    // Validation assumed the role: GetCallerIdentity answered as the assumed role.
    const sessions = () => suite.worker.sandbox.aws.state.sessions.list();
    expect(sessions().map((s) => `${s.roleName}/${s.sessionName}`)).toContain(`${SANDBOX_DEPLOY_ROLE.name}/switchyard-connect`);

    const listed = await suite.api.call('GET', '/api/v1/connections', undefined, 'viewer');
    expect(listed.body.data.aws).toEqual(
      expect.arrayContaining([{ connectionId: awsConnectionId, region: SANDBOX_CREDENTIALS.region, roleArn: ROLE_ARN }]),
    );
    const stored = readFileSync(join(suite.worker.config.dataDir, 'connections.json'), 'utf8');
    for (const text of [JSON.stringify(listed.body), stored]) expect(text).not.toContain(SANDBOX_DEPLOY_ROLE.externalId);

    const started = await suite.api.deploy({ githubConnectionId: github.body.data.githubConnectionId, awsConnectionId });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const id: string = started.body.data.deploymentId;
    await suite.api.reach(id, 'DEPLOYMENT_READY');
    const switched = await suite.api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver');
    expect(switched.status).toBe(200);
    const result = await suite.api.reach(id, 'COMPLETED');
    expect(result).toMatchObject({ finalService: 'green', errorMessage: null });
    expect(
      suite.worker.sandbox.aws.state.counters.deploymentsCreated.get(`${SANDBOX_SERVICE.application}/${SANDBOX_SERVICE.deploymentGroup}`),
    ).toBe(1);

    // The activities assumed the role as the deployment's session.
    const deploymentSessions = sessions().filter((s) => s.sessionName === `switchyard-${id}`);
    expect(deploymentSessions.length).toBeGreaterThan(0);
    expect(deploymentSessions.every((s) => s.roleName === SANDBOX_DEPLOY_ROLE.name)).toBe(true);

    // No secret in history (payloads decoded): not the ExternalId, not the base keys, not any session credential.
    const history = historyText(await suite.temporal.client.workflow.getHandle(id).fetchHistory());
    expect(history.includes(awsConnectionId)).toBe(true);
    const secrets = [
      SANDBOX_DEPLOY_ROLE.externalId,
      SANDBOX_CREDENTIALS.awsSecretAccessKey,
      ...sessions().flatMap((s) => [s.accessKeyId, s.secretAccessKey, s.sessionToken]),
    ];
    expect(secrets.filter((secret) => history.includes(secret))).toEqual([]);
  });

  it('refuses a role it may not assume, a wrong or missing ExternalId, and mixed or missing forms', async () => {
    const unknown = await connectRole({ roleArn: roleArn('nobody-here'), externalId: SANDBOX_DEPLOY_ROLE.externalId });
    expect(unknown).toMatchObject({ status: 400, body: { status: 400, error: 'Deployment Error' } });
    expect(unknown.body.message).toMatch(
      /^AWS role validation failed: .*not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role\/nobody-here/,
    );
    const wrong = await connectRole({ roleArn: ROLE_ARN, externalId: 'not-the-external-id' });
    expect(wrong.body.message).toMatch(/^AWS role validation failed: .*sts:AssumeRole/);
    expect(JSON.stringify(wrong.body)).not.toContain('not-the-external-id');
    expect((await connectRole({ roleArn: ROLE_ARN })).body.message).toMatch(/^AWS role validation failed: .*sts:AssumeRole/);

    const both = await connectRole({
      roleArn: ROLE_ARN,
      accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId,
      secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey,
    });
    expect(both).toMatchObject({ status: 400, body: { status: 400, timestamp: expect.any(String) } });
    expect(both.body.message).toMatch(/^Invalid request: .*either static keys .* or a role/);
    expect((await connectRole({})).status).toBe(400);
    const badArn = await connectRole({ roleArn: 'arn:aws:iam::123456789012:user/test' });
    expect(badArn.status).toBe(400);
    expect(badArn.body.message).toMatch(/roleArn: must be an IAM role ARN/);
    const badExternalId = await connectRole({ roleArn: ROLE_ARN, externalId: 'has spaces in it' });
    expect(badExternalId.status).toBe(400);

    // Nothing refused was stored.
    const listed = await suite.api.call('GET', '/api/v1/connections', undefined, 'viewer');
    expect(listed.body.data.aws.filter((a: Json) => a.roleArn && a.roleArn !== ROLE_ARN)).toEqual([]);
  });
});

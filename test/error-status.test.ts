// Every error body agrees with its HTTP status, across every route group: a Panda body's
// `status` is the HTTP status (no extra may replace it), a Distribution ErrorResponse's `error`
// is the status's code. No worker runs: every request here fails before one would be needed,
// or on Temporal's own answer (an unknown workflow).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSlackConfig } from '../common/config/slack.js';
import { HOOK_SECRET_HEADER } from '../api/hooks/routes.js';
import { authHeader, buildTestApp } from './support/api.js';
import { json } from './support/http.js';
import { connectClient, uniqueTaskQueue } from './support/temporal.js';

const DISTRIBUTION_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
};
const HOOK_SECRET = 'error-status-hook-secret';

type Case = [name: string, path: string, init: RequestInit, status: number];

const body = (value: unknown): RequestInit => ({ body: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
const as = (role: Parameters<typeof authHeader>[0], init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), ...authHeader(role) },
});
const post = (init: RequestInit = {}): RequestInit => ({ ...init, method: 'POST' });
const hookCall = (event: unknown): RequestInit => ({
  body: JSON.stringify(event),
  headers: { 'content-type': 'application/json', [HOOK_SECRET_HEADER]: HOOK_SECRET },
});

const PANDA_CASES: Case[] = [
  ['deploy: malformed body', '/api/v1/deploy', post(as('deployer', body({ githubConnectionId: 42 }))), 400],
  ['deploy: no key', '/api/v1/deploy', post(body({})), 401],
  ['deploy: viewer may not deploy', '/api/v1/deploy', post(as('viewer', body({}))), 403],
  ['deploy: switch of an unknown deployment', '/api/v1/deploy/dep_0000000000/switch', post(as('approver')), 400],
  ['deploy: rollback of an unknown deployment', '/api/v1/deploy/dep_0000000000/rollback', post(as('approver')), 404],
  ['deploy: result of an unknown deployment', '/api/v1/deploy/dep_0000000000/result', as('viewer'), 400],
  ['deploy: list with a bad limit', '/api/v1/deployments?limit=0', as('viewer'), 400],
  ['connect: GitHub without fields', '/api/v1/connect/github', post(as('deployer', body({}))), 400],
  ['connect: AWS without a key', '/api/v1/connect/aws', post(body({})), 401],
  ['connect: delete an unknown connection', '/api/v1/connections/gh_zzzzzzzzzz', { method: 'DELETE', ...as('deployer') }, 404],
  ['hooks: no secret', '/api/v1/hooks/codedeploy', post(body({})), 401],
  ['hooks: not a CodeDeploy event', '/api/v1/hooks/codedeploy', post(hookCall({ DeploymentId: 'x' })), 400],
  [
    'hooks: a CodeDeploy deployment Switchyard does not know',
    '/api/v1/hooks/codedeploy',
    post(hookCall({ DeploymentId: 'd-NOTOURS99', LifecycleEventHookExecutionId: 'h' })),
    404,
  ],
  [
    'slack: unsigned command',
    '/slack/commands',
    post({ body: 'command=/platform-status', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    401,
  ],
  ['streams: deployment events without credentials', '/api/v1/deploy/dep_0000000000/events', {}, 401],
  ['streams: stream token without a key', '/api/v1/stream-tokens', post(body({})), 401],
  ['system: worker probe without a key', '/api/v1/system/worker-probe', post(), 401],
  ['unknown route', '/api/v1/does-not-exist', {}, 404],
  ['unknown method on a known path', '/api/v1/deploy', { method: 'DELETE' }, 405],
];

const DISTRIBUTION_CASES: Case[] = [
  ['distribute: malformed body', '/api/distribution/distribute', post(as('deployer', body({ eventId: '' }))), 400],
  ['distribute: no key', '/api/distribution/distribute', post(body({})), 401],
  ['distribute: viewer may not distribute', '/api/distribution/distribute', post(as('viewer', body({}))), 403],
  ['status of an unknown event', '/api/distribution/evt-unknown-0001/status', as('viewer'), 404],
  ['retry of an unknown event', '/api/distribution/evt-unknown-0001/retry', post(as('deployer', body({ channels: ['INSTAGRAM'] }))), 404],
  ['events without credentials', '/api/distribution/evt-unknown-0001/events', {}, 401],
  ['unknown route under /api/distribution', '/api/distribution/nothing/here', {}, 404],
  ['unknown method on a known path', '/api/distribution/distribute', { method: 'PUT' }, 405],
];

describe('error bodies agree with the HTTP status', () => {
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let app: ReturnType<typeof buildTestApp>;

  beforeAll(async () => {
    temporal = await connectClient();
    const config = loadSlackConfig({ CODEDEPLOY_HOOK_SECRET: HOOK_SECRET, SLACK_SIGNING_SECRET: 'error-status-signing-secret' });
    app = buildTestApp(temporal.client, uniqueTaskQueue('error-status'), {
      slack: { config, client: undefined, publicUrl: 'http://localhost' },
    });
  });
  afterAll(async () => temporal?.close());

  it.each(PANDA_CASES)("%s: the Panda body's status is the HTTP status", async (_name, path, init, status) => {
    const res = await app.request(path, init);
    expect(res.status).toBe(status);
    expect(await json(res)).toMatchObject({
      status,
      timestamp: expect.any(String),
      error: expect.any(String),
      message: expect.any(String),
    });
  });

  it.each(DISTRIBUTION_CASES)("%s: the ErrorResponse's code is the HTTP status's", async (_name, path, init, status) => {
    const res = await app.request(path, init);
    expect(res.status).toBe(status);
    const error = await json(res);
    expect(error).toMatchObject({ error: DISTRIBUTION_CODES[status], message: expect.any(String) });
    expect(error).not.toHaveProperty('status');
    expect(new Date(error.timestamp).toISOString()).toBe(error.timestamp);
  });

  it("keeps a 401's WWW-Authenticate header, whichever app answers", async () => {
    for (const path of ['/api/v1/deploy', '/api/distribution/distribute']) {
      const res = await app.request(path, post(body({})));
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="switchyard"');
    }
  });
});

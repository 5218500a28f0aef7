// The Panda seed's connection endpoints: connect a GitHub repository or an AWS account (checked
// against the service, then kept with its secret sealed), list them without secrets, delete one.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../app-deps.js';
import type { SwitchyardEnv } from '../auth.js';
import { ok } from '../envelope.js';
import { ApiError } from '../errors.js';
import { errorResponses, jsonResponse } from '../openapi-schemas.js';
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import type { ConnectionOperations } from './connection-service.js';
// The request and envelope schemas stay with the deployment ones (one Panda contract file).
import { ConnectAwsRequestSchema, ConnectGitHubRequestSchema, envelopes } from '../deployments/schemas.js';

const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const security = [{ bearerAuth: [] }];

export interface ConnectionRouteDeps {
  connections: ConnectionStore;
  connectionService: ConnectionOperations;
}

export function registerConnectionRoutes(
  app: OpenAPIHono<SwitchyardEnv>,
  deps: Pick<AppDeps, 'auth'>,
  { connections, connectionService }: ConnectionRouteDeps,
) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/connect/github',
      tags: ['Connection'],
      summary: 'GitHub 레포 연결: validate a repository, branch and token, and keep it',
      security,
      middleware: [deps.auth('deployer')] as const,
      request: body(ConnectGitHubRequestSchema),
      responses: { 200: jsonResponse(envelopes.connectGitHub, 'Connected'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => ok(c, 'GitHub 연결이 성공했습니다.', { githubConnectionId: await connectionService.connectGitHub(c.req.valid('json')) }),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/connect/aws',
      tags: ['Connection'],
      summary: 'AWS 계정 연결: static keys or an IAM role (assumed with sts:AssumeRole), validated with sts:GetCallerIdentity, and kept',
      security,
      middleware: [deps.auth('deployer')] as const,
      request: body(ConnectAwsRequestSchema),
      responses: { 200: jsonResponse(envelopes.connectAws, 'Connected'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => ok(c, 'AWS 연결이 성공했습니다.', { awsConnectionId: await connectionService.connectAws(c.req.valid('json')) }),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/connections',
      tags: ['Connection'],
      summary: '저장된 연결 조회: connections, never their secrets',
      security,
      middleware: [deps.auth('viewer')] as const,
      responses: { 200: jsonResponse(envelopes.connections, 'Connections'), ...errorResponses(401, 403) },
    }),
    async (c) => {
      const all = await connections.list();
      return ok(c, '연결 정보를 조회했습니다.', {
        github: all.flatMap((x) => (x.kind === 'github' ? [{ connectionId: x.id, owner: x.owner, repo: x.repo, branch: x.branch }] : [])),
        aws: all.flatMap((x) =>
          x.kind === 'aws' ? [{ connectionId: x.id, region: x.region, ...(x.roleArn ? { roleArn: x.roleArn } : {}) }] : [],
        ),
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/connections/{id}',
      tags: ['Connection'],
      summary: 'Delete a connection and its stored secret',
      security,
      middleware: [deps.auth('deployer')] as const,
      request: { params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'gh_a1b2c3d4e5' }) }) },
      responses: { 200: jsonResponse(envelopes.deleted, 'Deleted'), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await connections.remove(id))) throw new ApiError(404, `Connection not found: ${id}`);
      return ok(c, '연결을 삭제했습니다.', { connectionId: id, deleted: true });
    },
  );
}

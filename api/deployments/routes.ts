// The Panda deploy API's deployment endpoints, plus rollback and listing (connections: api/connections/).
import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { AdmissionOutcome } from '../../workflows/service/messages.js';
import type { SwitchyardEnv } from '../auth.js';
import { ok } from '../envelope.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';
import { errorResponses, jsonResponse } from '../openapi-schemas.js';
import { emptyJsonBodyAsObject } from '../optional-json-body.js';
import type { WorkflowEventHub } from '../streams/event-hub.js';
import { DEPLOYMENT_STREAM_EVENTS, sseResponse, streamWorkflowEvents, StreamTokenQuery } from '../streams/sse.js';
import type { DeploymentOperations } from './deployment-service.js';
import { toDeploymentResult } from './mapping.js';
import { DeploymentIdParam, DeployRequestSchema, RollbackRequestSchema, SwitchRequestSchema } from './deploy-request-schemas.js';
import { DeploymentsQuerySchema } from './deployment-read-schemas.js';
import { envelopes } from './schemas.js';
import { ResultReader } from './result-reader.js';

/** Started (200) or queued (202): the Panda deploy API's deploy answer. */
function deployAnswer(c: Context<SwitchyardEnv>, admitted: AdmissionOutcome) {
  const { deploymentId } = admitted;
  if (admitted.outcome === 'queued') {
    return ok(
      c,
      '배포가 대기열에 추가되었습니다.',
      {
        deploymentId,
        queued: true as const,
        position: admitted.position,
        runningDeploymentId: admitted.runningDeploymentId,
        message: `Deployment queued at position ${admitted.position} behind ${admitted.runningDeploymentId}. Listen to /api/v1/deploy/${deploymentId}/events once it starts`,
      },
      202,
    );
  }
  return ok(c, '배포가 시작되었습니다.', { deploymentId, message: `Deployment started. Listen to /api/v1/deploy/${deploymentId}/events` });
}

const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const security = [{ bearerAuth: [] }];

export interface DeploymentRouteDeps {
  deployments: DeploymentOperations;
  hub: WorkflowEventHub;
}

export function registerDeploymentRoutes(
  app: OpenAPIHono<SwitchyardEnv>,
  deps: Pick<AppDeps, 'auth' | 'streamAuth'>,
  { deployments, hub }: DeploymentRouteDeps,
) {
  const results = new ResultReader(deployments);
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/deploy',
      tags: ['Deployment'],
      summary: '배포 시작: build, push, ECS task definition, CodeDeploy blue/green, then wait for the switch',
      security,
      middleware: [deps.auth('deployer', 'start')] as const,
      request: body(DeployRequestSchema),
      description:
        'One deployment runs per ECS service, across every API replica. A second request for a busy service is refused with 409 naming the running deployment, or queued behind it (202) when DEPLOY_QUEUE_CAPACITY allows; a full queue is 409 "Deployment queue is full".',
      responses: {
        200: jsonResponse(envelopes.deploy, 'Started'),
        202: jsonResponse(envelopes.deploy, 'Queued behind the running deployment of the same service'),
        ...errorResponses(400, 401, 403, 409, 423, 503),
      },
    }),
    async (c) => {
      const { label, person } = c.get('principal');
      return deployAnswer(c, await deployments.start(c.req.valid('json'), { by: label, person }));
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/deploy/{id}/events',
      tags: ['Deployment'],
      summary: '실시간 이벤트 스트리밍 (SSE): connected, history, stage events, success/fail',
      description:
        'Each event has `id: <seq>`; reconnect with `Last-Event-ID` (or `?lastEventId=`) to resume with no gap or duplicate. `retry: 5000`, keep-alive comments, closed 5 s after success/fail and after 5 minutes at most.',
      security,
      middleware: [deps.streamAuth('viewer', (c) => `deployment:${c.req.param('id') ?? ''}`)] as const,
      request: { params: DeploymentIdParam, query: StreamTokenQuery },
      responses: {
        200: sseResponse(DEPLOYMENT_STREAM_EVENTS, "The deployment's events as server-sent events"),
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return streamWorkflowEvents(c, hub, `deployment:${id}`, deployments.eventFeed(id));
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/deploy/{id}/switch',
      tags: ['Deployment'],
      summary: '배포 전환 실행: switch production traffic from blue to green',
      description:
        'As in the Panda deploy API: an unknown id, a deployment not ready, or one already switched is 400 ("Deployment not found", "Deployment is not ready for traffic switch. Current stage: N", "Traffic has already been switched to green").',
      security,
      middleware: [deps.auth('approver'), emptyJsonBodyAsObject] as const,
      request: { params: DeploymentIdParam, body: { required: false, content: { 'application/json': { schema: SwitchRequestSchema } } } },
      responses: {
        200: jsonResponse(envelopes.switch, 'Switching: the approval policy is met'),
        202: jsonResponse(envelopes.switch, 'Approval recorded; the policy needs more before traffic switches'),
        ...errorResponses(400, 401, 403, 423, 503),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const principal = c.get('principal');
      // The Panda deploy API's clients send no body; an approver may give a reason, an admin an override of a freeze.
      const { reason, override } = c.req.valid('json') ?? {};
      const outcome = await deployments.switchTraffic(id, {
        by: principal.label,
        via: 'api',
        role: principal.role,
        ...(principal.person ? { person: principal.person } : {}),
        ...(reason ? { reason } : {}),
        ...(override ? { override } : {}),
      });
      const approvals = { approvals: outcome.approvals ?? [], approvalsRequired: outcome.approvalsRequired ?? 1 };
      if (outcome.activeService === 'green') {
        return ok(c, '배포 전환이 시작되었습니다.', {
          deploymentId: id,
          message: 'Traffic switching from blue to green in progress',
          activeService: 'green' as const,
          ...approvals,
        });
      }
      const waiting = `Approval recorded: ${approvals.approvals.length} of ${approvals.approvalsRequired}; traffic stays on blue until the policy is met`;
      return ok(c, waiting, { deploymentId: id, message: waiting, activeService: 'blue' as const, ...approvals }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/deploy/{id}/rollback',
      tags: ['Deployment'],
      summary:
        "Roll back: before the switch, stop with auto-rollback; after completion, undo the service's current release by redeploying the task definition it replaced",
      description:
        "Only the service's current release can be undone: any other completed deployment, or a rollback deployment, is 400 naming the current release (`currentDeploymentId`); going back further is a new deployment through the gate (POST /api/v1/deploy/{id}/redeploy). Who may roll back, and whether a reason is required, is the service's approval policy (403 / 400). A rollback is allowed during a freeze and recorded with it. A deployment that has already ended without completing (FAILED, ROLLED_BACK) is 400 with why; an unknown id is 404.",
      security,
      middleware: [deps.auth('approver'), emptyJsonBodyAsObject] as const,
      request: { params: DeploymentIdParam, body: { required: false, content: { 'application/json': { schema: RollbackRequestSchema } } } },
      responses: { 200: jsonResponse(envelopes.rollback, 'Rolling back'), ...errorResponses(400, 401, 403, 404, 409, 503) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { label, person, role } = c.get('principal');
      const { reason } = c.req.valid('json') ?? {};
      const { rollbackDeploymentId } = await deployments.rollback(id, {
        by: label,
        via: 'api',
        role,
        ...(person ? { person } : {}),
        ...(reason ? { reason } : {}),
      });
      const message = rollbackDeploymentId
        ? `Redeploying the previous task definition as ${rollbackDeploymentId}`
        : 'Stopping the deployment; CodeDeploy rolls back to blue';
      return ok(c, '롤백이 시작되었습니다.', { deploymentId: id, message, rollbackDeploymentId });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/deploy/{id}/redeploy',
      tags: ['Deployment'],
      summary:
        'Deploy again the version an earlier deployment deployed (its commit when known): the way back to an older release, through the gate',
      description:
        "A new deployment like POST /api/v1/deploy, with the earlier deployment's repository, target and version: the freezes, the approval policy and one-deployment-per-service apply. A deployment of a branch head with no recorded commit is 400.",
      security,
      middleware: [deps.auth('deployer', 'start')] as const,
      request: { params: DeploymentIdParam },
      responses: {
        200: jsonResponse(envelopes.deploy, 'Started'),
        202: jsonResponse(envelopes.deploy, 'Queued behind the running deployment of the same service'),
        ...errorResponses(400, 401, 403, 404, 409, 423, 503),
      },
    }),
    async (c) => {
      const { label, person } = c.get('principal');
      return deployAnswer(c, await deployments.redeploy(c.req.valid('param').id, { by: label, person }));
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/deploy/{id}/result',
      tags: ['Deployment'],
      summary: '배포 최종 결과 조회',
      security,
      middleware: [deps.auth('viewer')] as const,
      request: { params: DeploymentIdParam },
      responses: { 200: jsonResponse(envelopes.result, 'Result'), ...errorResponses(400, 401, 403, 503) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      try {
        // At the gate, the watch's latest windows come from its heartbeat (no query of their own).
        const { snapshot, windows } = await results.read(id);
        return ok(c, '배포 결과 조회 성공', toDeploymentResult(snapshot, windows));
      } catch (error) {
        // The Panda deploy API answers an unknown id here with 400 "Deployment result not found".
        if (error instanceof ApiError && error.status === 404)
          throw new ApiError(400, `Deployment result not found: ${id}`, {}, DEPLOYMENT_ERROR);
        throw error;
      }
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/deployments',
      tags: ['Deployment'],
      summary: 'List deployments (Temporal visibility), filtered by status, service, repository',
      security,
      middleware: [deps.auth('viewer')] as const,
      request: { query: DeploymentsQuerySchema },
      responses: { 200: jsonResponse(envelopes.list, 'Deployments'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => ok(c, '배포 목록 조회 성공', { deployments: await deployments.list(c.req.valid('query')) }),
  );
}

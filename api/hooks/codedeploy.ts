// POST /api/v1/hooks/codedeploy: the AfterAllowTestTraffic hook Lambda forwards CodeDeploy's event
// here. Switchyard finds the deployment workflow by its CodeDeployDeploymentId search attribute
// and hands the hook to it (testTrafficHook update): the workflow records it, posts the seed's
// "ECS 배포: 테스트 대기 중" notice and reports the hook Succeeded — exactly once per hook execution,
// because the workflow's own state is the record. A repeat (Lambda retry, another API replica)
// answers 200 with alreadyReported: true and does nothing again.
//
// The AWS connection that answers CodeDeploy is the deployment's own (read from the workflow's
// start input: ids only, no secrets), unless CODEDEPLOY_HOOK_AWS_CONNECTION_ID overrides it.
// A deployment that has already ended stopped its CodeDeploy deployment; its hook is answered here.
import { awsCredentials, roleSessionName, type AwsCredentialIdentityProvider } from '../../common/aws-credentials.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { CodeDeployClient, LifecycleEventAlreadyCompletedException, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { MiddlewareHandler } from 'hono';
import type { ConnectionStore } from '../../common/connection-store.js';
import type { Logger } from '../../common/logger.js';
import type { SlackConfig } from '../../common/slack-config.js';
import { testTrafficHookUpdate } from '../../workflows/deployment/hook-messages.js';
import type { DeploymentInput } from '../../workflows/deployment/types.js';
import type { SwitchyardEnv } from '../auth.js';
import { ok } from '../envelope.js';
import { ApiError, errorResponse } from '../errors.js';
import { envelopeSchema, errorResponses, PandaErrorSchema } from '../openapi-schemas.js';

export const HOOK_SECRET_HEADER = 'X-Switchyard-Hook-Secret';
const HOOK_ERROR = 'Hook Error';

export interface HookRouteDeps {
  client: Client;
  connections: ConnectionStore;
  config: Pick<SlackConfig, 'hook'>;
  awsEndpoint: string | undefined;
  /** Who assumes role connections' roles (the default provider chain when absent). */
  baseAwsCredentials?: AwsCredentialIdentityProvider | undefined;
  logger: Logger;
  /** How long to wait for the deployment to show in Temporal visibility (it is indexed just after CreateDeployment). Default 10 s. */
  lookupTimeoutMs?: number;
}

export const CodeDeployHookEventSchema = z
  .object({
    DeploymentId: z.string().regex(/^d-[A-Z0-9]{9}$/, 'must be a CodeDeploy deployment id (d-XXXXXXXXX)').openapi({ example: 'd-ABCXYZ123' }),
    LifecycleEventHookExecutionId: z.string().min(1).max(2048).openapi({ example: 'eyJlbmNyeXB0ZWREYXRhIjoi...' }),
  })
  .passthrough()
  .openapi('CodeDeployHookEvent', { description: 'The event CodeDeploy passes to a lifecycle hook Lambda' });

const HookResultSchema = envelopeSchema(z.object({
  deploymentId: z.string(),
  codeDeployDeploymentId: z.string(),
  lifecycleEventHookExecutionId: z.string(),
  status: z.literal('Succeeded'),
  alreadyReported: z.boolean().openapi({ description: 'True when this hook execution had been reported before: nothing was done again' }),
})).openapi('CodeDeployHookResult');

interface HookOutcome {
  deploymentId: string;
  codeDeployDeploymentId: string;
  lifecycleEventHookExecutionId: string;
  status: 'Succeeded';
  alreadyReported: boolean;
}

function sameSecret(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  // Digests have equal lengths, so timingSafeEqual compares without leaking the secret's length.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function registerCodeDeployHookRoutes(app: OpenAPIHono<SwitchyardEnv>, deps: HookRouteDeps): void {
  const logger = deps.logger.child({ component: 'codedeploy-hook' });
  const lookupTimeoutMs = deps.lookupTimeoutMs ?? 10_000;

  app.openAPIRegistry.registerComponent('securitySchemes', 'hookSecret', {
    type: 'apiKey', in: 'header', name: HOOK_SECRET_HEADER, description: 'CODEDEPLOY_HOOK_SECRET, shared with the hook Lambda',
  });

  const requireHookSecret: MiddlewareHandler = async (c, next) => {
    const secret = deps.config.hook.secret;
    if (!secret) return errorResponse(c, 503, 'The CodeDeploy hook is not configured: set CODEDEPLOY_HOOK_SECRET', {}, HOOK_ERROR);
    if (!sameSecret(c.req.header(HOOK_SECRET_HEADER), secret)) {
      logger.warn('CodeDeploy hook call with a missing or wrong secret');
      return errorResponse(c, 401, `Missing or invalid ${HOOK_SECRET_HEADER} header`);
    }
    await next();
  };

  async function findWorkflow(codeDeployDeploymentId: string): Promise<string> {
    const query = `CodeDeployDeploymentId = '${codeDeployDeploymentId}'`;
    const deadline = Date.now() + lookupTimeoutMs;
    for (;;) {
      let closed: string | undefined;
      for await (const execution of deps.client.workflow.list({ query, pageSize: 10 })) {
        if (execution.status.name === 'RUNNING') return execution.workflowId;
        closed ??= execution.workflowId;
      }
      if (closed) return closed;
      if (Date.now() >= deadline) {
        throw new ApiError(404, `No Switchyard deployment has CodeDeploy deployment ${codeDeployDeploymentId}`, { codeDeployDeploymentId }, HOOK_ERROR);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function startInput(workflowId: string): Promise<DeploymentInput> {
    const response = await deps.client.workflowService.getWorkflowExecutionHistory({
      namespace: deps.client.options.namespace, execution: { workflowId }, maximumPageSize: 1,
    });
    const payload = response.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    if (!payload) throw new ApiError(502, `The start input of ${workflowId} cannot be read`, { deploymentId: workflowId }, HOOK_ERROR);
    return defaultPayloadConverter.fromPayload<DeploymentInput>(payload);
  }

  /** For a deployment that has ended only: a running one answers its hooks itself. */
  async function reportSucceeded(awsConnectionId: string, codeDeployDeploymentId: string, hookExecutionId: string, deploymentId: string): Promise<boolean> {
    const aws = await deps.connections.awsSecret(awsConnectionId);
    if (!aws) throw new ApiError(502, `AWS connection ${awsConnectionId} of ${deploymentId} not found: the hook cannot be reported`, { deploymentId }, HOOK_ERROR);
    const codedeploy = new CodeDeployClient({
      region: aws.connection.region, credentials: awsCredentials(aws, { endpoint: deps.awsEndpoint, baseCredentials: deps.baseAwsCredentials }, roleSessionName(deploymentId)), maxAttempts: 3, ...(deps.awsEndpoint ? { endpoint: deps.awsEndpoint } : {}),
    });
    try {
      await codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId: codeDeployDeploymentId, lifecycleEventHookExecutionId: hookExecutionId, status: 'Succeeded',
      }));
      return false;
    } catch (error) {
      // Reported already (by the workflow, or another replica): the outcome we want.
      if (error instanceof LifecycleEventAlreadyCompletedException) return true;
      const name = error instanceof Error ? error.name : 'Error';
      logger.error({ err: error, deploymentId, codeDeployDeploymentId }, 'PutLifecycleEventHookExecutionStatus failed');
      throw new ApiError(502, `CodeDeploy refused the hook status: ${name}`, { deploymentId, codeDeployDeploymentId }, HOOK_ERROR);
    } finally {
      codedeploy.destroy();
    }
  }

  async function handle(codeDeployDeploymentId: string, hookExecutionId: string): Promise<HookOutcome> {
    const deploymentId = await findWorkflow(codeDeployDeploymentId);
    const input = await startInput(deploymentId);
    const awsConnectionId = deps.config.hook.awsConnectionId ?? input.awsConnectionId;
    const outcome = { deploymentId, codeDeployDeploymentId, lifecycleEventHookExecutionId: hookExecutionId, status: 'Succeeded' as const };
    try {
      const { alreadyReported } = await deps.client.workflow.getHandle(deploymentId).executeUpdate(testTrafficHookUpdate, {
        args: [{ codeDeployDeploymentId, hookExecutionId, awsConnectionId }],
      });
      logger.info({ deploymentId, codeDeployDeploymentId, alreadyReported }, 'AfterAllowTestTraffic hook handed to the deployment');
      return { ...outcome, alreadyReported };
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        logger.error({ err: error.cause, deploymentId, codeDeployDeploymentId }, 'the deployment could not answer the hook');
        throw new ApiError(502, `CodeDeploy refused the hook status: ${error.cause?.message ?? 'unknown'}`, { deploymentId, codeDeployDeploymentId }, HOOK_ERROR);
      }
      if (!(error instanceof WorkflowNotFoundError) && !/already completed/i.test((error as Error).message ?? '')) throw error;
    }
    logger.warn({ deploymentId }, 'test traffic hook for a deployment that has ended: answered here');
    const alreadyReported = await reportSucceeded(awsConnectionId, codeDeployDeploymentId, hookExecutionId, deploymentId);
    return { ...outcome, alreadyReported };
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/hooks/codedeploy',
      tags: ['Hooks'],
      summary: 'AfterAllowTestTraffic: signal the deployment, notify Slack, report the hook Succeeded (once per hook execution)',
      security: [{ hookSecret: [] }],
      middleware: [requireHookSecret] as const,
      request: { body: { required: true, content: { 'application/json': { schema: CodeDeployHookEventSchema } } } },
      responses: {
        200: { description: 'Reported (or reported before)', content: { 'application/json': { schema: HookResultSchema } } },
        ...errorResponses(400, 401, 404, 500, 503),
        502: { description: 'CodeDeploy or the connection store refused', content: { 'application/json': { schema: PandaErrorSchema } } },
      },
    }),
    async (c) => {
      const event = c.req.valid('json');
      const outcome = await handle(event.DeploymentId, event.LifecycleEventHookExecutionId);
      return ok(c, outcome.alreadyReported ? 'Lifecycle hook already reported' : 'Lifecycle hook reported Succeeded', outcome, 200);
    },
  );
}

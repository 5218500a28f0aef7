// POST /api/v1/hooks/codedeploy: the AfterAllowTestTraffic hook Lambda forwards CodeDeploy's event
// here. Switchyard finds the deployment workflow by its CodeDeployDeploymentId search attribute,
// signals it (testTrafficReady), posts the seed's "ECS 배포: 테스트 대기 중" notice to Slack and
// reports the hook Succeeded — exactly once per hook execution: a repeated call (Lambda retry,
// second replica of the forwarder) answers 200 without reporting again.
//
// Credentials for PutLifecycleEventHookExecutionStatus: the deployment's own AWS connection,
// read from the workflow's start input (first history event: ids only, no secrets), so each
// deployment reports into its own account. CODEDEPLOY_HOOK_AWS_CONNECTION_ID overrides it.
import { createHash, timingSafeEqual } from 'node:crypto';
import { CodeDeployClient, LifecycleEventAlreadyCompletedException, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { WebClient } from '@slack/web-api';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { MiddlewareHandler } from 'hono';
import type { ConnectionStore } from '../../common/connection-store.js';
import type { Logger } from '../../common/logger.js';
import type { SlackConfig } from '../../common/slack-config.js';
import { testTrafficReadySignal } from '../../workflows/deployment/hook-messages.js';
import type { DeploymentInput } from '../../workflows/deployment/types.js';
import type { SwitchyardEnv } from '../auth.js';
import { ok } from '../envelope.js';
import { ApiError, errorResponse } from '../errors.js';
import { envelopeSchema, errorResponses, PandaErrorSchema } from '../openapi-schemas.js';
import { waitingForTestMessage } from '../../common/slack-blocks.js';

export const HOOK_SECRET_HEADER = 'X-Switchyard-Hook-Secret';
const HOOK_ERROR = 'Hook Error';

export interface HookRouteDeps {
  client: Client;
  connections: ConnectionStore;
  /** Posts the "waiting for test" notice; undefined (or no SLACK_CHANNEL_ID) skips it. */
  slack: WebClient | undefined;
  config: Pick<SlackConfig, 'hook' | 'channelId' | 'gifs'>;
  awsEndpoint: string | undefined;
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
  /** Hook executions handled (or being handled) by this process: the once-only guarantee. */
  const handled = new Map<string, Promise<HookOutcome>>();
  const MAX_REMEMBERED = 10_000;

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

  async function reportSucceeded(awsConnectionId: string, codeDeployDeploymentId: string, hookExecutionId: string, deploymentId: string): Promise<void> {
    const aws = deps.connections.awsSecret(awsConnectionId);
    if (!aws) throw new ApiError(502, `AWS connection ${awsConnectionId} of ${deploymentId} not found: the hook cannot be reported`, { deploymentId }, HOOK_ERROR);
    const codedeploy = new CodeDeployClient({
      region: aws.connection.region, credentials: aws.secret, maxAttempts: 3, ...(deps.awsEndpoint ? { endpoint: deps.awsEndpoint } : {}),
    });
    try {
      await codedeploy.send(new PutLifecycleEventHookExecutionStatusCommand({
        deploymentId: codeDeployDeploymentId, lifecycleEventHookExecutionId: hookExecutionId, status: 'Succeeded',
      }));
    } catch (error) {
      // Reported already (by another replica, or before this process restarted): the outcome we want.
      if (error instanceof LifecycleEventAlreadyCompletedException) return;
      const name = error instanceof Error ? error.name : 'Error';
      logger.error({ err: error, deploymentId, codeDeployDeploymentId }, 'PutLifecycleEventHookExecutionStatus failed');
      throw new ApiError(502, `CodeDeploy refused the hook status: ${name}`, { deploymentId, codeDeployDeploymentId }, HOOK_ERROR);
    } finally {
      codedeploy.destroy();
    }
  }

  async function postNotice(input: DeploymentInput, codeDeployDeploymentId: string): Promise<void> {
    if (!deps.slack || !deps.config.channelId) return;
    const gif = deps.config.gifs.waiting ?? deps.config.gifs.success;
    const content = waitingForTestMessage({
      deploymentId: input.deploymentId, codeDeployDeploymentId, testUrl: input.target.greenUrl, ...(gif ? { gif } : {}),
    });
    try {
      await deps.slack.chat.postMessage({ channel: deps.config.channelId, text: content.text, blocks: content.blocks, unfurl_links: false });
    } catch (error) {
      // The notice is a courtesy: CodeDeploy must still hear back, or it fails the deployment in an hour.
      logger.warn({ err: error, deploymentId: input.deploymentId }, 'Slack notice for the test traffic hook failed');
    }
  }

  async function handle(codeDeployDeploymentId: string, hookExecutionId: string): Promise<HookOutcome> {
    const workflowId = await findWorkflow(codeDeployDeploymentId);
    const input = await startInput(workflowId);
    try {
      await deps.client.workflow.getHandle(workflowId).signal(testTrafficReadySignal, { codeDeployDeploymentId, hookExecutionId });
    } catch (error) {
      // A deployment that has already ended stopped its CodeDeploy deployment; the hook is still answered.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      logger.warn({ deploymentId: workflowId }, 'test traffic hook for a deployment that has ended');
    }
    await postNotice(input, codeDeployDeploymentId);
    await reportSucceeded(deps.config.hook.awsConnectionId ?? input.awsConnectionId, codeDeployDeploymentId, hookExecutionId, workflowId);
    logger.info({ deploymentId: workflowId, codeDeployDeploymentId }, 'AfterAllowTestTraffic hook reported Succeeded');
    return { deploymentId: workflowId, codeDeployDeploymentId, lifecycleEventHookExecutionId: hookExecutionId, status: 'Succeeded' };
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
      const key = event.LifecycleEventHookExecutionId;
      const earlier = handled.get(key);
      if (earlier) {
        const outcome = await earlier;
        return ok(c, 'Lifecycle hook already reported', { ...outcome, alreadyReported: true }, 200);
      }
      const running = handle(event.DeploymentId, key);
      handled.set(key, running);
      if (handled.size > MAX_REMEMBERED) handled.delete(handled.keys().next().value!);
      try {
        const outcome = await running;
        return ok(c, 'Lifecycle hook reported Succeeded', { ...outcome, alreadyReported: false }, 200);
      } catch (error) {
        // Not reported: a retry of the Lambda may try again.
        handled.delete(key);
        throw error;
      }
    },
  );
}

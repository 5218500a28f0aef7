// POST /api/v1/hooks/ecs: the hook Lambda forwards ECS's lifecycle hook payload here at
// POST_TEST_TRAFFIC_SHIFT (an ECS-native release), authenticated by the same shared secret as the
// CodeDeploy door; EcsHookService does the rest.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { SwitchyardEnv } from '../auth.js';
import { ok } from '../envelope.js';
import { envelopeSchema, errorResponses } from '../openapi-schemas.js';
import { EcsHookService, type EcsHookServiceDeps } from './ecs-hook-service.js';
import { requireHookSecret } from './hook-secret.js';

const PARTITION_REGION_ACCOUNT = String.raw`arn:aws[a-zA-Z-]*:ecs:[a-z0-9-]+:\d{12}`;
const NAME = '[A-Za-z0-9_-]{1,255}';
const SERVICE_DEPLOYMENT_ARN = new RegExp(`^(${PARTITION_REGION_ACCOUNT}):service-deployment/(${NAME})/(${NAME})/[A-Za-z0-9]{1,64}$`);
const SERVICE_ARN = new RegExp(`^(${PARTITION_REGION_ACCOUNT}):service/(${NAME})/(${NAME})$`);

export const EcsHookPayloadSchema = z
  .object({
    executionId: z.string().min(1).max(2048).openapi({ description: "The hook run's id (ECS re-invokes with the same one)" }),
    lifecycleStage: z.literal('POST_TEST_TRAFFIC_SHIFT').openapi({
      description: 'The "waiting for test" notice belongs to POST_TEST_TRAFFIC_SHIFT only; the Lambda answers other stages itself',
    }),
    resourceArn: z
      .string()
      .regex(SERVICE_DEPLOYMENT_ARN, 'must be an ECS service deployment ARN')
      .openapi({ example: 'arn:aws:ecs:ap-northeast-2:123456789012:service-deployment/prod/payments/Ab12Cd34Ef56Gh78Ij90K' }),
    executionDetails: z
      .object({
        serviceArn: z
          .string()
          .regex(SERVICE_ARN, 'must be an ECS service ARN (arn:aws:ecs:<region>:<account>:service/<cluster>/<service>)'),
      })
      .passthrough(),
  })
  .passthrough()
  .refine(
    ({ resourceArn, executionDetails }) => {
      const [, where, cluster, service] = SERVICE_DEPLOYMENT_ARN.exec(resourceArn) ?? [];
      return `${where}:service/${cluster}/${service}` === executionDetails.serviceArn;
    },
    {
      message: "resourceArn must be a deployment of executionDetails.serviceArn (another service's deployment is refused)",
      path: ['resourceArn'],
    },
  )
  .openapi('EcsHookPayload', { description: 'The payload ECS passes to a Lambda lifecycle hook, as the hook Lambda forwards it' });

const EcsHookResultSchema = envelopeSchema(
  z.object({
    deploymentId: z.string(),
    serviceDeploymentArn: z.string(),
    executionId: z.string(),
    hookStatus: z.literal('SUCCEEDED').openapi({ description: 'What the Lambda answers ECS' }),
    alreadyRecorded: z
      .boolean()
      .openapi({ description: 'True when the deployment had recorded its test traffic before: nothing was done again' }),
  }),
).openapi('EcsHookResult');

export function registerEcsHookRoutes(
  app: OpenAPIHono<SwitchyardEnv>,
  deps: EcsHookServiceDeps & Parameters<typeof requireHookSecret>[0],
): void {
  const service = new EcsHookService(deps);
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/hooks/ecs',
      tags: ['Hooks'],
      summary: 'ECS POST_TEST_TRAFFIC_SHIFT Lambda hook: record "waiting for test" and notify Slack (once per deployment)',
      description:
        'A 2xx means the Lambda answers ECS hookStatus SUCCEEDED; a 4xx is a definite refusal (FAILED: ECS rolls back); a 5xx, 408 or 429 means try again (IN_PROGRESS with callBackDelay)',
      security: [{ hookSecret: [] }],
      middleware: [requireHookSecret(deps, 'ecs-hook')] as const,
      request: { body: { required: true, content: { 'application/json': { schema: EcsHookPayloadSchema } } } },
      responses: {
        200: { description: 'Recorded (or recorded before)', content: { 'application/json': { schema: EcsHookResultSchema } } },
        ...errorResponses(400, 401, 404, 409, 500, 503),
      },
    }),
    async (c) => {
      const payload = c.req.valid('json');
      const outcome = await service.report(payload.resourceArn, payload.executionId);
      return ok(c, outcome.alreadyRecorded ? 'Test traffic already recorded' : 'Test traffic recorded', outcome, 200);
    },
  );
}

// POST /api/v1/hooks/codedeploy: the AfterAllowTestTraffic hook Lambda forwards CodeDeploy's event
// here, authenticated by a shared secret; CodeDeployHookService does the rest.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { SwitchyardEnv } from '../auth.js';
import { ok } from '../envelope.js';
import { envelopeSchema, errorResponses, PandaErrorSchema } from '../openapi-schemas.js';
import { CodeDeployHookService, type HookServiceDeps } from './hook-service.js';
import { HOOK_SECRET_HEADER, requireHookSecret } from './hook-secret.js';

export { HOOK_SECRET_HEADER };

export const CodeDeployHookEventSchema = z
  .object({
    DeploymentId: z
      .string()
      .regex(/^d-[A-Z0-9]{9}$/, 'must be a CodeDeploy deployment id (d-XXXXXXXXX)')
      .openapi({ example: 'd-ABCXYZ123' }),
    LifecycleEventHookExecutionId: z.string().min(1).max(2048).openapi({ example: 'eyJlbmNyeXB0ZWREYXRhIjoi...' }),
    SwitchyardDeploymentId: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,128}$/, 'must be a Switchyard deployment id')
      .optional()
      .openapi({
        example: 'dep_k3m9x2p7qa',
        description:
          "Added by Switchyard's hook Lambda: the deployment named in the CodeDeploy deployment's description. The workflow is then addressed by its id, not found through visibility",
      }),
  })
  .passthrough()
  .openapi('CodeDeployHookEvent', { description: 'The event CodeDeploy passes to a lifecycle hook Lambda' });

const HookResultSchema = envelopeSchema(
  z.object({
    deploymentId: z.string(),
    codeDeployDeploymentId: z.string(),
    lifecycleEventHookExecutionId: z.string(),
    status: z.literal('Succeeded'),
    alreadyReported: z.boolean().openapi({ description: 'True when this hook execution had been reported before: nothing was done again' }),
  }),
).openapi('CodeDeployHookResult');

export function registerCodeDeployHookRoutes(app: OpenAPIHono<SwitchyardEnv>, deps: HookServiceDeps): void {
  const service = new CodeDeployHookService(deps);

  app.openAPIRegistry.registerComponent('securitySchemes', 'hookSecret', {
    type: 'apiKey',
    in: 'header',
    name: HOOK_SECRET_HEADER,
    description: 'CODEDEPLOY_HOOK_SECRET, shared with the hook Lambda',
  });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/hooks/codedeploy',
      tags: ['Hooks'],
      summary: 'AfterAllowTestTraffic: signal the deployment, notify Slack, report the hook Succeeded (once per hook execution)',
      security: [{ hookSecret: [] }],
      middleware: [requireHookSecret(deps, 'codedeploy-hook')] as const,
      request: { body: { required: true, content: { 'application/json': { schema: CodeDeployHookEventSchema } } } },
      responses: {
        200: { description: 'Reported (or reported before)', content: { 'application/json': { schema: HookResultSchema } } },
        ...errorResponses(400, 401, 404, 409, 500, 503),
        502: { description: 'CodeDeploy or the connection store refused', content: { 'application/json': { schema: PandaErrorSchema } } },
      },
    }),
    async (c) => {
      const event = c.req.valid('json');
      const outcome = await service.report(event.DeploymentId, event.LifecycleEventHookExecutionId, event.SwitchyardDeploymentId);
      return ok(c, outcome.alreadyReported ? 'Lifecycle hook already reported' : 'Lifecycle hook reported Succeeded', outcome, 200);
    },
  );
}

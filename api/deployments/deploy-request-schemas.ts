// Why: what a deploy, switch or rollback request may carry, as zod (validation, types and OpenAPI in one).
import { z } from '@hono/zod-openapi';
import { boundedText } from '../bounded-input.js';
import { BUILDERS } from '../../domain/deployment.js';
import { ReleaseStrategySchema } from '../../domain/release-strategy.js';
import { iamRoleArn } from '../../domain/ecs-lambda-hook.js';

/** A GitHub owner or repository name. */
export const githubName = (example: string, description: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only')
    .openapi({ example, description });

/** ECS: "up to 255 letters, numbers, underscores and hyphens", or the resource's ARN. */
const ecsName = (resource: 'cluster' | 'service') =>
  z
    .string()
    .max(600)
    .regex(
      new RegExp(`^(arn:aws[a-zA-Z-]*:ecs:[a-z0-9-]+:\\d{12}:${resource}/([A-Za-z0-9_-]{1,255}/)?)?[A-Za-z0-9_-]{1,255}$`),
      `must be an ECS ${resource} name (up to 255 letters, digits, "_" and "-") or its ARN`,
    );

export const DeployTargetOverrideSchema = z
  .object({
    // AWS's own limits: ECS cluster/service names and ARNs, CodeDeploy names (100), ECR names (256).
    cluster: ecsName('cluster').openapi({ description: 'ECS cluster name or ARN' }),
    service: ecsName('service').openapi({ description: 'ECS service name or ARN' }),
    codeDeployApplication: boundedText(100),
    codeDeployGroup: boundedText(100),
    containerName: boundedText(255),
    containerPort: z.number().int().min(1).max(65535),
    ecrRepository: z
      .string()
      .max(256)
      .regex(/^[a-z0-9][a-z0-9._/-]*$/),
    blueUrl: z.url().max(2048),
    greenUrl: z.url().max(2048),
    buildWorkflow: boundedText(255),
    hookRoleArn: iamRoleArn.meta({
      example: 'arn:aws:iam::123456789012:role/ecsLambdaHookRole',
      description:
        'ECS-native services only: the IAM role ECS assumes to invoke the configured hook function (DEPLOY_HOOK_FUNCTION, a Lambda ARN) at POST_TEST_TRAFFIC_SHIFT. Defaults to DEPLOY_HOOK_ROLE_ARN; CodeDeploy services ignore it',
    }),
    strategy: ReleaseStrategySchema.meta({
      description:
        "How traffic moves after the gate: blueGreen (all at once, the default), canary, linear or explicit steps. Overrides the service's policy; the service's engine (ECS deploymentController) must support it, or the request is refused with a 400 naming the rule",
    }),
  })
  .partial()
  .openapi('DeployTarget', { description: 'Where to deploy; every field defaults from configuration' });

export const DeployRequestSchema = z
  .object({
    githubConnectionId: z
      .string()
      .regex(/^gh_[a-z0-9]{10}$/, 'must be a GitHub connection id (gh_…)')
      .openapi({ example: 'gh_a1b2c3d4e5' }),
    awsConnectionId: z
      .string()
      .regex(/^aws_[a-z0-9]{10}$/, 'must be an AWS connection id (aws_…)')
      .openapi({ example: 'aws_f6g7h8i9j0' }),
    owner: githubName('your-org', 'GitHub organization or user'),
    repo: githubName('your-repo', 'GitHub repository'),
    branch: boundedText(255).openapi({ example: 'main' }),
    version: boundedText(255)
      .optional()
      .openapi({ example: 'v1.2.3', description: 'Tag or commit to deploy; the branch head when omitted' }),
    target: DeployTargetOverrideSchema.optional(),
    builder: z.enum(BUILDERS).optional(),
  })
  .openapi('DeployRequest');

export const DeploymentIdParam = z.object({
  id: boundedText(128).openapi({ param: { name: 'id', in: 'path' }, example: 'dep_k1l2m3n4o5' }),
});

export const SwitchRequestSchema = z
  .object({
    reason: z.string().min(1).max(500).optional().openapi({ description: 'Recorded with the approval' }),
    override: z.boolean().optional().openapi({ description: 'Admin only: switch although a freeze covers the service (recorded)' }),
  })
  .strict()
  .openapi('SwitchRequest');

export const RollbackRequestSchema = z
  .object({
    reason: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .openapi({ description: "Why: recorded with the rollback; required where the service's policy says rollbackReasonRequired" }),
  })
  .strict()
  .openapi('RollbackRequest');

export type DeployRequest = z.infer<typeof DeployRequestSchema>;

// The Panda deploy API's request and response shapes, as zod: validation, types and OpenAPI in one.
import { z } from '@hono/zod-openapi';
import { boundedText } from '../bounded-input.js';
import { BUILDERS, DEPLOYMENT_STATUSES, SERVICE_COLORS } from '../../domain/deployment.js';
import { ReleaseStepSchema, ReleaseStrategySchema, type ReleaseStrategyType } from '../../domain/release-strategy.js';
import { envelopeSchema } from '../openapi-schemas.js';

const name = (example: string, description: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only')
    .openapi({ example, description });

export const ConnectGitHubRequestSchema = z
  .object({
    owner: name('your-org', 'GitHub organization or user'),
    repo: name('your-repo', 'GitHub repository'),
    branch: z.string().min(1).max(255).openapi({ example: 'main' }),
    token: z.string().min(1).max(500).openapi({
      example: 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      description: 'GitHub Personal Access Token (stored encrypted, never returned)',
    }),
  })
  .openapi('ConnectGitHubRequest');

const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as ap-northeast-2')
  .openapi({ example: 'ap-northeast-2' });

export const ConnectAwsKeysRequestSchema = z
  .strictObject({
    region: awsRegion,
    accessKeyId: z.string().min(16).max(128).openapi({ example: 'AKIAIOSFODNN7EXAMPLE' }),
    secretAccessKey: z.string().min(1).max(256).openapi({ example: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }),
    sessionToken: z.string().max(4096).optional().openapi({ example: '' }),
  })
  .openapi('ConnectAwsKeysRequest', { description: 'Static access keys (stored encrypted, never returned)' });

export const ConnectAwsRoleRequestSchema = z
  .strictObject({
    region: awsRegion,
    roleArn: z
      .string()
      .min(20)
      .max(2048)
      .regex(
        /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
        'must be an IAM role ARN such as arn:aws:iam::123456789012:role/switchyard-deploy',
      )
      .openapi({
        example: 'arn:aws:iam::123456789012:role/switchyard-deploy',
        description: 'The role the worker assumes (sts:AssumeRole from its own credentials) for every AWS call',
      }),
    externalId: z
      .string()
      .min(2)
      .max(1224)
      .regex(/^[\w+=,.@:/-]+$/, 'letters, digits and +=,.@:/- only')
      .optional()
      .openapi({
        example: 'switchyard-7f3a',
        description: "The sts:ExternalId the role's trust policy requires (stored encrypted, never returned)",
      }),
  })
  .openapi('ConnectAwsRoleRequest', { description: "An IAM role, assumed with the worker's default credential chain" });

/** Exactly one form: static keys, or a role (keys and roleArn together are refused). */
export const ConnectAwsRequestSchema = z
  .union([ConnectAwsKeysRequestSchema, ConnectAwsRoleRequestSchema], {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      const detail = closest.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join(', ');
      return `either static keys { region, accessKeyId, secretAccessKey, sessionToken? } or a role { region, roleArn, externalId? }${detail ? ` (${detail})` : ''}`;
    },
  })
  .openapi('ConnectAwsRequest');

export const ConnectionsSchema = z
  .object({
    github: z.array(z.object({ connectionId: z.string(), owner: z.string(), repo: z.string(), branch: z.string() })),
    aws: z.array(
      z.object({
        connectionId: z.string(),
        region: z.string(),
        roleArn: z.string().optional().openapi({ description: 'Set for a role connection; keys and the ExternalId are never shown' }),
      }),
    ),
  })
  .openapi('Connections');

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
    owner: name('your-org', 'GitHub organization or user'),
    repo: name('your-repo', 'GitHub repository'),
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

export const HealthFiguresSchema = z
  .object({
    latencyMs: z.number(),
    p50Ms: z.number().nullable(),
    p95Ms: z.number().nullable(),
    errorRate: z.number(),
    samples: z.number().int(),
  })
  .openapi('HealthFigures');

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

export const ApprovalSchema = z
  .object({
    who: z.string().openapi({ description: "The approver: an API key's label, or slack:<user id>" }),
    person: z
      .string()
      .optional()
      .openapi({ description: 'The person behind `who` (SWITCHYARD_IDENTITIES), when known: one person approves once, whichever door' }),
    via: z.enum(['api', 'slack', 'websocket', 'workflow']),
    at: z.string().openapi({ description: 'ISO-8601 with milliseconds and zone (Z)' }),
    reason: z.string().optional(),
    overrodeFreeze: z.string().optional().openapi({ description: 'The freeze an admin overrode with this approval' }),
  })
  .openapi('Approval');

export const DeploymentResultSchema = z
  .object({
    deploymentId: z.string(),
    status: z.enum(DEPLOYMENT_STATUSES),
    stage: z.number().int(),
    owner: z.string(),
    repo: z.string(),
    branch: z.string(),
    version: z.string().nullable(),
    startedAt: z.string().openapi({
      description: "The Panda deploy API's form: ISO-8601 local date-time in UTC, no fraction and no zone",
      example: '2024-01-01T12:00:00',
    }),
    completedAt: z.string().nullable().openapi({
      description: "When stage 4 finished (ready) or the deployment ended; the Panda deploy API's form, as startedAt",
      example: '2024-01-01T12:08:30',
    }),
    durationSeconds: z.number().int(),
    finalService: z.enum(SERVICE_COLORS).nullable(),
    blueUrl: z.string().nullable(),
    greenUrl: z.string().nullable(),
    errorMessage: z.string().nullable(),
    errorCode: z.string().nullable(),
    blueLatencyMs: z.number().nullable(),
    greenLatencyMs: z.number().nullable(),
    blueErrorRate: z.number().nullable(),
    greenErrorRate: z.number().nullable(),
    eventCount: z.number().int(),
    approvedBy: z.string().nullable(),
    decidedVia: z.string().nullable(),
    imageUri: z.string().nullable(),
    taskDefinitionArn: z.string().nullable(),
    codeDeployDeploymentId: z.string().nullable(),
    rollbackOf: z.string().nullable(),
    blueServiceArn: z
      .string()
      .nullable()
      .openapi({ description: 'ECS task set ARN of blue (production before the switch), from CodeDeploy' }),
    greenServiceArn: z.string().nullable().openapi({ description: 'ECS task set ARN of green (the replacement), from CodeDeploy' }),
    decidedAt: z.string().nullable().openapi({
      description: 'When the switch/rollback decision was taken. Not a Panda field: ISO-8601 with milliseconds and zone (Z)',
      example: '2024-01-01T12:08:45.123Z',
    }),
  })
  .extend({
    commitSha: z.string().nullable().openapi({
      description:
        'The commit built: the version or branch resolved to a full SHA, on the branch or a tag of the repository (not a Panda field)',
    }),
    imageDigest: z
      .string()
      .nullable()
      .openapi({ description: "The image's ECR digest (sha256:…); imageUri names the image by it (not a Panda field)" }),
    approvals: z.array(ApprovalSchema).openapi({ description: 'Approvals given at the gate, in order (not a Panda field)' }),
    approvalsRequired: z
      .number()
      .int()
      .min(1)
      .openapi({ description: "How many distinct approvals the service's policy needs before traffic switches" }),
    evidence: z
      .object({
        blue: HealthFiguresSchema.nullable(),
        green: HealthFiguresSchema.nullable(),
        testTrafficSince: z.string().nullable().openapi({ description: 'Since when green has served the test listener (ISO-8601, Z)' }),
        watch: z
          .array(z.object({ at: z.string(), blue: HealthFiguresSchema, green: HealthFiguresSchema, breach: z.string().nullable() }))
          .openapi({ description: "The watched hold's latest windows while the gate is open (its activity's heartbeat); empty otherwise" }),
      })
      .openapi({ description: 'Green against blue at the gate: what an approver decides on (not a Panda field)' }),
    // A progressive release's plan and progress; absent for the Panda deploy API's blue/green on CodeDeploy.
    strategy: z
      .enum(['blueGreen', 'canary', 'linear', 'steps'] as const satisfies readonly ReleaseStrategyType[])
      .optional()
      .openapi({ description: 'The release strategy (not a Panda field; absent: blue/green on CodeDeploy)' }),
    steps: z.array(ReleaseStepSchema).optional().openapi({
      description: 'Production weights after the gate, in order, ending at 100; a pause holds after its shift (not a Panda field)',
    }),
    currentStep: z
      .number()
      .int()
      .min(0)
      .optional()
      .openapi({ description: 'Steps done so far: steps[currentStep] is the next shift (not a Panda field)' }),
    trafficWeight: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .openapi({ description: 'Production traffic on green now, in % (not a Panda field)' }),
    bakeEndsAt: z
      .string()
      .optional()
      .openapi({ description: "When the current step's timed pause ends, while one runs (ISO-8601, Z; not a Panda field)" }),
  })
  .openapi('DeploymentResult');

export const DeploymentListItemSchema = z
  .object({
    deploymentId: z.string(),
    status: z.string(),
    stage: z.number().int().nullable(),
    repository: z.string().nullable(),
    version: z.string().nullable(),
    service: z.string().nullable(),
    startedAt: z
      .string()
      .nullable()
      .openapi({ description: 'Not a Panda response: ISO-8601 with milliseconds and zone (Z)', example: '2024-01-01T12:00:00.000Z' }),
    closedAt: z
      .string()
      .nullable()
      .openapi({ description: 'ISO-8601 with milliseconds and zone (Z)', example: '2024-01-01T12:09:00.000Z' }),
  })
  .openapi('DeploymentListItem');

export const DeploymentsQuerySchema = z.object({
  status: z
    .enum(DEPLOYMENT_STATUSES)
    .optional()
    .openapi({ param: { name: 'status', in: 'query' } }),
  // Checked against the names' own alphabets: these values go into a visibility query.
  service: z
    .string()
    .regex(/^([A-Za-z0-9_-]{1,255}\/)?[A-Za-z0-9_-]{1,255}$/, 'must be cluster/service or service (ECS names)')
    .optional()
    .openapi({ param: { name: 'service', in: 'query' }, description: 'cluster/service or service' }),
  repository: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}\/[A-Za-z0-9._-]{1,100}$/, 'must be owner/repo (GitHub names)')
    .optional()
    .openapi({ param: { name: 'repository', in: 'query' }, description: 'owner/repo' }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: 'limit', in: 'query' } }),
});

export const envelopes = {
  connectGitHub: envelopeSchema(z.object({ githubConnectionId: z.string() })),
  connectAws: envelopeSchema(z.object({ awsConnectionId: z.string() })),
  connections: envelopeSchema(ConnectionsSchema),
  deleted: envelopeSchema(z.object({ connectionId: z.string(), deleted: z.boolean() })),
  deploy: envelopeSchema(
    z.object({
      deploymentId: z.string(),
      message: z.string(),
      queued: z
        .literal(true)
        .optional()
        .openapi({ description: 'Present (202) when the deployment waits behind the running one of its service' }),
      position: z.number().int().min(1).optional().openapi({ description: "Place in the service's queue; 1 starts next" }),
      runningDeploymentId: z.string().optional().openapi({ description: 'The deployment the queue waits behind' }),
    }),
  ),
  switch: envelopeSchema(
    z.object({
      deploymentId: z.string(),
      message: z.string(),
      activeService: z
        .enum(SERVICE_COLORS)
        .openapi({ description: 'green once switching (200); blue while more approvals are needed (202)' }),
      approvals: z.array(ApprovalSchema).optional(),
      approvalsRequired: z.number().int().min(1).optional(),
    }),
  ),
  rollback: envelopeSchema(z.object({ deploymentId: z.string(), message: z.string(), rollbackDeploymentId: z.string().nullable() })),
  result: envelopeSchema(DeploymentResultSchema),
  list: envelopeSchema(z.object({ deployments: z.array(DeploymentListItemSchema) })),
};

export type DeployRequest = z.infer<typeof DeployRequestSchema>;

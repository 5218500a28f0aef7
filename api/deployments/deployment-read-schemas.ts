// Why: what reading deployments returns (a deployment's result, a list's items) and the list's query, as zod.
import { z } from '@hono/zod-openapi';
import { DEPLOYMENT_STATUSES, SERVICE_COLORS } from '../../domain/deployment.js';
import { ReleaseStepSchema, type ReleaseStrategyType } from '../../domain/release-strategy.js';

export const HealthFiguresSchema = z
  .object({
    latencyMs: z.number(),
    p50Ms: z.number().nullable(),
    p95Ms: z.number().nullable(),
    errorRate: z.number(),
    samples: z.number().int(),
  })
  .openapi('HealthFigures');

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

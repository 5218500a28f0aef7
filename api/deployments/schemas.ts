// The Panda seed's request and response shapes, as zod: validation, types and OpenAPI in one.
import { z } from '@hono/zod-openapi';
import { envelopeSchema } from '../openapi-schemas.js';

const name = (example: string, description: string) => z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only').openapi({ example, description });

export const ConnectGitHubRequestSchema = z
  .object({
    owner: name('your-org', 'GitHub organization or user'),
    repo: name('your-repo', 'GitHub repository'),
    branch: z.string().min(1).max(255).openapi({ example: 'main' }),
    token: z.string().min(1).max(500).openapi({ example: 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxx', description: 'GitHub Personal Access Token (stored encrypted, never returned)' }),
  })
  .openapi('ConnectGitHubRequest');

export const ConnectAwsRequestSchema = z
  .object({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as ap-northeast-2').openapi({ example: 'ap-northeast-2' }),
    accessKeyId: z.string().min(16).max(128).openapi({ example: 'AKIAIOSFODNN7EXAMPLE' }),
    secretAccessKey: z.string().min(1).max(256).openapi({ example: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }),
    sessionToken: z.string().max(4096).optional().openapi({ example: '' }),
  })
  .openapi('ConnectAwsRequest');

export const ConnectionsSchema = z
  .object({
    github: z.array(z.object({ connectionId: z.string(), owner: z.string(), repo: z.string(), branch: z.string() })),
    aws: z.array(z.object({ connectionId: z.string(), region: z.string() })),
  })
  .openapi('Connections');

export const DeployTargetOverrideSchema = z
  .object({
    cluster: z.string().min(1),
    service: z.string().min(1),
    codeDeployApplication: z.string().min(1),
    codeDeployGroup: z.string().min(1),
    containerName: z.string().min(1),
    containerPort: z.number().int().min(1).max(65535),
    ecrRepository: z.string().regex(/^[a-z0-9][a-z0-9._/-]*$/),
    blueUrl: z.url(),
    greenUrl: z.url(),
    buildWorkflow: z.string().min(1),
  })
  .partial()
  .openapi('DeployTarget', { description: 'Where to deploy; every field defaults from configuration' });

export const DeployRequestSchema = z
  .object({
    githubConnectionId: z.string().regex(/^gh_[a-z0-9]{10}$/, 'must be a GitHub connection id (gh_…)').openapi({ example: 'gh_a1b2c3d4e5' }),
    awsConnectionId: z.string().regex(/^aws_[a-z0-9]{10}$/, 'must be an AWS connection id (aws_…)').openapi({ example: 'aws_f6g7h8i9j0' }),
    owner: name('your-org', 'GitHub organization or user'),
    repo: name('your-repo', 'GitHub repository'),
    branch: z.string().min(1).max(255).openapi({ example: 'main' }),
    version: z.string().min(1).max(255).optional().openapi({ example: 'v1.2.3', description: 'Tag or commit to deploy; the branch head when omitted' }),
    target: DeployTargetOverrideSchema.optional(),
    builder: z.enum(['github-actions', 'docker']).optional(),
  })
  .openapi('DeployRequest');

export const DeploymentIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'dep_k1l2m3n4o5' }),
});

export const DeploymentResultSchema = z
  .object({
    deploymentId: z.string(),
    status: z.enum(['IN_PROGRESS', 'DEPLOYMENT_READY', 'SWITCHING', 'COMPLETED', 'FAILED', 'ROLLED_BACK']),
    stage: z.number().int(),
    owner: z.string(),
    repo: z.string(),
    branch: z.string(),
    version: z.string().nullable(),
    startedAt: z.string(),
    completedAt: z.string().nullable(),
    durationSeconds: z.number().int(),
    finalService: z.enum(['blue', 'green']).nullable(),
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
    startedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .openapi('DeploymentListItem');

export const DeploymentsQuerySchema = z.object({
  status: z.enum(['IN_PROGRESS', 'DEPLOYMENT_READY', 'SWITCHING', 'COMPLETED', 'FAILED', 'ROLLED_BACK']).optional().openapi({ param: { name: 'status', in: 'query' } }),
  service: z.string().optional().openapi({ param: { name: 'service', in: 'query' }, description: 'cluster/service or service' }),
  repository: z.string().optional().openapi({ param: { name: 'repository', in: 'query' }, description: 'owner/repo' }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ param: { name: 'limit', in: 'query' } }),
});

export const envelopes = {
  connectGitHub: envelopeSchema(z.object({ githubConnectionId: z.string() })),
  connectAws: envelopeSchema(z.object({ awsConnectionId: z.string() })),
  connections: envelopeSchema(ConnectionsSchema),
  deleted: envelopeSchema(z.object({ connectionId: z.string(), deleted: z.boolean() })),
  deploy: envelopeSchema(z.object({
    deploymentId: z.string(),
    message: z.string(),
    queued: z.literal(true).optional().openapi({ description: 'Present (202) when the deployment waits behind the running one of its service' }),
    position: z.number().int().min(1).optional().openapi({ description: 'Place in the service\'s queue; 1 starts next' }),
    runningDeploymentId: z.string().optional().openapi({ description: 'The deployment the queue waits behind' }),
  })),
  switch: envelopeSchema(z.object({ deploymentId: z.string(), message: z.string(), activeService: z.literal('green') })),
  rollback: envelopeSchema(z.object({ deploymentId: z.string(), message: z.string(), rollbackDeploymentId: z.string().nullable() })),
  result: envelopeSchema(DeploymentResultSchema),
  list: envelopeSchema(z.object({ deployments: z.array(DeploymentListItemSchema) })),
};

export type DeployRequest = z.infer<typeof DeployRequestSchema>;

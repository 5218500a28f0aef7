// The Panda deploy API's contract shared with api/connections: connection requests and every response envelope, as zod.
import { z } from '@hono/zod-openapi';
import { SERVICE_COLORS } from '../../domain/deployment.js';
import { envelopeSchema } from '../openapi-schemas.js';
import { githubName } from './deploy-request-schemas.js';
import { ApprovalSchema, DeploymentListItemSchema, DeploymentResultSchema } from './deployment-read-schemas.js';

export const ConnectGitHubRequestSchema = z
  .object({
    owner: githubName('your-org', 'GitHub organization or user'),
    repo: githubName('your-repo', 'GitHub repository'),
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

// Deployments: the services Switchyard reaches (GitHub, AWS), the defaults of a deployment's
// target, its timeouts and polling, health probes, and who approves a switch.
import { z } from 'zod';
import { BUILDERS, type Builder, type DeployTarget, type DeploymentLimits } from '../../domain/deployment.js';
import { lambdaFunction } from './fields.js';
import { iamRoleArn } from '../../domain/ecs-lambda-hook.js';
import { approvalPolicies, approvalPoliciesField, type ApprovalPolicies } from './approval-policies.js';
import { FORBIDDEN_PROBE_ADDRESSES, isForbiddenProbeAddress } from '../probe-addresses.js';

/** How often build runs and CodeDeploy are polled when DEPLOY_POLL_MS is unset. */
const PRODUCTION_POLL_MS = 5000;
export const SANDBOX_POLL_MS = 100;

const deploySchema = z.object({
  GITHUB_API_URL: z.url().default('https://api.github.com'),
  SWITCHYARD_AWS_ENDPOINT: z.url().optional(),
  DEPLOY_CLUSTER: z.string().min(1).optional(),
  DEPLOY_SERVICE: z.string().min(1).optional(),
  DEPLOY_CODEDEPLOY_APPLICATION: z.string().min(1).optional(),
  DEPLOY_CODEDEPLOY_GROUP: z.string().min(1).optional(),
  DEPLOY_CONTAINER_NAME: z.string().min(1).default('app'),
  DEPLOY_CONTAINER_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  DEPLOY_BLUE_URL: z.url().optional(),
  DEPLOY_GREEN_URL: z.url().optional(),
  DEPLOY_BUILD_WORKFLOW: z.string().min(1).default('switchyard-build.yml'),
  // Hosts a request's target.blueUrl/greenUrl may name (the defaults' hosts always may).
  DEPLOY_PROBE_HOSTS: z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    )
    .refine(
      (hosts) => !hosts.some((h) => isForbiddenProbeAddress(hostOf(h))),
      `must not name ${FORBIDDEN_PROBE_ADDRESSES}: probes never reach them`,
    )
    .optional(),
  // The AfterAllowTestTraffic Lambda the AppSpec names (lambda/after-allow-test-traffic), as
  // Lambda's Invoke accepts it: a name, a name:alias, or an ARN. Unset: no hook, no test-traffic notice.
  DEPLOY_HOOK_FUNCTION: lambdaFunction.optional(),
  // The role ECS assumes to invoke that function on ECS-native services (their Lambda hook's roleArn).
  DEPLOY_HOOK_ROLE_ARN: iamRoleArn.optional(),
  DEPLOY_BUILDER: z.enum(BUILDERS).default('github-actions'),
  DEPLOY_STAGE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(600),
  DEPLOY_TOTAL_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(1800),
  DEPLOY_SWITCH_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(3600),
  DEPLOY_QUEUE_CAPACITY: z.coerce.number().int().min(0).max(100).default(0),
  DEPLOY_APPROVAL_POLICIES: approvalPoliciesField.optional(),
  // Unset: 5000 ms against real services, 100 ms in sandbox mode (the emulators answer at once).
  DEPLOY_POLL_MS: z.coerce.number().int().min(10).optional(),
  DEPLOY_CALL_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(60),
  DEPLOY_HEARTBEAT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(30),
  HEALTH_PROBE_SAMPLES: z.coerce.number().int().min(1).max(100).default(5),
  HEALTH_MAX_ERROR_RATE: z.coerce.number().min(0).max(1).default(0.2),
});
export const deployFields = deploySchema.shape;
type DeployRaw = z.infer<typeof deploySchema>;

/**
 * The configured part of a deployment's target (domain/deployment.ts's DeployTarget): the fields
 * with a default are always set, the service's own may be left to the request or the sandbox.
 * ecrRepository is never configured (it defaults per repository).
 */
type TargetDefaults = Pick<DeployTarget, 'containerName' | 'containerPort' | 'buildWorkflow' | 'hookFunction' | 'hookRoleArn'> &
  Partial<Pick<DeployTarget, 'cluster' | 'service' | 'codeDeployApplication' | 'codeDeployGroup' | 'blueUrl' | 'greenUrl'>>;

export interface DeployConfig {
  githubApiUrl: string;
  awsEndpoint: string | undefined;
  /** Defaults for a deployment's target; the sandbox fills the ones left unset. */
  target: TargetDefaults;
  builder: Builder;
  /** Deployments that may wait behind a service's running one; 0 refuses them (409). */
  queueCapacity: number;
  probeHosts: string[];
  /** DEPLOY_APPROVAL_POLICIES: who approves each service's switch, and how many must. */
  approvalPolicies: ApprovalPolicies;
  limits: DeploymentLimits;
  pollMs: number;
  health: { samples: number; timeoutMs: number; maxErrorRate: number };
}

export function deployConfig(raw: DeployRaw, sandbox: boolean): DeployConfig {
  return {
    githubApiUrl: raw.GITHUB_API_URL,
    awsEndpoint: raw.SWITCHYARD_AWS_ENDPOINT,
    target: {
      cluster: raw.DEPLOY_CLUSTER,
      service: raw.DEPLOY_SERVICE,
      codeDeployApplication: raw.DEPLOY_CODEDEPLOY_APPLICATION,
      codeDeployGroup: raw.DEPLOY_CODEDEPLOY_GROUP,
      containerName: raw.DEPLOY_CONTAINER_NAME,
      containerPort: raw.DEPLOY_CONTAINER_PORT,
      blueUrl: raw.DEPLOY_BLUE_URL,
      greenUrl: raw.DEPLOY_GREEN_URL,
      buildWorkflow: raw.DEPLOY_BUILD_WORKFLOW,
      hookFunction: raw.DEPLOY_HOOK_FUNCTION,
      hookRoleArn: raw.DEPLOY_HOOK_ROLE_ARN,
    },
    builder: raw.DEPLOY_BUILDER,
    queueCapacity: raw.DEPLOY_QUEUE_CAPACITY,
    probeHosts: raw.DEPLOY_PROBE_HOSTS ?? [],
    approvalPolicies: approvalPolicies(raw.DEPLOY_APPROVAL_POLICIES),
    limits: {
      stageMs: raw.DEPLOY_STAGE_TIMEOUT_SECONDS * 1000,
      totalMs: raw.DEPLOY_TOTAL_TIMEOUT_SECONDS * 1000,
      switchTimeoutMs: raw.DEPLOY_SWITCH_TIMEOUT_SECONDS * 1000,
      callMs: raw.DEPLOY_CALL_TIMEOUT_SECONDS * 1000,
      heartbeatMs: raw.DEPLOY_HEARTBEAT_TIMEOUT_SECONDS * 1000,
    },
    pollMs: raw.DEPLOY_POLL_MS ?? (sandbox ? SANDBOX_POLL_MS : PRODUCTION_POLL_MS),
    health: { samples: raw.HEALTH_PROBE_SAMPLES, timeoutMs: 2000, maxErrorRate: raw.HEALTH_MAX_ERROR_RATE },
  };
}

/** `host`, `host:port`, `[v6]` or `[v6]:port` without the port. */
function hostOf(entry: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(entry);
  if (bracketed) return bracketed[1]!;
  return entry.split(':').length === 2 ? entry.split(':')[0]! : entry;
}

// A deploy request's target over the configured DEPLOY_* defaults: every field a deployment needs,
// or a 400 that names the missing ones.
import type { DeployTarget } from '../../domain/deployment.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';
import type { ProbeHostPolicy } from './probe-hosts.js';
import type { DeployRequest } from './deploy-request-schemas.js';

const TARGET_FIELDS: (keyof DeployTarget)[] = [
  'cluster',
  'service',
  'codeDeployApplication',
  'codeDeployGroup',
  'containerName',
  'containerPort',
  'blueUrl',
  'greenUrl',
  'buildWorkflow',
];

/**
 * `fromClient` checks the probe URLs a client named; a rollback's target, read back from the
 * deployment's own history, was checked when that deployment started and must not be refused
 * because configuration moved on.
 */
export function resolveTarget(
  defaults: Partial<DeployTarget>,
  request: DeployRequest,
  probeHosts: ProbeHostPolicy,
  fromClient: boolean,
): DeployTarget {
  for (const field of fromClient ? (['blueUrl', 'greenUrl'] as const) : []) {
    const url = request.target?.[field];
    if (url !== undefined && !probeHosts.allows(url)) {
      throw new ApiError(
        400,
        `target.${field} must be on an allowed probe host (${probeHosts.describe()}): the worker fetches it; set DEPLOY_PROBE_HOSTS to allow more`,
        {},
        DEPLOYMENT_ERROR,
      );
    }
  }
  // The strategy is not where to deploy but how: admission plans it (release-gate.ts).
  const { strategy: _how, ...where } = request.target ?? {};
  const merged: Partial<DeployTarget> = { ...defaults, ...where };
  merged.ecrRepository ??= `${request.owner}-${request.repo}`.toLowerCase();
  const missing = TARGET_FIELDS.filter((field) => merged[field] === undefined);
  if (missing.length > 0) {
    throw new ApiError(
      400,
      `Deploy target incomplete: give target.${missing.join(', target.')} in the request or configure their DEPLOY_* defaults`,
      {},
      DEPLOYMENT_ERROR,
    );
  }
  return merged as DeployTarget;
}

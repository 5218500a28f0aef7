// Frozen comes first, before anything else about a deploy request is judged. A rollback restores
// a known-good revision: a freeze stops change, not its undoing, so rollbacks skip this.
import type { DeployTarget } from '../../domain/deployment.js';
import { frozenMessage } from '../../domain/freeze.js';
import { canonicalServiceKey } from '../../workflows/service/service-key.js';
import { ApiError, DEPLOYMENT_ERROR } from '../errors.js';
import type { FreezeService } from '../freezes/freeze-service.js';
import type { DeployRequest } from './deploy-request-schemas.js';

/** Refuses with 423 when a freeze covers the service the request names (or the default one). */
export async function refuseIfFrozen(
  freezes: FreezeService | undefined,
  defaults: Partial<DeployTarget>,
  request: DeployRequest,
): Promise<void> {
  const named = { cluster: request.target?.cluster ?? defaults.cluster, service: request.target?.service ?? defaults.service };
  if (!named.cluster || !named.service) return;
  const namedKey = canonicalServiceKey(named.cluster, named.service);
  const freeze = await freezes?.covering(namedKey);
  if (freeze)
    throw new ApiError(423, frozenMessage(freeze, namedKey), { freezeId: freeze.id, frozenUntil: freeze.endsAt }, DEPLOYMENT_ERROR);
}

// The freeze re-checked right before CodeDeploy: a deployment admitted (or built) before a freeze
// began must not put its code behind the test listener while the freeze is in force.
import { frozenMessage } from '../../../domain/freeze.js';
import { canonicalServiceKey } from '../../service/service-key.js';
import { governanceActivities } from '../activity-proxies.js';
import { decide, type DeploymentContext } from '../context.js';
import type { Decision } from '../types.js';

/** The rollback that ends this deployment when a freeze covers its service now; undefined when none does. */
export async function frozenBeforeRelease(ctx: DeploymentContext): Promise<Decision | undefined> {
  const { target } = ctx.input;
  const serviceKey = canonicalServiceKey(target.cluster, target.service);
  const freeze = await governanceActivities().freezeCovering({ serviceKey });
  if (!freeze) return undefined;
  return decide('rollback', { by: 'switchyard', via: 'workflow', reason: `stopped before release: ${frozenMessage(freeze, serviceKey)}` });
}

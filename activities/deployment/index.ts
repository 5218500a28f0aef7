// Every deployment activity, built from the connection store and the endpoints it should use.
import type { ConnectionStore } from '../../common/connections/connection-store.js';
import { createBuildActivities, type BuildTimings } from './build.js';
import { createDeployClients, type DeployEndpoints } from './clients.js';
import { createCodeDeployActivities } from './codedeploy.js';
import { createEcrActivities } from './ecr.js';
import { createEcsActivities } from './ecs.js';
import { createReleaseActivities } from './release.js';
import { createHealthActivities, type HealthProbeSettings } from './health.js';
import { createSourceActivities } from './source.js';
import { createWatchActivities } from './watch.js';

export interface DeploymentActivityDeps {
  connections: ConnectionStore;
  endpoints: DeployEndpoints;
  pollMs: number;
  health: HealthProbeSettings;
}

export function createDeploymentActivities(deps: DeploymentActivityDeps) {
  const clients = createDeployClients(deps.connections, deps.endpoints);
  const build: BuildTimings = { pollMs: deps.pollMs, runAppearTimeoutMs: Math.max(60_000, deps.pollMs * 12) };
  return {
    ...createSourceActivities(clients),
    ...createBuildActivities(clients, build),
    ...createEcrActivities(clients),
    ...createEcsActivities(clients),
    ...createCodeDeployActivities(clients, { pollMs: deps.pollMs }),
    ...createReleaseActivities(clients, { pollMs: deps.pollMs }),
    ...createHealthActivities(deps.health),
    ...createWatchActivities(deps.health),
  };
}

// The faults, in the order they run.
import type { Scenario } from '../scenario.js';
import { workerKillDeployments } from './worker-kill-deployments.js';
import { workerKillDistributions } from './worker-kill-distributions.js';
import { temporalRestartAtGate } from './temporal-restart-at-gate.js';
import { apiRestartDuringSse } from './api-restart-during-sse.js';
import { apiDownDuringHook } from './api-down-during-hook.js';
import { injectedFaults } from './injected-faults.js';

export const SCENARIOS: Scenario[] = [
  workerKillDeployments,
  workerKillDistributions,
  temporalRestartAtGate,
  apiRestartDuringSse,
  apiDownDuringHook,
  injectedFaults,
];

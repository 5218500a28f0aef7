// The environment the stack's worker and API processes start with: the split sandbox's, against
// the suite's Temporal server, with the short timeouts the fault scenarios need.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_SERVICE, type Sandbox } from '../emulators/sandbox.js';
import { sandboxEnvironment } from '../emulators/split/environment.js';
import type { Lane } from './stack.js';
import type { TemporalServer } from './temporal-server.js';
import { writeWorkflowBundle } from '../worker/workflow-bundle.js';

let bundled: Promise<string> | undefined;
/** The workflow bundle every worker process of this run starts from (WORKFLOW_BUNDLE_PATH). */
function workflowBundle(): Promise<string> {
  bundled ??= (async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'faults-bundle-')), 'workflow-bundle.js');
    await writeWorkflowBundle(path);
    return path;
  })();
  return bundled;
}

export interface StackEnvironmentInput {
  box: Sandbox;
  main: Lane;
  temporal: TemporalServer;
  taskQueue: string;
  hookSecret: string;
  apiKey: string;
  dataDir: string;
  pollMs: number;
  /** On top of the suite's (timeouts, say). */
  env?: Record<string, string>;
}

export async function stackEnvironment(input: StackEnvironmentInput): Promise<Record<string, string>> {
  const { box, main, temporal, hookSecret, apiKey } = input;
  const urls = { github: box.githubApiUrl, aws: box.awsEndpoint, channels: box.channels.url, slack: box.slack.url };
  return {
    ...Object.fromEntries(
      sandboxEnvironment({
        sandbox: box,
        urls,
        main: { ...main, cluster: SANDBOX_SERVICE.cluster },
        extras: [],
        hookSecret,
        pollMs: input.pollMs,
      }),
    ),
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    TEMPORAL_TASK_QUEUE: input.taskQueue,
    SWITCHYARD_API_KEY: apiKey,
    SWITCHYARD_DATA_DIR: input.dataDir,
    SWITCHYARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // A killed worker's short calls are retried after 3 s, its long waits noticed after 2 s.
    DEPLOY_CALL_TIMEOUT_SECONDS: '3',
    DEPLOY_HEARTBEAT_TIMEOUT_SECONDS: '2',
    DISTRIBUTION_RETRY_BACKOFF_MS: '200',
    // distribute answers at once (202); the suite follows the status itself.
    DISTRIBUTION_SYNC_WAIT_MS: '0',
    LOG_LEVEL: 'info',
    // The suite's one key drives every client of a scenario, polling as fast as it can: the
    // per-key rates (which bound one real client) are not what it measures.
    SWITCHYARD_RATE_LIMIT_READS: '0',
    SWITCHYARD_RATE_LIMIT_WRITES: '0',
    SWITCHYARD_RATE_LIMIT_STARTS: '0',
    // Bundled once per run, as the image does: a killed worker is back without bundling again.
    WORKFLOW_BUNDLE_PATH: await workflowBundle(),
    ...input.env,
  };
}

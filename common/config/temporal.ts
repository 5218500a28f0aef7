// Where the Temporal cluster is, how the worker uses it and how long the API waits on it. The
// address, namespace and credentials may also come from a temporal.toml profile
// (common/temporal/connection.ts).
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { port } from './fields.js';
import { type TemporalCredentials, type TemporalProfile } from '../temporal/connection.js';

const updateSeconds = z.coerce.number().int().min(1).max(600);
const DEFAULT_UPDATE_TIMEOUT_SECONDS = 60;

const temporalSchema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port')
    .optional(),
  // Unset: the temporal.toml profile's, else "default" (common/temporal/connection.ts).
  TEMPORAL_NAMESPACE: z.string().min(1).optional(),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('switchyard'),
  // Workflows a worker keeps in memory between their tasks. Idle ones (a distribution in its retry
  // window, a deployment at the gate) beyond it are evicted and replayed from history when needed.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(250),
  // Every deployment held at a watched gate runs one long activity (the watch) for as long as the
  // gate is open: the SDK's default of 100 slots would let 100 held gates starve every other
  // activity (builds, publishes). Mostly asleep between probe windows, so slots are cheap.
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(100_000).default(1000),
  // The workflow code bundled ahead of time (npm run bundle:workflows; the image builds it), so a
  // worker starts, and a crashed one comes back, without bundling for seconds first.
  WORKFLOW_BUNDLE_PATH: z
    .string()
    .min(1)
    .refine((path) => existsSync(path), 'no such file: build it with npm run bundle:workflows')
    .optional(),
  // The API's bound on each update it sends (a deploy's admission, a switch, a hook, a freeze…):
  // Temporal's own update call waits as long as no worker answers. Unset: the earlier
  // DEPLOY_ADMISSION_TIMEOUT_SECONDS (POST /deploy's alone), else 60 s.
  TEMPORAL_UPDATE_TIMEOUT_SECONDS: updateSeconds.optional(),
  DEPLOY_ADMISSION_TIMEOUT_SECONDS: updateSeconds.optional(),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
});
export const temporalFields = temporalSchema.shape;
type TemporalRaw = z.infer<typeof temporalSchema>;

export interface TemporalConfig {
  /** Undefined means "start the embedded dev server" (launcher only). */
  address: string | undefined;
  /** TLS, mTLS, API key for `address` (common/temporal/connection.ts); secrets: never log them. */
  credentials: TemporalCredentials;
  namespace: string;
  taskQueue: string;
  /** WORKER_MAX_CACHED_WORKFLOWS: the worker's sticky cache, sized on purpose. */
  maxCachedWorkflows: number;
  /** WORKER_MAX_CONCURRENT_ACTIVITIES: activity slots per worker (a watched gate holds one). */
  maxConcurrentActivities: number;
  /** WORKFLOW_BUNDLE_PATH: prebuilt workflow code; the worker bundles workflows/ itself when unset. */
  workflowBundlePath: string | undefined;
  /** TEMPORAL_UPDATE_TIMEOUT_SECONDS: how long the API waits for any update's answer (api/temporal-update.ts). */
  updateTimeoutMs: number;
  devPort: number;
  uiPort: number;
}

export function temporalConfig(raw: TemporalRaw, profile: TemporalProfile): TemporalConfig {
  return {
    address: profile.address,
    credentials: profile.credentials,
    namespace: profile.namespace ?? 'default',
    taskQueue: raw.TEMPORAL_TASK_QUEUE,
    maxCachedWorkflows: raw.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentActivities: raw.WORKER_MAX_CONCURRENT_ACTIVITIES,
    workflowBundlePath: raw.WORKFLOW_BUNDLE_PATH,
    updateTimeoutMs: (raw.TEMPORAL_UPDATE_TIMEOUT_SECONDS ?? raw.DEPLOY_ADMISSION_TIMEOUT_SECONDS ?? DEFAULT_UPDATE_TIMEOUT_SECONDS) * 1000,
    devPort: raw.TEMPORAL_DEV_PORT,
    uiPort: raw.TEMPORAL_UI_PORT,
  };
}

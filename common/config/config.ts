// Configuration is parsed once, at start, from the environment. A wrong or missing value stops
// start-up with a message that names the variable, never a stack trace from deep inside.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { PARTNER_CHANNEL_TYPES, type PartnerChannelType } from '../../domain/channels.js';
import { BUILDERS, type Builder, type DeployTarget, type DeploymentLimits } from '../../domain/deployment.js';
import { booleanFlag, lambdaFunction, port } from './fields.js';
import { apiKeyList, apiKeysFile, keyEntry, keyListProblems, reservedLabelProblems, type ApiKeyEntry } from '../api-keys.js';
import { identitiesField, resolveIdentities } from '../identities.js';
import { approvalPolicies, approvalPoliciesField, type ApprovalPolicies } from './approval-policies.js';
import { ConfigError } from './config-error.js';
import { encryptionKeyField, encryptionKeyList, resolveEncryptionKeys } from '../encryption-keys.js';
import { hasCredentials, loadTemporalProfile, type TemporalCredentials } from '../temporal/connection.js';
import { FORBIDDEN_PROBE_ADDRESSES, isForbiddenProbeAddress } from '../probe-addresses.js';

export { ROLES, type Role } from './fields.js';
import { loadSlackConfig, type SlackConfig } from './slack.js';

/** How often build runs and CodeDeploy are polled when DEPLOY_POLL_MS is unset. */
const PRODUCTION_POLL_MS = 5000;
export const SANDBOX_POLL_MS = 100;

export const configSchema = z.object({
  PORT: port.default(8080),
  WORKER_HEALTH_PORT: port.optional(),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SWITCHYARD_DATA_DIR: z.string().min(1).default('.data'),
  SWITCHYARD_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  SWITCHYARD_API_KEYS: apiKeyList.optional(),
  SWITCHYARD_API_KEYS_FILE: apiKeysFile.optional(),
  SWITCHYARD_IDENTITIES: identitiesField.optional(),
  SWITCHYARD_SANDBOX: booleanFlag.optional(),
  SWITCHYARD_PUBLIC_URL: z.url().optional(),
  SWITCHYARD_ALLOWED_ORIGINS: z
    .string()
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== ''))
    .refine((origins) => origins.every((origin) => origin === '*' || isOrigin(origin)), 'must be comma-separated origins like https://console.example.com (scheme://host[:port]), or *')
    .optional(),
  // Limits per API key (api/limits/): requests a minute by route class, open SSE streams, ids one
  // WebSocket session names, and whether `?token=` may carry a key itself. 0 turns a limit off.
  SWITCHYARD_RATE_LIMIT_READS: z.coerce.number().int().min(0).max(1_000_000).default(1200),
  SWITCHYARD_RATE_LIMIT_WRITES: z.coerce.number().int().min(0).max(1_000_000).default(300),
  SWITCHYARD_RATE_LIMIT_STARTS: z.coerce.number().int().min(0).max(1_000_000).default(60),
  SWITCHYARD_SSE_STREAMS_PER_KEY: z.coerce.number().int().min(0).max(1_000_000).default(200),
  SWITCHYARD_WS_WATCHED_IDS: z.coerce.number().int().min(1).max(10_000).default(100),
  SWITCHYARD_WS_NEW_IDS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
  SWITCHYARD_KEYS_IN_URLS: booleanFlag.default(true),
  // When set, GET /metrics requires `Authorization: Bearer <key>` (unset: public, as before).
  SWITCHYARD_METRICS_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  // host:port for the worker's Temporal SDK Prometheus endpoint (worker entries only); unset: off.
  WORKER_METRICS_ADDRESS: z.string().regex(/^[^\s]+:\d+$/, 'must be host:port').optional(),
  // OpenTelemetry traces (common/telemetry/tracing.ts), exported over OTLP/HTTP only when an endpoint is set.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://collector:4318' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://collector:4318/v1/traces' }).optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).max(200).optional(),
  OTEL_SDK_DISABLED: booleanFlag.optional(),
  SWITCHYARD_ENCRYPTION_KEY: encryptionKeyField.optional(),
  // The key ring for rotation: current key first, then earlier ones still needed to open (common/encryption-keys.ts).
  SWITCHYARD_ENCRYPTION_KEYS: encryptionKeyList.optional(),
  DATABASE_URL: z
    .string()
    .refine(isPostgresUrl, 'must be a postgres:// or postgresql:// URL (postgres://user:password@host:5432/database)')
    .optional(),
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port').optional(),
  // Unset: the temporal.toml profile's, else "default" (common/temporal/connection.ts).
  TEMPORAL_NAMESPACE: z.string().min(1).optional(),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('switchyard'),
  // Workflows a worker keeps in memory between their tasks. Idle ones (a distribution in its retry
  // window, a deployment at the gate) beyond it are evicted and replayed from history when needed.
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(250),
  // The workflow code bundled ahead of time (npm run bundle:workflows; the image builds it), so a
  // worker starts, and a crashed one comes back, without bundling for seconds first.
  WORKFLOW_BUNDLE_PATH: z.string().min(1).refine((path) => existsSync(path), 'no such file: build it with npm run bundle:workflows').optional(),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  DISTRIBUTION_RETRY_WINDOW_SECONDS: z.coerce.number().int().min(0).default(7 * 24 * 3600),
  DISTRIBUTION_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).default(1000),
  DISTRIBUTION_SYNC_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  DISTRIBUTION_WEBHOOK_URL: z.url().optional(),
  DISTRIBUTION_WEBHOOK_SECRET: z.string().min(16).optional(),
  CHANNEL_CIRCUIT_FAILURE_THRESHOLD: z.coerce.number().int().min(1).default(5),
  CHANNEL_CIRCUIT_OPEN_SECONDS: z.coerce.number().int().min(1).default(30),
  CHANNEL_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
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
  DEPLOY_PROBE_HOSTS: z.string().transform((raw) => raw.split(',').map((h) => h.trim()).filter(Boolean))
    .refine((hosts) => !hosts.some((h) => isForbiddenProbeAddress(hostOf(h))), `must not name ${FORBIDDEN_PROBE_ADDRESSES}: probes never reach them`)
    .optional(),
  // The AfterAllowTestTraffic Lambda the AppSpec names (lambda/after-allow-test-traffic), as
  // Lambda's Invoke accepts it: a name, a name:alias, or an ARN. Unset: no hook, no test-traffic notice.
  DEPLOY_HOOK_FUNCTION: lambdaFunction.optional(),
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
  INSTAGRAM_GRAPH_URL: z.url().default('https://graph.facebook.com/v21.0'),
  INSTAGRAM_USER_ID: z.string().optional(),
  INSTAGRAM_ACCESS_TOKEN: z.string().optional(),
  ...partnerVariables('NAVER_BLOG'),
  ...partnerVariables('KAKAO_CHANNEL'),
  ...partnerVariables('WOORIDONGNE_TV'),
  ...partnerVariables('RINGO_BIZ'),
  ...partnerVariables('GENIE_TV'),
});

/** `host`, `host:port`, `[v6]` or `[v6]:port` without the port. */
function hostOf(entry: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(entry);
  if (bracketed) return bracketed[1]!;
  return entry.split(':').length === 2 ? entry.split(':')[0]! : entry;
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.host !== '';
  } catch {
    return false;
  }
}

function partnerVariables<C extends PartnerChannelType>(channel: C) {
  return {
    [`${channel}_API_URL`]: z.url().optional(),
    [`${channel}_API_TOKEN`]: z.string().optional(),
  } as Record<`${C}_API_URL` | `${C}_API_TOKEN`, z.ZodOptional<z.ZodString>>;
}

type RawConfig = z.infer<typeof configSchema>;

/**
 * The configured part of a deployment's target (domain/deployment.ts's DeployTarget): the fields
 * with a default are always set, the service's own may be left to the request or the sandbox.
 * ecrRepository is never configured (it defaults per repository).
 */
type TargetDefaults = Pick<DeployTarget, 'containerName' | 'containerPort' | 'buildWorkflow' | 'hookFunction'>
  & Partial<Pick<DeployTarget, 'cluster' | 'service' | 'codeDeployApplication' | 'codeDeployGroup' | 'blueUrl' | 'greenUrl'>>;

export interface Config {
  port: number;
  /** The worker's probe port (GET /livez, /readyz; worker/health-server.ts); unset: no probe server. */
  workerHealthPort: number | undefined;
  host: string;
  logLevel: RawConfig['LOG_LEVEL'];
  dataDir: string;
  /** Every configured key (digests only), each with its person when known (common/api-keys.ts). */
  apiKeys: ApiKeyEntry[];
  /** True when SWITCHYARD_API_KEY was not given: the launcher generates and stores one. */
  adminKeyFromEnv: boolean;
  sandbox: boolean;
  publicUrl: string;
  /** Browser origins allowed to open GET /ws; empty means same-origin only (Origin's host = Host). */
  allowedOrigins: string[];
  /** What one API key may do (api/limits/key-limits.ts, api/ws/limits.ts). */
  keyLimits: {
    /** Requests a minute per key and route class; 0: no limit. */
    ratePerMinute: { read: number; write: number; start: number };
    sseStreamsPerKey: number;
    wsWatchedIds: number;
    /** Ids one WebSocket session may start watching a minute. */
    wsNewIdsPerMinute: number;
    /** Whether `?token=` on SSE routes and /ws may be an API key (else only stream tokens). */
    keysInUrls: boolean;
  };
  /** The current base64 AES-256 key for secrets at rest (encryptionKeys[0]); generated into the data folder when unset. */
  encryptionKey: string | undefined;
  /** The key ring, current first (SWITCHYARD_ENCRYPTION_KEYS, or SWITCHYARD_ENCRYPTION_KEY alone); empty when unset. */
  encryptionKeys: string[];
  /** PostgreSQL for shared state (the connection store) instead of files in the data folder. */
  databaseUrl: string | undefined;
  /** Bearer key GET /metrics requires; undefined: public. */
  metricsKey: string | undefined;
  /** host:port of the worker's SDK metrics endpoint; undefined: off. */
  workerMetricsAddress: string | undefined;
  tracing: TracingConfig;
  temporal: {
    /** Undefined means "start the embedded dev server" (launcher only). */
    address: string | undefined;
    /** TLS, mTLS, API key for `address` (common/temporal/connection.ts); secrets: never log them. */
    credentials: TemporalCredentials;
    namespace: string;
    taskQueue: string;
    /** WORKER_MAX_CACHED_WORKFLOWS: the worker's sticky cache, sized on purpose. */
    maxCachedWorkflows: number;
    /** WORKFLOW_BUNDLE_PATH: prebuilt workflow code; the worker bundles workflows/ itself when unset. */
    workflowBundlePath: string | undefined;
    devPort: number;
    uiPort: number;
  };
  deploy: {
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
  };
  /** Slack ChatOps and the CodeDeploy hook (common/config/slack.ts). */
  slack: SlackConfig;
  distribution: {
    retryWindowMs: number;
    retryBackoffMs: number;
    syncWaitMs: number;
    webhook: { url: string | undefined; secret: string | undefined; timeoutMs: number };
  };
  channels: {
    circuitFailureThreshold: number;
    circuitOpenMs: number;
    requestTimeoutMs: number;
    /** Real endpoints (ignored in sandbox mode, where the emulators stand in). */
    instagram: { graphBaseUrl: string; igUserId: string | undefined; accessToken: string | undefined };
    partners: Record<PartnerChannelType, { baseUrl: string | undefined; token: string | undefined }>;
  };
}

export { ConfigError };

/** `scheme://host[:port]` with nothing after it, as browsers send in `Origin`. */
function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}

/** OpenTelemetry tracing: off unless an OTLP endpoint is set (and OTEL_SDK_DISABLED is not true). */
export interface TracingConfig {
  /** The OTLP/HTTP traces URL: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  tracesEndpoint: string | undefined;
  /** OTEL_SERVICE_NAME; undefined: switchyard-api or switchyard-worker. */
  serviceName: string | undefined;
}

function tracingConfig(raw: RawConfig): TracingConfig {
  const base = raw.OTEL_EXPORTER_OTLP_ENDPOINT;
  const endpoint = raw.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  return { tracesEndpoint: raw.OTEL_SDK_DISABLED ? undefined : endpoint, serviceName: raw.OTEL_SERVICE_NAME };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`export X=`) means "not set", as in most shells' and tools' conventions.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  let slack: SlackConfig | undefined;
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  try {
    slack = loadSlackConfig(present);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const temporal = loadTemporalProfile(present as Record<string, string>);
  problems.push(...temporal.problems);
  if (present.DATABASE_URL && !present.SWITCHYARD_ENCRYPTION_KEY && !present.SWITCHYARD_ENCRYPTION_KEYS) {
    problems.push('SWITCHYARD_ENCRYPTION_KEY: required when DATABASE_URL is set (or SWITCHYARD_ENCRYPTION_KEYS): every API and worker replica seals and opens '
      + 'the stored secrets with this key, and a key generated on each machine would leave the replicas unable to read each '
      + "other's. Generate one with `openssl rand -base64 32` and give the same value to every replica.");
  }
  if (!parsed.success || !slack || !temporal.profile || problems.length > 0) throw new ConfigError(problems);
  const profile = temporal.profile;
  if (!profile.address && hasCredentials(profile.credentials)) {
    problems.push('TEMPORAL_ADDRESS: required with TEMPORAL_API_KEY, TEMPORAL_TLS* or TEMPORAL_GRPC_META_* (the embedded dev server takes no credentials)');
  }
  const raw = parsed.data;
  const encryption = resolveEncryptionKeys(raw.SWITCHYARD_ENCRYPTION_KEYS, raw.SWITCHYARD_ENCRYPTION_KEY);
  problems.push(...encryption.problems);
  const listed = [...(raw.SWITCHYARD_API_KEYS ?? []), ...(raw.SWITCHYARD_API_KEYS_FILE ?? [])];
  problems.push(...[...reservedLabelProblems(listed), ...keyListProblems(listed)].map((p) => `SWITCHYARD_API_KEYS: ${p}`));
  const admin = raw.SWITCHYARD_API_KEY ? [keyEntry('SWITCHYARD_API_KEY', 'admin', raw.SWITCHYARD_API_KEY)] : [];
  if (admin[0] && listed.some((k) => k.sha256 === admin[0]!.sha256)) problems.push('SWITCHYARD_API_KEYS: the admin key SWITCHYARD_API_KEY is listed again');
  const { identities, problems: identityProblems } = resolveIdentities([...admin, ...listed], raw.SWITCHYARD_IDENTITIES);
  problems.push(...identityProblems);
  if (problems.length > 0) throw new ConfigError(problems);
  const apiKeys = identities.keys;
  // Only when asked for: a replica that lost a variable must not fall into the emulators.
  const sandbox = raw.SWITCHYARD_SANDBOX ?? false;
  return {
    port: raw.PORT,
    workerHealthPort: raw.WORKER_HEALTH_PORT,
    host: raw.HOST,
    logLevel: raw.LOG_LEVEL,
    dataDir: resolve(raw.SWITCHYARD_DATA_DIR),
    apiKeys,
    adminKeyFromEnv: Boolean(raw.SWITCHYARD_API_KEY),
    sandbox,
    publicUrl: raw.SWITCHYARD_PUBLIC_URL ?? `http://localhost:${raw.PORT}`,
    allowedOrigins: raw.SWITCHYARD_ALLOWED_ORIGINS ?? [],
    keyLimits: {
      ratePerMinute: { read: raw.SWITCHYARD_RATE_LIMIT_READS, write: raw.SWITCHYARD_RATE_LIMIT_WRITES, start: raw.SWITCHYARD_RATE_LIMIT_STARTS },
      sseStreamsPerKey: raw.SWITCHYARD_SSE_STREAMS_PER_KEY,
      wsWatchedIds: raw.SWITCHYARD_WS_WATCHED_IDS,
      wsNewIdsPerMinute: raw.SWITCHYARD_WS_NEW_IDS_PER_MINUTE,
      keysInUrls: raw.SWITCHYARD_KEYS_IN_URLS,
    },
    encryptionKey: encryption.keys[0],
    encryptionKeys: encryption.keys,
    databaseUrl: raw.DATABASE_URL,
    metricsKey: raw.SWITCHYARD_METRICS_KEY,
    workerMetricsAddress: raw.WORKER_METRICS_ADDRESS,
    tracing: tracingConfig(raw),
    temporal: {
      address: profile.address,
      credentials: profile.credentials,
      namespace: profile.namespace ?? 'default',
      taskQueue: raw.TEMPORAL_TASK_QUEUE,
      maxCachedWorkflows: raw.WORKER_MAX_CACHED_WORKFLOWS,
      workflowBundlePath: raw.WORKFLOW_BUNDLE_PATH,
      devPort: raw.TEMPORAL_DEV_PORT,
      uiPort: raw.TEMPORAL_UI_PORT,
    },
    // SWITCHYARD_IDENTITIES' Slack users travel with the Slack settings, to the Slack routes that decide.
    slack: { ...slack, people: identities.slackUsers },
    deploy: {
      githubApiUrl: raw.GITHUB_API_URL,
      awsEndpoint: raw.SWITCHYARD_AWS_ENDPOINT,
      target: {
        cluster: raw.DEPLOY_CLUSTER, service: raw.DEPLOY_SERVICE, codeDeployApplication: raw.DEPLOY_CODEDEPLOY_APPLICATION,
        codeDeployGroup: raw.DEPLOY_CODEDEPLOY_GROUP, containerName: raw.DEPLOY_CONTAINER_NAME, containerPort: raw.DEPLOY_CONTAINER_PORT,
        blueUrl: raw.DEPLOY_BLUE_URL, greenUrl: raw.DEPLOY_GREEN_URL, buildWorkflow: raw.DEPLOY_BUILD_WORKFLOW,
        hookFunction: raw.DEPLOY_HOOK_FUNCTION,
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
    },
    distribution: {
      retryWindowMs: raw.DISTRIBUTION_RETRY_WINDOW_SECONDS * 1000,
      retryBackoffMs: raw.DISTRIBUTION_RETRY_BACKOFF_MS,
      syncWaitMs: raw.DISTRIBUTION_SYNC_WAIT_MS,
      webhook: { url: raw.DISTRIBUTION_WEBHOOK_URL, secret: raw.DISTRIBUTION_WEBHOOK_SECRET, timeoutMs: raw.CHANNEL_REQUEST_TIMEOUT_MS },
    },
    channels: {
      circuitFailureThreshold: raw.CHANNEL_CIRCUIT_FAILURE_THRESHOLD,
      circuitOpenMs: raw.CHANNEL_CIRCUIT_OPEN_SECONDS * 1000,
      requestTimeoutMs: raw.CHANNEL_REQUEST_TIMEOUT_MS,
      instagram: { graphBaseUrl: raw.INSTAGRAM_GRAPH_URL, igUserId: raw.INSTAGRAM_USER_ID, accessToken: raw.INSTAGRAM_ACCESS_TOKEN },
      partners: Object.fromEntries(PARTNER_CHANNEL_TYPES.map((channel) => [channel, {
        baseUrl: raw[`${channel}_API_URL`], token: raw[`${channel}_API_TOKEN`],
      }])) as Config['channels']['partners'],
    },
  };
}

/** For entry points: parse, or print the problems and exit with status 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

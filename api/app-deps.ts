// What the app's routes receive: the dependencies createApp is given, plus the auth middleware it
// builds. Its own module, so route files need not import the app that imports them.
import type { Client } from '@temporalio/client';
import type { WebClient } from '@slack/web-api';
import type { Context, MiddlewareHandler } from 'hono';
import type { AwsCredentialIdentityProvider } from '../common/aws/credentials.js';
import type { Role } from '../common/config/config.js';
import type { ConnectionStore } from '../common/connections/connection-store.js';
import type { Logger } from '../common/logger.js';
import type { SlackConfig } from '../common/config/slack.js';
import type { ApiKeyRing } from './auth.js';
import type { DeploymentDefaults } from './deployments/deployment-defaults.js';
import type { DistributionSettings } from './distributions/service.js';
import type { KeyLimits } from './limits/key-limits.js';
import type { RouteClass } from './limits/token-bucket.js';
import type { WsLimits } from './ws/limits.js';

export interface AppDeps {
  client: Client;
  temporalAddress: string;
  taskQueue: string;
  keys: ApiKeyRing;
  logger: Logger;
  sandbox: boolean;
  version: string;
  distribution: Omit<DistributionSettings, 'taskQueue' | 'updateTimeoutMs'>;
  connections: ConnectionStore;
  deploy: {
    githubApiUrl: string;
    awsEndpoint: string | undefined;
    /** Who assumes role connections' roles; the SDK's default provider chain when absent (the sandbox passes its keys). */
    baseAwsCredentials?: AwsCredentialIdentityProvider | undefined;
    defaults: DeploymentDefaults;
  };
  /** WebSocket limits (tests shrink them); the WatchHamster WebSocket API's by default. */
  webSocketLimits?: Partial<WsLimits>;
  /** Origins allowed to open GET /ws (SWITCHYARD_ALLOWED_ORIGINS); absent or empty: same-origin only. */
  allowedOrigins?: readonly string[];
  /** Slack ChatOps (/slack/*) and the CodeDeploy hook endpoint; absent, neither is served. */
  slack?: { config: SlackConfig; client: WebClient | undefined; publicUrl: string };
  /** How often the shared per-workflow pollers query for new events. */
  eventPollIntervalMs: number;
  /**
   * The keys stream tokens are signed under (derived from them): the encryption key ring every
   * replica shares, current first (SWITCHYARD_ENCRYPTION_KEYS, SWITCHYARD_ENCRYPTION_KEY or the
   * data folder's); tokens name their key and verify under any of them. Absent, a random key (one process only).
   */
  streamTokenSecret?: Buffer | readonly Buffer[];
  /** SWITCHYARD_SESSION_SECRET: what console session cookies are signed under (derived); absent, the stream-token secret. */
  sessionSecret?: Buffer | readonly Buffer[];
  /** SWITCHYARD_SESSION_TTL_MINUTES: how long a console session lasts (default 30 minutes). */
  sessionTtlMs?: number;
  /**
   * Per-key limits (SWITCHYARD_RATE_LIMIT_*, SWITCHYARD_SSE_STREAMS_PER_KEY): the entry points
   * always pass the configured ones; absent (tests, the bench's in-process apps), none apply.
   */
  limits?: KeyLimits;
  /** SWITCHYARD_KEYS_IN_URLS: whether `?token=` on SSE routes and /ws may be an API key (else only stream tokens). Default true. */
  keysInUrls?: boolean;
  /** SWITCHYARD_METRICS_KEY: when set, GET /metrics requires it as a bearer token. */
  metricsKey?: string | undefined;
  /** Open a server span per request (api/tracing.ts); set when OpenTelemetry tracing is on. */
  tracing?: boolean;
  /** Route middleware for a role (and the route's class for the rate limit: by default, GET reads and the rest writes); set by createApp. */
  auth: (role: Role, routeClass?: RouteClass) => MiddlewareHandler;
  /** For SSE routes: also `?token=` (an API key, or a stream token for the route's scope). */
  streamAuth: (role: Role, scopeOf: (c: Context) => string) => MiddlewareHandler;
}

export type AppOptions = Omit<AppDeps, 'auth' | 'streamAuth'>;

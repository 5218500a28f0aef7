// Starts the HTTP API: shared by the production entry (api/main.ts) and the launcher.
import { serve, type ServerType } from '@hono/node-server';
import { Connection } from '@temporalio/client';
import type { Config } from '../common/config/config.js';
import type { Logger } from '../common/logger.js';
import { connectionOptions } from '../common/temporal/connection.js';
import { prepareClusterOrClose } from '../common/temporal/cluster.js';
import { VERSION } from '../common/version.js';
import { createApp } from './app.js';
import { ApiKeyRing } from './auth.js';
import { slackServices, type ApiServices } from './services.js';
import { keyEntry } from '../common/keys/api-keys.js';
import type { Tracing } from '../common/telemetry/tracing.js';
import { apiClient } from './temporal-client.js';

/** Shared pollers query each watched workflow this often, however many clients watch it. */
export const EVENT_POLL_INTERVAL_MS = 500;
const MAX_REQUEST_HEAD_BYTES = 64 * 1024;

export interface RunningApi {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The API owns `services` from here on: stop() closes their connection store. */
/** `tracing`: the process's OpenTelemetry (common/telemetry/tracing.ts), when on: server spans and client spans into Temporal. */
export async function startApi(
  config: Config,
  address: string,
  keys: ApiKeyRing,
  logger: Logger,
  services: ApiServices,
  tracing?: Tracing,
): Promise<RunningApi> {
  // First, so a wrong DATABASE_URL (or a database refusing the migrations) stops start-up.
  await services.connections.ready();
  const connection = await Connection.connect(connectionOptions(address, config.temporal.credentials));
  await prepareClusterOrClose(connection, config.temporal.namespace, logger);
  // The request id (and, with tracing, the trace context) travels into the workflows in headers.
  const client = apiClient(connection, config.temporal.namespace, tracing !== undefined);
  const app = createApp({
    client,
    temporalAddress: address,
    taskQueue: config.temporal.taskQueue,
    keys,
    logger,
    sandbox: config.sandbox,
    version: VERSION,
    distribution: {
      retryWindowMs: config.distribution.retryWindowMs,
      retryBackoffMs: config.distribution.retryBackoffMs,
      syncWaitMs: config.distribution.syncWaitMs,
    },
    eventPollIntervalMs: EVENT_POLL_INTERVAL_MS,
    allowedOrigins: config.allowedOrigins,
    sessionTtlMs: config.sessions.ttlMs,
    ...(config.sessions.secret ? { sessionSecret: Buffer.from(config.sessions.secret) } : {}),
    limits: { ratePerMinute: config.keyLimits.ratePerMinute, sseStreamsPerKey: config.keyLimits.sseStreamsPerKey },
    keysInUrls: config.keyLimits.keysInUrls,
    metricsKey: config.metricsKey,
    tracing: tracing !== undefined,
    webSocketLimits: { maxWatchedIds: config.keyLimits.wsWatchedIds, newIdsPerMinute: config.keyLimits.wsNewIdsPerMinute },
    ...services,
    slack: slackServices(config),
  });
  const server: ServerType = await new Promise((resolve, reject) => {
    // Request heads up to 64 KiB (Node's default is 16): an over-long query value then reaches
    // validation and gets the route's own 400, rather than a bodiless 431 from the HTTP parser.
    const s = serve(
      { fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: { maxHeaderSize: MAX_REQUEST_HEAD_BYTES } },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  app.webSocket.inject(server);
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : config.port;
  return {
    url: `http://localhost:${port}`,
    port,
    async stop() {
      app.eventHub.close();
      app.listFeed.close();
      app.webSocket.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Open event streams would hold the server for up to their 5-minute limit.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closed;
      await connection.close();
      await services.connections.close();
    },
  };
}

export function apiKeyRingFrom(config: Config, generatedAdminKey?: string): ApiKeyRing {
  const keys = [...config.apiKeys];
  if (generatedAdminKey) keys.unshift(keyEntry('generated admin key', 'admin', generatedAdminKey));
  return new ApiKeyRing(keys);
}

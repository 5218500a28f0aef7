// The app factory: every dependency comes in as an argument, so tests build the same app against
// a test Temporal server and the launcher builds it against the embedded one.
import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import { requestId } from 'hono/request-id';
import { VERSION } from '../common/version.js';
import { requireRole, requireStreamRole, type SwitchyardEnv } from './auth.js';
import { StreamTokenSigner } from './streams/stream-token.js';
import { registerStreamTokenRoutes } from './streams/stream-token-routes.js';
import { SessionSigner } from './sessions/session-signer.js';
import { registerSessionRoutes } from './sessions/routes.js';
import { ConnectionService } from './connections/connection-service.js';
import { registerConnectionRoutes } from './connections/routes.js';
import { DeploymentService } from './deployments/deployment-service.js';
import { registerDeploymentRoutes } from './deployments/routes.js';
import { createReleaseGate } from './deployments/release-gate.js';
import { createSourceGate } from './deployments/source-gate.js';
import { registerDistributionRoutes } from './distributions/routes.js';
import { FreezeService } from './freezes/freeze-service.js';
import { registerFreezeRoutes } from './freezes/routes.js';
import { registerCodeDeployHookRoutes } from './hooks/routes.js';
import { registerEcsHookRoutes } from './hooks/ecs-routes.js';
import { registerSlackRoutes } from './slack/routes.js';
import { DistributionService } from './distributions/service.js';
import { WorkflowEventHub } from './streams/event-hub.js';
import { ListFeed } from './streams/list-feed.js';
import { listReaders } from './streams/list-readers.js';
import { registerListStreamRoute } from './streams/list-stream-route.js';
import { createErrorHandler, createNotFoundHandler, errorBody } from './errors.js';
import { requestBodyLimit } from './body-limit.js';
import { registerConsoleRoutes } from './routes/console.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerDeliveryMetricsRoutes } from './routes/delivery-metrics.js';
import { ApiMetrics, registerMetricsRoute } from './routes/metrics.js';
import { registerProbeRoutes } from './routes/probes.js';
import { accessLog } from './access-log.js';
import { requestScope, traceRequests } from './tracing.js';
import { registerSystemRoutes } from './routes/system.js';
import { validationHook } from './validation.js';
import { registerWebSocketRoutes } from './ws/routes.js';
import { KeyLimiter } from './limits/key-limits.js';
import type { AppDeps, AppOptions } from './app-deps.js';

export const OPENAPI_INFO = {
  title: 'Switchyard API',
  version: VERSION,
  description:
    'Durable deployments (GitHub → ECR → ECS → CodeDeploy blue/green with a human-approved switch) and channel distribution on Temporal. ' +
    'Authenticate with `Authorization: Bearer <key>`; roles: viewer, deployer, approver, admin.',
};

export function createApp(options: AppOptions) {
  const streamTokens = new StreamTokenSigner(options.streamTokenSecret);
  const limiter = options.limits ? new KeyLimiter(options.limits) : undefined;
  const url = { keysInUrls: options.keysInUrls ?? true };
  const sessionSigner = new SessionSigner(options.sessionSecret ?? options.streamTokenSecret, options.sessionTtlMs);
  const sessions = { signer: sessionSigner, allowedOrigins: options.allowedOrigins ?? [] };
  const deps: AppDeps = {
    ...options,
    auth: (role, routeClass) => requireRole(options.keys, role, { limiter, routeClass, sessions }),
    streamAuth: (role, scopeOf) => requireStreamRole(options.keys, streamTokens, role, scopeOf, url, limiter, sessions),
  };
  const app = new OpenAPIHono<SwitchyardEnv>({ defaultHook: validationHook });
  const hub = new WorkflowEventHub({ pollIntervalMs: options.eventPollIntervalMs });

  const metrics = new ApiMetrics();
  app.use('*', requestId());
  if (options.tracing) app.use('*', traceRequests());
  app.use('*', requestScope());
  app.use('*', accessLog(deps.logger));
  app.use('*', metrics.middleware());
  app.onError(createErrorHandler(deps.logger));
  app.notFound(createNotFoundHandler(errorBody, () => app.routes));
  // Bodies are bounded before they are read (the distribution sub-app bounds its own, in its shape).
  for (const path of ['/api/v1/*', '/slack/*']) app.use(path, requestBodyLimit());
  // A change made through this API (a deployment started, a freeze set…) reaches live lists at once.
  app.use('/api/v1/*', async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.res.status < 400) lists.nudge();
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'A Switchyard API key',
  });

  registerHealthRoutes(app, deps);
  registerProbeRoutes(app, deps);
  registerStreamTokenRoutes(app, deps, streamTokens);
  registerSessionRoutes(app, deps, sessionSigner);
  registerSystemRoutes(app, deps);
  // One DeploymentService for HTTP and Slack; "one deployment per service" itself is the per-service
  // admission workflow's, so it holds across replicas too.
  // Every update the API sends waits at most TEMPORAL_UPDATE_TIMEOUT_SECONDS (api/temporal-update.ts).
  const { updateTimeoutMs } = deps.deploy.defaults;
  const freezes = new FreezeService(deps.client, deps.taskQueue, updateTimeoutMs);
  // Slack's approvers and deployers are resolved into each deployment's policy at its start.
  const slackAudience = deps.slack ? { approvers: deps.slack.config.approvers, deployers: deps.slack.config.deployers } : undefined;
  const deployments = new DeploymentService(
    deps.client,
    deps.taskQueue,
    deps.connections,
    { ...deps.deploy.defaults, ...(slackAudience ? { slack: slackAudience } : {}) },
    (id) => hub.nudge(`deployment:${id}`),
    freezes,
    createSourceGate(deps.connections, deps.deploy.githubApiUrl),
    createReleaseGate(deps.connections, { awsEndpoint: deps.deploy.awsEndpoint, baseAwsCredentials: deps.deploy.baseAwsCredentials }),
  );
  deployments.metrics = metrics.business;
  registerFreezeRoutes(app, deps, { freezes, deployments });
  registerDeliveryMetricsRoutes(app, deps);
  registerConnectionRoutes(app, deps, {
    connections: deps.connections,
    connectionService: new ConnectionService(deps.connections, {
      githubApiUrl: deps.deploy.githubApiUrl,
      awsEndpoint: deps.deploy.awsEndpoint,
      baseAwsCredentials: deps.deploy.baseAwsCredentials,
      timeoutMs: 10_000,
    }),
  });
  registerDeploymentRoutes(app, deps, { deployments, hub });
  if (deps.slack) {
    const { config, client, publicUrl } = deps.slack;
    const shared = {
      connections: deps.connections,
      config,
      awsEndpoint: deps.deploy.awsEndpoint,
      baseAwsCredentials: deps.deploy.baseAwsCredentials,
      logger: deps.logger,
    };
    registerSlackRoutes(app, { ...shared, slack: client, deployments, publicUrl });
    registerCodeDeployHookRoutes(app, { ...shared, client: deps.client, taskQueue: deps.taskQueue, updateTimeoutMs });
    registerEcsHookRoutes(app, { ...shared, client: deps.client, taskQueue: deps.taskQueue, updateTimeoutMs });
  }
  const distributions = new DistributionService(
    deps.client,
    { taskQueue: deps.taskQueue, ...deps.distribution, updateTimeoutMs },
    (eventId) => hub.nudge(`distribution:${eventId}`),
  );
  distributions.metrics = metrics.business;
  registerDistributionRoutes(app, deps, { service: distributions, hub });
  // One reader of the lists per process, shared by every live list (3 reads an interval).
  const lists = new ListFeed(listReaders(deps.client, distributions, freezes), { intervalMs: options.eventPollIntervalMs * 4 });
  registerListStreamRoute(app, deps, lists);
  // WebSocket clients share the SSE streams' pollers (hub) and the HTTP API's services and roles.
  const webSocket = registerWebSocketRoutes(app, {
    keys: deps.keys,
    streamTokens,
    keysInUrls: url.keysInUrls,
    hub,
    deployments,
    distributions,
    logger: deps.logger,
    version: deps.version,
    ...(options.webSocketLimits ? { limits: options.webSocketLimits } : {}),
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
    sessions,
  });
  // Documented here; the upgrade itself is handled by @hono/node-ws outside the OpenAPI router.
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/ws',
    tags: ['Live'],
    summary: 'The WatchHamster WebSocket API: subscribe to deployment and distribution events, ping, control',
    description:
      'Authenticate with `Authorization: Bearer <key>`, or `?token=` holding a stream token of scope `ws` (POST /api/v1/stream-tokens) or, unless SWITCHYARD_KEYS_IN_URLS=false, the key itself. Messages use the envelope `{type, data, timestamp, client_id?}`; see the README for message types, filters, errors and limits.',
    security: [{ bearerAuth: [] }],
    responses: {
      101: { description: 'Switching Protocols: the WebSocket session' },
      426: { description: 'Upgrade Required: a plain HTTP request' },
    },
  });

  registerConsoleRoutes(app);
  registerMetricsRoute(app, { version: deps.version, metrics, hub, webSocketClients: () => webSocket.clientCount(), key: deps.metricsKey });
  app.doc31('/api-docs', { openapi: '3.1.0', info: OPENAPI_INFO });
  app.get('/swagger-ui.html', swaggerUI({ url: '/api-docs' }));
  return Object.assign(app, { eventHub: hub, listFeed: lists, webSocket, keyLimiter: limiter });
}

export type SwitchyardApp = ReturnType<typeof createApp>;

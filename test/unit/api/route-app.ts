// The deploy and distribution routes served as createApp serves them (auth, validation hook,
// error handlers, body limits, the OpenAPI document), but against typed fakes of the services
// they call instead of Temporal: Hono's own way of testing routes, through app.request(). Each
// fake implements the real interface (DeploymentOperations, …) and records every call, so a test
// can show that a refused request reached no service at all.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { OPENAPI_INFO } from '../../../api/app.js';
import { ApiKeyRing, requireRole, requireStreamRole, type SwitchyardEnv } from '../../../api/auth.js';
import { requestBodyLimit } from '../../../api/body-limit.js';
import type { ConnectionOperations } from '../../../api/connections/connection-service.js';
import type { DeploymentOperations } from '../../../api/deployments/deployment-service.js';
import { registerConnectionRoutes } from '../../../api/connections/routes.js';
import { registerDeploymentRoutes } from '../../../api/deployments/routes.js';
import { registerDistributionRoutes } from '../../../api/distributions/routes.js';
import type { DistributionOperations } from '../../../api/distributions/service.js';
import { createErrorHandler, createNotFoundHandler, errorBody } from '../../../api/errors.js';
import { WorkflowEventHub } from '../../../api/streams/event-hub.js';
import type { RouteClass } from '../../../api/limits/token-bucket.js';
import { StreamTokenSigner } from '../../../api/streams/stream-token.js';
import { validationHook } from '../../../api/validation.js';
import { keyEntry } from '../../../common/keys/api-keys.js';
import type { Role } from '../../../common/config/config.js';
import { openConnectionStore } from '../../../common/connections/open-connection-store.js';
import { createLogger } from '../../../common/logger.js';

export const KEYS = {
  admin: 'unit-admin-key-0123456789',
  viewer: 'unit-viewer-key-0123456789',
  deployer: 'unit-deployer-key-0123456789',
  approver: 'unit-approver-key-0123456789',
} as const satisfies Record<Role, string>;

export const bearer = (role: Role) => ({ authorization: `Bearer ${KEYS[role]}` });

/** One call a fake received: the method and its arguments. */
export interface Call {
  method: string;
  args: unknown[];
}

/**
 * One member of a fake of `T`: records its call and answers from `answers`, or throws when the
 * test gave no answer (the route reached a service the test did not expect it to reach).
 */
function recorder<T>(name: string, calls: Call[], answers: Partial<T>) {
  return <K extends keyof T & string>(method: K): T[K] =>
    ((...args: unknown[]) => {
      calls.push({ method: `${name}.${method}`, args });
      const answer = answers[method];
      if (typeof answer !== 'function') throw new Error(`${name}.${method}: not expected in this test`);
      return (answer as (...a: unknown[]) => unknown)(...args);
    }) as T[K];
}

// Object literals typed with the routes' interfaces: a member the interface gains fails tsc here.
function fakeDeployments(calls: Call[], answers: Partial<DeploymentOperations>): DeploymentOperations {
  const member = recorder<DeploymentOperations>('deployments', calls, answers);
  return {
    resolveTarget: member('resolveTarget'),
    start: member('start'),
    policyFor: member('policyFor'),
    snapshot: member('snapshot'),
    eventFeed: member('eventFeed'),
    events: member('events'),
    switchTraffic: member('switchTraffic'),
    rollback: member('rollback'),
    currentRelease: member('currentRelease'),
    redeploy: member('redeploy'),
    watchWindows: member('watchWindows'),
    activeFreeze: member('activeFreeze'),
    unswitched: member('unswitched'),
    list: member('list'),
  };
}

function fakeDistributions(calls: Call[], answers: Partial<DistributionOperations>): DistributionOperations {
  const member = recorder<DistributionOperations>('distributions', calls, answers);
  return {
    distribute: member('distribute'),
    snapshot: member('snapshot'),
    eventFeed: member('eventFeed'),
    events: member('events'),
    heartbeatProgress: member('heartbeatProgress'),
    retry: member('retry'),
    list: member('list'),
    cancelScheduled: member('cancelScheduled'),
  };
}

function fakeConnections(calls: Call[], answers: Partial<ConnectionOperations>): ConnectionOperations {
  const member = recorder<ConnectionOperations>('connections', calls, answers);
  return { connectGitHub: member('connectGitHub'), connectAws: member('connectAws') };
}

export interface FakeAnswers {
  deployments?: Partial<DeploymentOperations>;
  distributions?: Partial<DistributionOperations>;
  connections?: Partial<ConnectionOperations>;
}

export function routeApp(answers: FakeAnswers = {}) {
  const calls: Call[] = [];
  const keys = new ApiKeyRing(Object.entries(KEYS).map(([role, key]) => keyEntry(`unit ${role}`, role as Role, key)));
  const tokens = new StreamTokenSigner();
  const deps = {
    logger: createLogger('silent'),
    auth: (role: Role, routeClass?: RouteClass) => requireRole(keys, role, { routeClass }),
    streamAuth: (role: Role, scopeOf: Parameters<typeof requireStreamRole>[3]) => requireStreamRole(keys, tokens, role, scopeOf),
  };
  const hub = new WorkflowEventHub({ pollIntervalMs: 60_000 });
  const app = new OpenAPIHono<SwitchyardEnv>({ defaultHook: validationHook });
  app.onError(createErrorHandler(deps.logger));
  app.notFound(createNotFoundHandler(errorBody, () => app.routes));
  app.use('/api/v1/*', requestBodyLimit());
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  registerConnectionRoutes(app, deps, {
    connections: openConnectionStore({ dataDir: mkdtempSync(join(tmpdir(), 'switchyard-unit-routes-')) }),
    connectionService: fakeConnections(calls, answers.connections ?? {}),
  });
  registerDeploymentRoutes(app, deps, { deployments: fakeDeployments(calls, answers.deployments ?? {}), hub });
  const distributions = fakeDistributions(calls, answers.distributions ?? {});
  registerDistributionRoutes(app, deps, { service: distributions, hub });
  app.doc31('/api-docs', { openapi: '3.1.0', info: OPENAPI_INFO });
  return { app, calls };
}

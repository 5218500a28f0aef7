// GET /ws: the WatchHamster WebSocket API over the same API keys, event hub and services as the
// HTTP API. Auth is `Authorization: Bearer <key>`, or `?token=` (browsers cannot set headers): a
// stream token of scope `ws` (POST /api/v1/stream-tokens), or the key itself unless
// SWITCHYARD_KEYS_IN_URLS=false (keys in URLs end up in proxies' logs); or the console's session
// cookie, from an allowed Origin only (upgrade-auth.ts, cookie-auth.ts);
// without a valid key the upgrade still completes so the client can read the WatchHamster API's
// AUTHENTICATION_REQUIRED error, and the connection is then closed (1008).
//
// Wiring: `const ws = registerWebSocketRoutes(app, deps);` before serving, then
// `ws.inject(server)` after `serve()`, and `ws.close()` before `server.close()` on shutdown.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { ServerType } from '@hono/node-server';
import { createNodeWebSocket, type NodeWebSocket } from '@hono/node-ws';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiKeyRing, SessionAuth, StreamTokenVerifier, SwitchyardEnv } from '../auth.js';
import { upgradeAuth, type UpgradeAuth } from './upgrade-auth.js';
import { DeploymentDiscovery } from './discovery.js';
import { WATCHHAMSTER_WS_LIMITS, type WsLimits } from './limits.js';
import { connectionStatus } from './connection-status.js';
import { startHeartbeat } from './heartbeat.js';
import { errorMessage } from './protocol.js';
import { WsSession } from './session.js';
import { upgradeGuard } from './upgrade-guard.js';
import type { WatchDeps } from './watches.js';
import { WS_OPEN, type RawServer, type RawSocket } from './ws-types.js';

export { WATCHHAMSTER_WS_LIMITS, type WsLimits } from './limits.js';

/** The event hub, services and logger every session uses, and the routes' own. */
export interface WsDeps extends WatchDeps {
  keys: ApiKeyRing;
  /** Verifies `?token=` stream tokens of scope `ws`; absent, only keys open /ws. */
  streamTokens?: StreamTokenVerifier;
  /** Whether `?token=` may be an API key itself (SWITCHYARD_KEYS_IN_URLS); default true. */
  keysInUrls?: boolean;
  version: string;
  limits?: Partial<WsLimits>;
  /** Origins allowed to open /ws (SWITCHYARD_ALLOWED_ORIGINS; `*` allows any); empty: same-origin only. */
  allowedOrigins?: readonly string[];
  /** Console sessions: the cookie opens /ws too, from an allowed Origin only (cookie-auth.ts). */
  sessions?: SessionAuth;
}

export interface WebSocketRoutes {
  register(app: OpenAPIHono<SwitchyardEnv>): void;
  inject(server: ServerType): void;
  close(): void;
  /** Open, authenticated connections. */
  clientCount(): number;
  readonly limits: WsLimits;
}

export const WS_PATH = '/ws';

/** Registers GET /ws on `app` like every other route module; the handle it returns injects and closes it. */
export function registerWebSocketRoutes(app: OpenAPIHono<SwitchyardEnv>, deps: WsDeps): WebSocketRoutes {
  const routes = createWebSocketRoutes(deps);
  routes.register(app);
  return routes;
}

export function createWebSocketRoutes(deps: WsDeps): WebSocketRoutes {
  const limits: WsLimits = { ...WATCHHAMSTER_WS_LIMITS, ...deps.limits };
  const startedAt = Date.now();
  const sessions = new Set<WsSession>();
  const perKey = new Map<string, number>();
  const discovery = new DeploymentDiscovery(deps.deployments, limits.discoveryIntervalMs, limits.discoveriesPerKey);
  const log = deps.logger;
  let node: NodeWebSocket | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;

  const rawOf = new WeakMap<WsSession, RawSocket>();
  const sessionEnds = new WeakMap<WsSession, NodeJS.Timeout>();

  function open(auth: UpgradeAuth, socket: RawSocket, remote: string | undefined): WsSession | undefined {
    const principal = auth.found;
    const reject = (code: number, reason: string, error: ReturnType<typeof errorMessage>) => {
      if (socket.readyState === WS_OPEN) {
        socket.send(JSON.stringify(error));
        socket.close(code, reason);
      }
      return undefined;
    };
    if (closed) return reject(1001, 'Server shutting down', errorMessage('INTERNAL_SERVER_ERROR', 'The server is shutting down'));
    if (principal && 'expiredAt' in principal) {
      log.info({ remote }, 'websocket connection with an expired API key');
      return reject(
        1008,
        'Authentication required',
        errorMessage('AUTHENTICATION_REQUIRED', `This API key expired at ${principal.expiredAt}: ask for a new one`),
      );
    }
    if (!principal && auth.cookie) {
      log.info({ remote }, 'websocket connection with an expired or invalid session cookie');
      return reject(
        1008,
        'Authentication required',
        errorMessage('AUTHENTICATION_REQUIRED', 'Your console session expired or is invalid: sign in again'),
      );
    }
    if (!principal) {
      log.info({ remote }, 'websocket connection without a valid API key');
      return reject(
        1008,
        'Authentication required',
        errorMessage(
          'AUTHENTICATION_REQUIRED',
          `Missing or invalid credentials: send Authorization: Bearer <key>, or from a browser ?token=<stream token of scope ws (POST /api/v1/stream-tokens)>${deps.keysInUrls === false ? '' : ' or ?token=<key>'}`,
        ),
      );
    }
    if (sessions.size >= limits.maxConnections) {
      return reject(
        1013,
        'Too many connections',
        errorMessage('RATE_LIMIT_EXCEEDED', `The server accepts at most ${limits.maxConnections} connections`, {
          limit: 'max_connections',
          max: limits.maxConnections,
        }),
      );
    }
    const mine = perKey.get(principal.label) ?? 0;
    if (mine >= limits.connectionsPerKey) {
      return reject(
        1008,
        'Too many connections for this key',
        errorMessage('RATE_LIMIT_EXCEEDED', `At most ${limits.connectionsPerKey} connections per API key`, {
          limit: 'connections_per_key',
          max: limits.connectionsPerKey,
        }),
      );
    }
    const session = new WsSession(`ws_${randomUUID().slice(0, 12)}`, principal, socket, {
      hub: deps.hub,
      deployments: deps.deployments,
      distributions: deps.distributions,
      discovery,
      logger: log,
      limits,
    });
    sessions.add(session);
    rawOf.set(session, socket);
    perKey.set(principal.label, mine + 1);
    socket.on('pong', () => {
      session.alive = true;
    });
    // A session's socket does not outlive the session: it closes when the cookie would stop working.
    if (auth.sessionEndsAt !== undefined) {
      const timer = setTimeout(() => session.close(1008, 'Session expired'), Math.max(0, auth.sessionEndsAt - Date.now()));
      timer.unref();
      sessionEnds.set(session, timer);
    }
    heartbeat ??= startHeartbeat(sessions, (s) => rawOf.get(s), limits.heartbeatMs, log);
    log.info({ client: session.connectionId, remote, key: principal.label, clients: sessions.size }, 'websocket client connected');
    session.send(connectionStatus(session, principal.role, { version: deps.version, startedAt, clientCount: sessions.size }, limits));
    return session;
  }

  function release(session: WsSession): void {
    if (!sessions.delete(session)) return;
    clearTimeout(sessionEnds.get(session));
    session.dispose();
    const left = (perKey.get(session.principal.label) ?? 1) - 1;
    if (left > 0) perKey.set(session.principal.label, left);
    else perKey.delete(session.principal.label);
    log.info({ client: session.connectionId, clients: sessions.size }, 'websocket client disconnected');
  }

  return {
    limits,
    clientCount: () => sessions.size,

    register(app) {
      if (node) throw new Error('WebSocket routes are already registered');
      node = createNodeWebSocket({ app });
      // Frames up to the hard limit are read and answered (INVALID_MESSAGE_FORMAT above
      // maxMessageBytes, connection kept); larger ones are refused by ws itself (1009).
      (node.wss as RawServer).options.maxPayload = Math.max(limits.hardMaxPayloadBytes, limits.maxMessageBytes + 1);
      const upgrade = node.upgradeWebSocket(
        (c) => {
          const auth = upgradeAuth(c, deps);
          const remote = c.req.header('x-forwarded-for') ?? undefined;
          let session: WsSession | undefined;
          return {
            onOpen: (_event, ws) => {
              session = open(auth, ws.raw as RawSocket, remote);
            },
            onMessage: (event, _ws) => {
              session?.handle(event.data);
            },
            onClose: () => {
              if (session) release(session);
            },
            onError: (event) => {
              log.warn({ err: (event as Event & { error?: unknown }).error, client: session?.connectionId }, 'websocket error');
            },
          };
        },
        { onError: (error) => log.error({ err: error }, 'websocket handler failed') },
      );
      app.get(WS_PATH, upgradeGuard(deps.allowedOrigins ?? [], log, deps.sessions), upgrade);
    },

    inject(server) {
      if (!node) throw new Error('Call register(app) before inject(server)');
      node.injectWebSocket(server as Server);
    },

    close() {
      closed = true;
      clearInterval(heartbeat);
      heartbeat = undefined;
      for (const session of [...sessions]) {
        const socket = rawOf.get(session);
        session.close(1001, 'Server shutting down');
        release(session);
        // A peer that does not answer the close handshake must not hold the HTTP server open.
        if (socket) setTimeout(() => socket.terminate(), 1000).unref();
      }
      discovery.close();
      node?.wss.close();
    },
  };
}

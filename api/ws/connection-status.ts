// Why: the `connection_status` greeting is wire format; building it apart keeps routes.ts about connections.
import type { Principal } from '../auth.js';
import type { WsLimits } from './limits.js';
import { FEATURES, message, type ServerMessage } from './protocol.js';
import type { WsSession } from './session.js';

/** The first message a client hears once authenticated: the server, its features and the session's limits. */
export function connectionStatus(
  session: WsSession,
  role: Principal['role'],
  server: { version: string; startedAt: number; clientCount: number },
  limits: WsLimits,
): ServerMessage {
  return message(
    'connection_status',
    {
      status: 'connected',
      server_version: server.version,
      server_time: new Date().toISOString(),
      client_count: server.clientCount,
      uptime_seconds: Math.floor((Date.now() - server.startedAt) / 1000),
      features: FEATURES,
      client_id: session.clientId,
      role,
      limits: {
        max_message_bytes: limits.maxMessageBytes,
        messages_per_second: Math.round((limits.messagesPerWindow * 1000) / limits.rateWindowMs),
        connections_per_key: limits.connectionsPerKey,
        idle_timeout_seconds: Math.round(limits.idleTimeoutMs / 1000),
      },
    },
    { client_id: session.clientId, broadcast_id: `connection:${session.connectionId}` },
  );
}

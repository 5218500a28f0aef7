// Why: a peer that vanished without a close frame is only noticed by pinging; this drops those.
import type { Logger } from '../../common/logger.js';
import type { WsSession } from './session.js';
import type { RawSocket } from './ws-types.js';

/**
 * Every `intervalMs`, terminates each session that did not answer the last ping (its pong sets
 * `alive`) and pings the rest. The timer is unref'd; clear it with clearInterval.
 */
export function startHeartbeat(
  sessions: Iterable<WsSession>,
  socketOf: (session: WsSession) => RawSocket | undefined,
  intervalMs: number,
  log: Logger,
): NodeJS.Timeout {
  const heartbeat = setInterval(() => {
    for (const session of sessions) {
      const socket = socketOf(session);
      if (!socket) continue;
      if (!session.alive) {
        log.info({ client: session.connectionId }, 'websocket client missed a heartbeat: dropped');
        socket.terminate();
        continue;
      }
      session.alive = false;
      try {
        socket.ping();
      } catch {
        socket.terminate();
      }
    }
  }, intervalMs);
  heartbeat.unref();
  return heartbeat;
}

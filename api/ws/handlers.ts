// What each client message type does: one handler per type, each given its message already
// checked against that type's schema (frames.ts).
import type { Logger } from '../../common/logger.js';
import { deploymentControl, distributionControl, type ControlContext } from './control.js';
import type { ClientMessage, ClientMessageOf } from './frames.js';
import { CLIENT_CAPABILITIES, type ClientMessageType, type ServerMessage } from './protocol.js';
import type { Subscriptions } from './subscriptions.js';

export interface HandlerContext extends ControlContext {
  readonly connectionId: string;
  /** The id the client goes by: its connection id until client_info names another. */
  clientId(): string;
  identify(clientId: string): void;
  /** Whether broadcasts waiting for the outbound rate may go together in `batch` frames. */
  acceptBatches(on: boolean): void;
  send(msg: ServerMessage): void;
  subscriptions: Subscriptions;
  logger: Logger;
}

type Handler<T extends ClientMessageType> = (ctx: HandlerContext, msg: ClientMessageOf<T>) => void | Promise<void>;

const HANDLERS: { [T in ClientMessageType]: Handler<T> } = {
  client_info: (ctx, { data }) => {
    if (data.client_id) ctx.identify(data.client_id);
    // Each client_info describes the client anew: batching is on only while its latest asks for it.
    const announced = new Set([...(data.capabilities ?? []), ...(data.features ?? [])]);
    const capabilities = CLIENT_CAPABILITIES.filter((c) => announced.has(c));
    ctx.acceptBatches(capabilities.includes('batch'));
    ctx.logger.info(
      { client: ctx.connectionId, clientId: ctx.clientId(), clientType: data.client_type, capabilities },
      'websocket client info',
    );
    ctx.reply('client_info_ack', { client_id: ctx.clientId(), connection_id: ctx.connectionId, role: ctx.principal.role, capabilities });
  },
  ping: (ctx, { data, timestamp }) => {
    const now = new Date();
    const clientTime = data.client_time ?? timestamp;
    const latency = clientTime === undefined ? null : Math.max(0, now.getTime() - Date.parse(clientTime));
    // Built here rather than by reply(): the pong's timestamp is the same instant as its server_time.
    ctx.send({
      type: 'pong',
      data: { client_time: clientTime ?? null, server_time: now.toISOString(), latency_ms: latency },
      timestamp: now.toISOString(),
      client_id: ctx.clientId(),
    });
  },
  subscribe: (ctx, { data }) => {
    const ack = ctx.subscriptions.subscribe(data);
    if (ack) ctx.reply('subscribed', ack);
  },
  unsubscribe: (ctx, { data }) => ctx.reply('unsubscribed', ctx.subscriptions.unsubscribe(data)),
  deployment_control: (ctx, { data }) => deploymentControl(ctx, data),
  distribution_control: (ctx, { data }) => distributionControl(ctx, data),
};

/**
 * Runs the message's handler. Async so that a handler's throw, sync or not, is a rejection for the
 * session to report; the handler itself starts at once, so replies keep the order of messages.
 */
export async function dispatch(ctx: HandlerContext, msg: ClientMessage): Promise<void> {
  // TypeScript cannot pair HANDLERS[msg.type] with msg's own type: the table's type does.
  const handler = HANDLERS[msg.type] as Handler<ClientMessageType>;
  await handler(ctx, msg as ClientMessageOf<ClientMessageType>);
}

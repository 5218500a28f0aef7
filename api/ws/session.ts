// One WebSocket client. Every message is checked (rate, then the frame: size, JSON, envelope, type,
// data schema) and handed to its type's handler; a bad one only ever earns an `error` message: the
// connection stays open. The parts: limits.ts (rates), outbox.ts (replies at once, broadcasts
// paced; broadcast-queue.ts), frames.ts, handlers.ts, subscriptions.ts (with watches.ts and
// alerts.ts), control.ts.
import type { Principal } from '../auth.js';
import { readFrame } from './frames.js';
import { dispatch, type HandlerContext } from './handlers.js';
import { InboundRate, type WsLimits } from './limits.js';
import { Outbox } from './outbox.js';
import { errorMessage, message, type ErrorSender, type ServerMessage } from './protocol.js';
import { Subscriptions, type SubscriptionDeps } from './subscriptions.js';
import { WS_OPEN, type RawSocket } from './ws-types.js';

export interface SessionDeps extends SubscriptionDeps {
  limits: WsLimits;
}

export class WsSession {
  clientId: string;
  readonly connectedAt = Date.now();
  /** Set false at each heartbeat ping, true again by the pong. */
  alive = true;
  private readonly rate: InboundRate;
  private readonly outbox: Outbox;
  private readonly subscriptions: Subscriptions;
  private readonly context: HandlerContext;
  private readonly idleTimer: NodeJS.Timeout;
  private disposed = false;
  private readonly fail: ErrorSender = (code, text, details = {}) => this.send(errorMessage(code, text, details, this.clientId));

  constructor(
    readonly connectionId: string,
    readonly principal: Principal,
    private readonly socket: RawSocket,
    private readonly deps: SessionDeps,
  ) {
    this.clientId = connectionId;
    this.rate = new InboundRate(deps.limits);
    this.outbox = new Outbox(
      deps.limits,
      socket,
      () => this.close(1008, 'Client too slow: messages are piling up'),
      () => this.clientId,
    );
    this.subscriptions = new Subscriptions(deps, (msg) => this.send(msg), this.fail, principal.label);
    this.context = {
      connectionId,
      principal,
      deployments: deps.deployments,
      distributions: deps.distributions,
      subscriptions: this.subscriptions,
      logger: deps.logger,
      clientId: () => this.clientId,
      identify: (clientId) => {
        this.clientId = clientId;
      },
      acceptBatches: (on) => {
        this.outbox.batching = on;
      },
      send: (msg) => this.send(msg),
      reply: (type, data) => this.send(message(type, data, { client_id: this.clientId })),
      fail: this.fail,
    };
    this.idleTimer = setTimeout(() => this.close(1000, 'Idle timeout'), deps.limits.idleTimeoutMs);
    this.idleTimer.unref();
  }

  /** A reply goes now; a broadcast goes when the outbound rate allows (order kept). */
  send(msg: ServerMessage): void {
    if (this.disposed) return;
    this.outbox.send(msg);
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WS_OPEN) this.socket.close(code, reason);
    this.dispose();
  }

  /** Stops every watch and timer; the socket's close handler calls it too. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.idleTimer);
    this.outbox.stop();
    this.subscriptions.close();
  }

  /** One incoming frame, whatever it holds. */
  handle(raw: unknown): void {
    if (this.disposed) return;
    this.idleTimer.refresh();
    if (!this.rate.admit(this.fail)) return;
    const frame = readFrame(raw, this.deps.limits.maxMessageBytes);
    if (!frame.ok) {
      this.fail(frame.problem.code, frame.problem.text, frame.problem.details);
      return;
    }
    const { type } = frame.message;
    dispatch(this.context, frame.message).catch((error: unknown) => {
      this.deps.logger.error({ err: error, type, client: this.connectionId }, 'websocket message failed');
      this.fail('INTERNAL_SERVER_ERROR', 'The message could not be processed', { received_type: type });
    });
  }
}

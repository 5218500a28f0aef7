// The distribution activities: prepare a channel's remote draft, publish it, and tell the
// completion webhook. Each is safe to run again: prepare reuses the draft for the same
// idempotency key (or leaves an orphan draft that is never published), publish checks the
// remote state of the recorded draft first, the webhook carries an Idempotency-Key.
import { Context, CancelledFailure } from '@temporalio/activity';
import type { ChannelType } from '../../domain/channels.js';
import type { ChannelPublishFields } from '../../domain/distribution.js';
import type { ChannelCircuitBreakers } from './circuit-breaker.js';
import { TransientChannelError } from './channels/errors.js';
import type { ChannelAdapter, PublishInput } from './channels/types.js';
import { toActivityFailure } from './failures.js';

export interface ChannelPublishRequest {
  eventId: string;
  channel: ChannelType;
  config: Record<string, unknown>;
  contentUrls: Record<string, string | undefined>;
  idempotencyKey: string;
}

export interface DistributionActivityDeps {
  adapters: Record<ChannelType, ChannelAdapter>;
  breakers: ChannelCircuitBreakers;
}

export function createDistributionActivities({ adapters, breakers }: DistributionActivityDeps) {
  async function guarded<T>(channel: ChannelType, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { cancellationSignal } = Context.current();
    try {
      breakers.assertClosed(channel);
      const result = await call(cancellationSignal);
      breakers.recordSuccess(channel);
      return result;
    } catch (error) {
      if (cancellationSignal.aborted) throw new CancelledFailure('publish cancelled');
      if (error instanceof TransientChannelError) breakers.recordFailure(channel);
      throw toActivityFailure(error);
    }
  }

  return {
    async prepareChannelPublish(request: ChannelPublishRequest): Promise<{ remoteId: string }> {
      const prepared = await guarded(request.channel, (signal) =>
        adapters[request.channel].prepare(request satisfies PublishInput, signal),
      );
      return { remoteId: prepared.remoteId };
    },

    async publishChannel(request: ChannelPublishRequest, remoteId: string): Promise<ChannelPublishFields> {
      const heartbeat = (progress: number) => Context.current().heartbeat({ progress });
      heartbeat(0);
      return guarded(request.channel, (signal) =>
        adapters[request.channel].publish(request, { channel: request.channel, remoteId }, heartbeat, signal),
      );
    },
  };
}

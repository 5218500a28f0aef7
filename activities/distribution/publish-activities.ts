// The distribution activities: prepare a channel's remote draft, publish it, or both in one
// attempt where preparing is idempotent (the partner channels). Each is safe to run again: prepare
// reuses the draft for the same idempotency key (or leaves an orphan draft that is never
// published), publish checks the remote state of the draft first. The webhook is elsewhere.
import { Context, CancelledFailure } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { preparesIdempotently, type ChannelType } from '../../domain/channels.js';
import type { ChannelPublishFields } from '../../domain/distribution.js';
import type { ChannelCircuitBreakers } from './circuit-breaker.js';
import { TransientChannelError } from './channels/errors.js';
import type { ChannelAdapter, PublishInput } from './channels/types.js';
import { toActivityFailure, withPreparedRemoteId } from './failures.js';

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

  const prepare = async (request: ChannelPublishRequest): Promise<string> =>
    (await guarded(request.channel, (signal) => adapters[request.channel].prepare(request satisfies PublishInput, signal))).remoteId;

  const publish = (request: ChannelPublishRequest, remoteId: string): Promise<ChannelPublishFields> => {
    const heartbeat = (progress: number) => Context.current().heartbeat({ progress });
    heartbeat(0);
    return guarded(request.channel, (signal) =>
      adapters[request.channel].publish(request, { channel: request.channel, remoteId }, heartbeat, signal),
    );
  };

  return {
    async prepareChannelPublish(request: ChannelPublishRequest): Promise<{ remoteId: string }> {
      return { remoteId: await prepare(request) };
    },

    async publishChannel(request: ChannelPublishRequest, remoteId: string): Promise<ChannelPublishFields> {
      return publish(request, remoteId);
    },

    /**
     * One whole attempt of a channel whose prepare is idempotent: prepare (unless the workflow
     * already knows the draft), then publish, in one activity instead of two. A retry after a lost
     * answer prepares again under the same idempotency key, gets the same draft, and publish finds
     * it published. A failure after the draft exists carries its id, so the workflow can ask for a
     * new draft when this one proves unpublishable (draftGeneration).
     */
    async publishChannelAttempt(
      request: ChannelPublishRequest,
      preparedRemoteId?: string,
    ): Promise<{ remoteId: string; result: ChannelPublishFields }> {
      if (!preparedRemoteId && !preparesIdempotently(request.channel)) {
        throw ApplicationFailure.nonRetryable(`${request.channel} cannot prepare and publish in one attempt`, 'UnexpectedChannelError');
      }
      const remoteId = preparedRemoteId ?? (await prepare(request));
      try {
        return { remoteId, result: await publish(request, remoteId) };
      } catch (error) {
        throw withPreparedRemoteId(error, remoteId);
      }
    },
  };
}

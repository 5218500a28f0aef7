// What the Distribution Service answers when an update is refused, finds its workflow gone or
// closed, or gets no answer within TEMPORAL_UPDATE_TIMEOUT_SECONDS, in its own error shape (the
// sub-app's handler turns an ApiError into {error, message, timestamp}).
import { ApiError } from '../errors.js';
import { updateRefusal } from '../temporal-reads.js';
import { UpdateUndecided } from '../temporal-update.js';

export function notFound(eventId: string): ApiError {
  return new ApiError(404, `배포 이력을 찾을 수 없습니다: ${eventId} (distribution not found)`);
}

/**
 * An update the workflow refused (validator) or could not take (closed) is the client's 400. No
 * answer within the bound is a 503 saying it may still be decided: the id of a retry or a cancel is
 * new to each request, so the client reads the state before asking again (the workflow's
 * validators then refuse a repeat of what it has done: a retried channel is no longer FAILED, a
 * cancelled one no longer waiting).
 */
export function rejected(eventId: string, error: unknown, mayStill: string): unknown {
  if (error instanceof UpdateUndecided)
    return new ApiError(
      503,
      `No answer from the distribution of ${eventId} within ${error.seconds} s (is a worker running?). ${mayStill}: ` +
        `read GET /api/distribution/${eventId}/status before asking again`,
    );
  return updateRefusal(error, {
    refused: (message) => new ApiError(400, message),
    notFound: () => notFound(eventId),
    closed: () => new ApiError(400, `Distribution of ${eventId} is closed: its retry window has ended`),
  });
}

/** A retry the workflow accepted that still runs at the bound: nothing to ask again, only to follow. */
export function stillRunning(eventId: string, error: UpdateUndecided): ApiError {
  return new ApiError(
    503,
    `The retry of ${eventId} was accepted and still runs after ${error.seconds} s: follow GET /api/distribution/${eventId}/status`,
  );
}

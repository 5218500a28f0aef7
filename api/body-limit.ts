// Request bodies larger than MAX_REQUEST_BYTES are refused with 413 in the app's own error shape
// (the error is thrown, so the app whose route it is answers), before the body is read whole.
import { bodyLimit } from 'hono/body-limit';
import { MAX_REQUEST_BYTES } from './bounded-input.js';
import { ApiError } from './errors.js';

export const requestBodyLimit = (maxSize = MAX_REQUEST_BYTES) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, `Request body too large: at most ${maxSize} bytes`);
    },
  });

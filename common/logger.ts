// One pino logger for every process. Secret-bearing fields are redacted by name, so a careless
// `log.info({ request })` cannot leak a token.
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACTED_FIELDS = [
  'token',
  'accessToken',
  'secretAccessKey',
  'sessionToken',
  'signingSecret',
  'apiKey',
  'password',
  'authorization',
  '*.token',
  '*.accessToken',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.signingSecret',
  '*.apiKey',
  '*.password',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
];

/** `destination`: stdout by default; tests pass a stream to read the lines the process would write. */
export function createLogger(level: string, name = 'switchyard', destination?: DestinationStream): Logger {
  const options = { name, level, redact: { paths: REDACTED_FIELDS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };

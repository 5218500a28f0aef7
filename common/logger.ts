// One pino logger for every process. Secret-bearing fields are redacted by name, so a careless
// `log.info({ request })` cannot leak a token.
import { pino, type Logger } from 'pino';

export const REDACTED_FIELDS = [
  'token', 'accessToken', 'secretAccessKey', 'sessionToken', 'signingSecret', 'apiKey', 'password', 'authorization',
  '*.token', '*.accessToken', '*.secretAccessKey', '*.sessionToken', '*.signingSecret', '*.apiKey', '*.password',
  '*.authorization', 'headers.authorization', 'req.headers.authorization',
];

export function createLogger(level: string, name = 'switchyard'): Logger {
  return pino({ name, level, redact: { paths: REDACTED_FIELDS, censor: '[redacted]' } });
}

export type { Logger };

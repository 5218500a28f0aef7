// Who may call the API and how much: API keys and the people behind them, browser origins, the
// limits per key, and the key GET /metrics asks for.
import { z } from 'zod';
import { booleanFlag } from './fields.js';
import { apiKeyList, apiKeysFile, keyEntry, keyListProblems, reservedLabelProblems, type ApiKeyEntry } from '../keys/api-keys.js';
import { identitiesField, resolveIdentities, type Identities } from '../keys/identities.js';

const accessSchema = z.object({
  SWITCHYARD_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  SWITCHYARD_API_KEYS: apiKeyList.optional(),
  SWITCHYARD_API_KEYS_FILE: apiKeysFile.optional(),
  SWITCHYARD_IDENTITIES: identitiesField.optional(),
  SWITCHYARD_ALLOWED_ORIGINS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ''),
    )
    .refine(
      (origins) => origins.every((origin) => origin === '*' || isOrigin(origin)),
      'must be comma-separated origins like https://console.example.com (scheme://host[:port]), or *',
    )
    .optional(),
  // Limits per API key (api/limits/): requests a minute by route class, open SSE streams, ids one
  // WebSocket session names, and whether `?token=` may carry a key itself. 0 turns a limit off.
  SWITCHYARD_RATE_LIMIT_READS: z.coerce.number().int().min(0).max(1_000_000).default(1200),
  SWITCHYARD_RATE_LIMIT_WRITES: z.coerce.number().int().min(0).max(1_000_000).default(300),
  SWITCHYARD_RATE_LIMIT_STARTS: z.coerce.number().int().min(0).max(1_000_000).default(60),
  SWITCHYARD_SSE_STREAMS_PER_KEY: z.coerce.number().int().min(0).max(1_000_000).default(200),
  SWITCHYARD_WS_WATCHED_IDS: z.coerce.number().int().min(1).max(10_000).default(100),
  SWITCHYARD_WS_NEW_IDS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(300),
  SWITCHYARD_KEYS_IN_URLS: booleanFlag.default(true),
  // Console sessions (POST /api/v1/sessions): how long one lasts, and its signing secret (default: derived from the encryption key).
  SWITCHYARD_SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SWITCHYARD_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // When set, GET /metrics requires `Authorization: Bearer <key>` (unset: public, as before).
  SWITCHYARD_METRICS_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
});
export const accessFields = accessSchema.shape;
type AccessRaw = z.infer<typeof accessSchema>;

/** What one API key may do (api/limits/key-limits.ts, api/ws/limits.ts). */
export interface KeyLimits {
  /** Requests a minute per key and route class; 0: no limit. */
  ratePerMinute: { read: number; write: number; start: number };
  sseStreamsPerKey: number;
  wsWatchedIds: number;
  /** Ids one WebSocket session may start watching a minute. */
  wsNewIdsPerMinute: number;
  /** Whether `?token=` on SSE routes and /ws may be an API key (else only stream tokens). */
  keysInUrls: boolean;
}

export interface AccessConfig {
  /** Every configured key (digests only), each with its person when known (common/keys/api-keys.ts). */
  apiKeys: ApiKeyEntry[];
  /** True when SWITCHYARD_API_KEY was not given: the launcher generates and stores one. */
  adminKeyFromEnv: boolean;
  /** Browser origins allowed to open GET /ws; empty means same-origin only (Origin's host = Host). */
  allowedOrigins: string[];
  /** Console sessions: lifetime, and the signing secret when set (else derived from the encryption key). */
  sessions: { ttlMs: number; secret?: string | undefined };
  keyLimits: KeyLimits;
  /** Bearer key GET /metrics requires; undefined: public. */
  metricsKey: string | undefined;
}

/** The admin key and the listed ones, checked together, with the people they belong to. */
export function resolveKeys(raw: AccessRaw): { identities: Identities; problems: string[] } {
  const problems: string[] = [];
  const listed = [...(raw.SWITCHYARD_API_KEYS ?? []), ...(raw.SWITCHYARD_API_KEYS_FILE ?? [])];
  problems.push(...[...reservedLabelProblems(listed), ...keyListProblems(listed)].map((p) => `SWITCHYARD_API_KEYS: ${p}`));
  const admin = raw.SWITCHYARD_API_KEY ? [keyEntry('SWITCHYARD_API_KEY', 'admin', raw.SWITCHYARD_API_KEY)] : [];
  if (admin[0] && listed.some((k) => k.sha256 === admin[0]!.sha256))
    problems.push('SWITCHYARD_API_KEYS: the admin key SWITCHYARD_API_KEY is listed again');
  const { identities, problems: identityProblems } = resolveIdentities([...admin, ...listed], raw.SWITCHYARD_IDENTITIES);
  problems.push(...identityProblems);
  return { identities, problems };
}

export function accessConfig(raw: AccessRaw, apiKeys: ApiKeyEntry[]): AccessConfig {
  return {
    apiKeys,
    adminKeyFromEnv: Boolean(raw.SWITCHYARD_API_KEY),
    allowedOrigins: raw.SWITCHYARD_ALLOWED_ORIGINS ?? [],
    sessions: { ttlMs: raw.SWITCHYARD_SESSION_TTL_MINUTES * 60_000, secret: raw.SWITCHYARD_SESSION_SECRET },
    keyLimits: {
      ratePerMinute: {
        read: raw.SWITCHYARD_RATE_LIMIT_READS,
        write: raw.SWITCHYARD_RATE_LIMIT_WRITES,
        start: raw.SWITCHYARD_RATE_LIMIT_STARTS,
      },
      sseStreamsPerKey: raw.SWITCHYARD_SSE_STREAMS_PER_KEY,
      wsWatchedIds: raw.SWITCHYARD_WS_WATCHED_IDS,
      wsNewIdsPerMinute: raw.SWITCHYARD_WS_NEW_IDS_PER_MINUTE,
      keysInUrls: raw.SWITCHYARD_KEYS_IN_URLS,
    },
    metricsKey: raw.SWITCHYARD_METRICS_KEY,
  };
}

/** `scheme://host[:port]` with nothing after it, as browsers send in `Origin`. */
function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}

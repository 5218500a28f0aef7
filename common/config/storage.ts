// Shared state and the secrets in it: PostgreSQL instead of files in the data folder, and the
// key ring that seals stored secrets.
import { z } from 'zod';
import { encryptionKeyField, encryptionKeyList, resolveEncryptionKeys } from '../secrets/encryption-keys.js';

const storageSchema = z.object({
  SWITCHYARD_ENCRYPTION_KEY: encryptionKeyField.optional(),
  // The key ring for rotation: current key first, then earlier ones still needed to open (common/secrets/encryption-keys.ts).
  SWITCHYARD_ENCRYPTION_KEYS: encryptionKeyList.optional(),
  DATABASE_URL: z
    .string()
    .refine(isPostgresUrl, 'must be a postgres:// or postgresql:// URL (postgres://user:password@host:5432/database)')
    .optional(),
});
export const storageFields = storageSchema.shape;
type StorageRaw = z.infer<typeof storageSchema>;

export interface StorageConfig {
  /** The current base64 AES-256 key for secrets at rest (encryptionKeys[0]); generated into the data folder when unset. */
  encryptionKey: string | undefined;
  /** The key ring, current first (SWITCHYARD_ENCRYPTION_KEYS, or SWITCHYARD_ENCRYPTION_KEY alone); empty when unset. */
  encryptionKeys: string[];
  /** PostgreSQL for shared state (the connection store) instead of files in the data folder. */
  databaseUrl: string | undefined;
}

/** Checked on the variables as given, before parsing: replicas sharing a database share one key. */
export function storageProblems(present: Record<string, string | undefined>): string[] {
  if (!present.DATABASE_URL || present.SWITCHYARD_ENCRYPTION_KEY || present.SWITCHYARD_ENCRYPTION_KEYS) return [];
  return [
    'SWITCHYARD_ENCRYPTION_KEY: required when DATABASE_URL is set (or SWITCHYARD_ENCRYPTION_KEYS): every API and worker replica seals and opens ' +
      'the stored secrets with this key, and a key generated on each machine would leave the replicas unable to read each ' +
      "other's. Generate one with `openssl rand -base64 32` and give the same value to every replica.",
  ];
}

export function storageConfig(raw: StorageRaw): { config: StorageConfig; problems: string[] } {
  const encryption = resolveEncryptionKeys(raw.SWITCHYARD_ENCRYPTION_KEYS, raw.SWITCHYARD_ENCRYPTION_KEY);
  return {
    config: { encryptionKey: encryption.keys[0], encryptionKeys: encryption.keys, databaseUrl: raw.DATABASE_URL },
    problems: encryption.problems,
  };
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.host !== '';
  } catch {
    return false;
  }
}

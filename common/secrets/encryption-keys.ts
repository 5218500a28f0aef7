// The encryption key ring as configured: SWITCHYARD_ENCRYPTION_KEYS=<current>,<earlier>,… (base64
// AES-256 keys, comma-separated, the first seals and all open), or SWITCHYARD_ENCRYPTION_KEY, one
// key, as before. Each key is known by a short id (a fingerprint: HMAC of a fixed label under the
// key, so it tells nothing about the key) that sealed values and stream tokens carry, so a
// rotated ring still finds the key that sealed a value.
import { createHmac } from 'node:crypto';
import { z } from 'zod';

const KEY_RULE = 'must be 32 bytes, base64-encoded (openssl rand -base64 32)';

/** 8 hex characters naming `key`; no '.', so it fits the sealed and token formats. */
export function encryptionKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('switchyard encryption key id').digest('hex').slice(0, 8);
}

/** One key in base64 (or base64url) that decodes to exactly 32 bytes. */
export function isEncryptionKey(value: string): boolean {
  return /^[A-Za-z0-9+/_-]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32;
}

export const encryptionKeyField = z.string().refine(isEncryptionKey, KEY_RULE);

/** SWITCHYARD_ENCRYPTION_KEYS: never echoes a key in its messages, only the entry's position. */
export const encryptionKeyList = z
  .string()
  .transform((raw) => raw.split(',').map((key) => key.trim()))
  .superRefine((keys, ctx) => {
    if (keys.every((key) => key === '')) ctx.addIssue({ code: 'custom', message: 'must list at least one key (the current one first)' });
    const seen = new Map<string, number>();
    keys.forEach((key, index) => {
      const entry = `entry ${index + 1} of ${keys.length}`;
      if (key === '') return ctx.addIssue({ code: 'custom', message: `${entry} is empty (a stray comma?)` });
      if (!isEncryptionKey(key)) return ctx.addIssue({ code: 'custom', message: `${entry} ${KEY_RULE}` });
      const id = encryptionKeyId(Buffer.from(key, 'base64'));
      const first = seen.get(id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', message: `${entry} is the same key as entry ${first + 1}` });
      else seen.set(id, index);
    });
  });

/**
 * The ring (current first) from both variables: SWITCHYARD_ENCRYPTION_KEYS wins; set together,
 * SWITCHYARD_ENCRYPTION_KEY must be one of its keys (else what it sealed would no longer open).
 */
export function resolveEncryptionKeys(
  keys: readonly string[] | undefined,
  single: string | undefined,
): { keys: string[]; problems: string[] } {
  if (!keys) return { keys: single ? [single] : [], problems: [] };
  const ids = keys.map((key) => encryptionKeyId(Buffer.from(key, 'base64')));
  if (single && !ids.includes(encryptionKeyId(Buffer.from(single, 'base64')))) {
    return {
      keys: [...keys],
      problems: [
        'SWITCHYARD_ENCRYPTION_KEY: is not one of SWITCHYARD_ENCRYPTION_KEYS: list it there (after the current key, ' +
          'while values sealed under it remain), or unset SWITCHYARD_ENCRYPTION_KEY',
      ],
    };
  }
  return { keys: [...keys], problems: [] };
}

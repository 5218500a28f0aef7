// AES-256-GCM for secrets at rest, under a key ring: the current key seals, every listed key
// opens (SWITCHYARD_ENCRYPTION_KEYS, first = current; or SWITCHYARD_ENCRYPTION_KEY; or one
// generated once into the data folder, mode 0600). A sealed value names the key that sealed it
// (`v2.<key id>.<base64 iv|tag|ciphertext>`), so a rotated key ring still opens older values.
// Each value is bound to what gives it its meaning as additional authenticated data (the caller
// says what: see common/connections/connection-binding.ts), so a ciphertext moved onto another record, or a
// record whose bound fields were edited, does not open. Values of before (plain base64, no key
// id) still open with the key that sealed them, tried in turn: the migration path, until
// `npm run keys:rotate` re-seals them.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptionKeyId } from './encryption-keys.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v2';

/** Why a sealed value did not open, in words an operator can act on (never the value or a key). */
export class SealedValueError extends Error {
  constructor(
    message: string,
    readonly reason: 'unknown-key' | 'mismatch' | 'malformed',
  ) {
    super(message);
    this.name = 'SealedValueError';
  }
}

export class SecretBox {
  private readonly keys: { id: string; key: Buffer }[];

  /** `keys`: one key, or the ring with the current key first. */
  constructor(keys: Buffer | readonly Buffer[]) {
    const ring = Buffer.isBuffer(keys) ? [keys] : [...keys];
    if (ring.length === 0) throw new Error('The encryption key ring is empty');
    for (const key of ring) if (key.length !== 32) throw new Error('The encryption key must be 32 bytes (AES-256)');
    this.keys = ring.map((key) => ({ id: encryptionKeyId(key), key }));
    if (new Set(this.keys.map((k) => k.id)).size !== this.keys.length) throw new Error('The encryption key ring lists a key twice');
  }

  /** The id sealed values name for the current key. */
  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  seal(plaintext: string, boundTo: string): string {
    const { id, key } = this.keys[0]!;
    return `${VERSION}.${id}.${encrypt(key, plaintext, boundTo)}`;
  }

  /** True when `sealed` is in the current format under the current key: nothing for rotation to do. */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`${VERSION}.${this.currentKeyId}.`);
  }

  /**
   * Opens `sealed` bound to `boundTo`. A value of before (no key id) was bound to `legacyBoundTo`
   * (default `boundTo`) and is tried under every key of the ring.
   */
  open(sealed: string, boundTo: string, legacyBoundTo: string = boundTo): string {
    if (!sealed.includes('.')) return this.openLegacy(sealed, legacyBoundTo); // base64 has no '.'
    const [version, id, body, ...rest] = sealed.split('.');
    if (version !== VERSION || !id || !body || rest.length > 0)
      throw new SealedValueError('not a sealed value of a known format', 'malformed');
    const entry = this.keys.find((k) => k.id === id);
    if (!entry) {
      throw new SealedValueError(
        `sealed under encryption key ${id}, which is not in the key ring ` +
          `(${this.keys.map((k) => k.id).join(', ')}): list that key in SWITCHYARD_ENCRYPTION_KEYS`,
        'unknown-key',
      );
    }
    const opened = decrypt(entry.key, body, boundTo);
    if (opened === undefined) {
      throw new SealedValueError(
        `does not open under encryption key ${id}: the fields it is bound to were changed ` +
          'since it was sealed, or the sealed value was altered',
        'mismatch',
      );
    }
    return opened;
  }

  private openLegacy(sealed: string, boundTo: string): string {
    for (const { key } of this.keys) {
      const opened = decrypt(key, sealed, boundTo);
      if (opened !== undefined) return opened;
    }
    throw new SealedValueError(
      'sealed in the format of before (no key id) and opens under no key of the ring: the key that ' +
        'sealed it is not listed in SWITCHYARD_ENCRYPTION_KEYS, or the value or the fields it is bound to were changed',
      'mismatch',
    );
  }
}

function encrypt(key: Buffer, plaintext: string, boundTo: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(boundTo));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
}

/** The plaintext, or undefined when the key, the binding or the bytes are wrong. */
function decrypt(key: Buffer, body: string, boundTo: string): string | undefined {
  const raw = Buffer.from(body, 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(boundTo));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

export const ENCRYPTION_KEY_FILE = 'encryption.key';

/** The configured key ring (base64 keys, current first), or the data folder's generated key alone. */
export function loadEncryptionKeys(dataDir: string, configured: readonly string[] | undefined): Buffer[] {
  if (configured && configured.length > 0) return configured.map((key) => Buffer.from(key, 'base64'));
  return [loadOrCreateEncryptionKey(dataDir, undefined)];
}

/** The configured key, or the one generated into the data folder on first use. */
export function loadOrCreateEncryptionKey(dataDir: string, configured: string | undefined): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const path = join(dataDir, ENCRYPTION_KEY_FILE);
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  // Written whole to a temporary file, then linked into place (fails if the name exists): another
  // process starting at the same moment sees either no key file or a complete one, never an empty one.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${key.toString('base64')}\n`, { mode: 0o600 });
  try {
    linkSync(temporary, path);
    return key;
  } catch (error) {
    // Another process (API, worker, a replica) created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  } finally {
    rmSync(temporary, { force: true });
  }
}

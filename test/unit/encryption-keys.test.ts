// The encryption key ring as pure rules: SWITCHYARD_ENCRYPTION_KEYS parsed once in loadConfig with
// errors that name the entry (never the key), SWITCHYARD_ENCRYPTION_KEY still a ring of one, and
// SecretBox sealing under the current key, opening under any listed one, and still opening the
// format of before (no key id) with the key that sealed it.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../common/config/config.js';
import { encryptionKeyId } from '../../common/secrets/encryption-keys.js';
import { SealedValueError, SecretBox } from '../../common/secrets/secret-box.js';
import { legacySeal } from '../support/legacy-seal.js';

const A = Buffer.alloc(32, 1);
const B = Buffer.alloc(32, 2);
const C = Buffer.alloc(32, 3);
const b64 = (key: Buffer) => key.toString('base64');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('SWITCHYARD_ENCRYPTION_KEYS', () => {
  it('takes the current key first, then earlier ones; SWITCHYARD_ENCRYPTION_KEY alone is a ring of one', () => {
    expect(loadConfig({ SWITCHYARD_ENCRYPTION_KEYS: ` ${b64(B)} , ${b64(A)}` })).toMatchObject({
      encryptionKey: b64(B),
      encryptionKeys: [b64(B), b64(A)],
    });
    expect(loadConfig({ SWITCHYARD_ENCRYPTION_KEY: b64(A) })).toMatchObject({ encryptionKey: b64(A), encryptionKeys: [b64(A)] });
    expect(loadConfig({})).toMatchObject({ encryptionKey: undefined, encryptionKeys: [] });
    // Both: the list wins, and may (should) still hold the single key.
    expect(loadConfig({ SWITCHYARD_ENCRYPTION_KEYS: `${b64(B)},${b64(A)}`, SWITCHYARD_ENCRYPTION_KEY: b64(A) }).encryptionKeys).toEqual([
      b64(B),
      b64(A),
    ]);
    // A PostgreSQL store is satisfied by the list too.
    expect(loadConfig({ DATABASE_URL: 'postgres://db/switchyard', SWITCHYARD_ENCRYPTION_KEYS: b64(A) }).encryptionKeys).toEqual([b64(A)]);
  });

  it('names the bad entry, never the key', () => {
    const secretLooking = Buffer.alloc(16, 9).toString('base64');
    const problems = problemsOf({ SWITCHYARD_ENCRYPTION_KEYS: `${b64(A)},${secretLooking},,${b64(A)}` });
    expect(problems).toEqual([
      'SWITCHYARD_ENCRYPTION_KEYS: entry 2 of 4 must be 32 bytes, base64-encoded (openssl rand -base64 32)',
      'SWITCHYARD_ENCRYPTION_KEYS: entry 3 of 4 is empty (a stray comma?)',
      'SWITCHYARD_ENCRYPTION_KEYS: entry 4 of 4 is the same key as entry 1',
    ]);
    expect(problems.join()).not.toContain(secretLooking);
    expect(problems.join()).not.toContain(b64(A));
    expect(problemsOf({ SWITCHYARD_ENCRYPTION_KEYS: ' , ' })[0]).toBe(
      'SWITCHYARD_ENCRYPTION_KEYS: must list at least one key (the current one first)',
    );
    expect(problemsOf({ SWITCHYARD_ENCRYPTION_KEYS: 'not*base64*at*all*but*exactly*44*characters*' })[0]).toMatch(
      /entry 1 of 1 must be 32 bytes/,
    );
  });

  it('refuses SWITCHYARD_ENCRYPTION_KEY missing from SWITCHYARD_ENCRYPTION_KEYS: what it sealed would no longer open', () => {
    expect(problemsOf({ SWITCHYARD_ENCRYPTION_KEYS: b64(B), SWITCHYARD_ENCRYPTION_KEY: b64(A) })).toEqual([
      expect.stringMatching(/^SWITCHYARD_ENCRYPTION_KEY: is not one of SWITCHYARD_ENCRYPTION_KEYS/),
    ]);
  });
});

describe('SecretBox key ring', () => {
  it('seals under the current key, naming it, and opens under any listed key', () => {
    const sealed = new SecretBox(A).seal('s3cret', 'bound');
    expect(sealed).toMatch(new RegExp(`^v2\\.${encryptionKeyId(A)}\\.[A-Za-z0-9+/=]+$`));
    expect(sealed).not.toContain('s3cret');
    const ring = new SecretBox([B, A]);
    expect(ring.open(sealed, 'bound')).toBe('s3cret');
    expect(ring.isCurrent(sealed)).toBe(false);
    expect(ring.isCurrent(ring.seal('x', 'bound'))).toBe(true);
    expect(ring.currentKeyId).toBe(encryptionKeyId(B));
  });

  it('refuses, with a reason, a dropped key, another binding, an altered value and an unknown format', () => {
    const sealed = new SecretBox(A).seal('s3cret', 'bound');
    const reason = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(SealedValueError);
        return (error as SealedValueError).reason;
      }
      throw new Error('opened');
    };
    expect(reason(() => new SecretBox([B, C]).open(sealed, 'bound'))).toBe('unknown-key');
    expect(reason(() => new SecretBox(A).open(sealed, 'other'))).toBe('mismatch');
    const body = Buffer.from(sealed.split('.')[2]!, 'base64');
    body[body.length - 1]! ^= 1;
    expect(reason(() => new SecretBox(A).open(`v2.${encryptionKeyId(A)}.${body.toString('base64')}`, 'bound'))).toBe('mismatch');
    expect(reason(() => new SecretBox(A).open(`v3.${encryptionKeyId(A)}.AAAA`, 'bound'))).toBe('malformed');
  });

  it('opens the format of before (no key id) with whichever listed key sealed it, under its own binding', () => {
    const old = legacySeal(A, 'legacy', 'gh_1');
    expect(new SecretBox([B, C, A]).open(old, 'new binding', 'gh_1')).toBe('legacy');
    expect(() => new SecretBox([B, C]).open(old, 'new binding', 'gh_1')).toThrow(/format of before \(no key id\) and opens under no key/);
    expect(() => new SecretBox(A).open(old, 'new binding', 'gh_2')).toThrow(SealedValueError);
  });

  it('refuses a ring with a key twice or a key of the wrong size', () => {
    expect(() => new SecretBox([A, A])).toThrow(/twice/);
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => new SecretBox([])).toThrow(/empty/);
  });
});

// Stream tokens under a rotated key ring, as pure rules: a token names its key, verifies under
// that key while the ring lists it, and not after; a token of before (st1, no key id) verifies
// under any key of the ring; swapping the named key id breaks the signature.
import { describe, expect, it } from 'vitest';
import { StreamTokenSigner } from '../../api/streams/stream-token.js';
import { encryptionKeyId } from '../../common/secrets/encryption-keys.js';
import { legacyStreamToken } from '../support/legacy-seal.js';

const OLD = Buffer.alloc(32, 1);
const NEW = Buffer.alloc(32, 2);
const SCOPE = 'deployment:dep_1';
const viewer = { role: 'viewer' as const, label: 'alice' };

describe('stream tokens under a key ring', () => {
  it('sign with the current key and name it; verify with any listed key, not with a dropped one', () => {
    const oldToken = new StreamTokenSigner(OLD).issue(SCOPE, viewer).token;
    expect(oldToken.split('.')[1]).toBe(encryptionKeyId(OLD));
    const rotated = new StreamTokenSigner([NEW, OLD]);
    expect(rotated.verify(oldToken, SCOPE)).toEqual({ role: 'viewer', label: 'alice', via: 'stream token' });
    expect(rotated.issue(SCOPE, viewer).token.split('.')[1]).toBe(encryptionKeyId(NEW));
    expect(new StreamTokenSigner([NEW]).verify(oldToken, SCOPE)).toBeUndefined();
  });

  it('refuses a token whose key id was swapped for another listed key', () => {
    const [prefix, , payload, signature] = new StreamTokenSigner(OLD).issue(SCOPE, viewer).token.split('.');
    expect(new StreamTokenSigner([NEW, OLD]).verify([prefix, encryptionKeyId(NEW), payload, signature].join('.'), SCOPE)).toBeUndefined();
  });

  it('still verifies tokens of before (st1) under any listed key, until that key is dropped', () => {
    const token = legacyStreamToken(OLD, { s: SCOPE, r: 'approver', l: 'bob', e: Date.now() + 60_000 });
    expect(new StreamTokenSigner([NEW, OLD]).verify(token, SCOPE)).toEqual({ role: 'approver', label: 'bob', via: 'stream token' });
    expect(new StreamTokenSigner([NEW]).verify(token, SCOPE)).toBeUndefined();
    expect(new StreamTokenSigner([NEW, OLD]).verify(token, 'deployment:other')).toBeUndefined();
    const expired = legacyStreamToken(OLD, { s: SCOPE, r: 'viewer', l: 'bob', e: Date.now() - 1 });
    expect(new StreamTokenSigner(OLD).verify(expired, SCOPE)).toBeUndefined();
  });
});

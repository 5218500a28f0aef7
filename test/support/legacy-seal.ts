// Sealed values and stream tokens exactly as Switchyard wrote them before key ids: AES-256-GCM
// `base64(iv | tag | ciphertext)` bound to the connection id alone, and `st1.<payload>.<sig>`.
// For the migration tests: what is already in users' stores must keep opening.
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';

export function legacySeal(key: Buffer, plaintext: string, connectionId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(connectionId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
}

export function legacyStreamToken(secret: Buffer, payload: { s: string; r: string; l: string; e: number }): string {
  const key = createHmac('sha256', secret).update('switchyard stream token v1').digest();
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `st1.${body}.${createHmac('sha256', key).update(`st1.${body}`).digest('base64url')}`;
}

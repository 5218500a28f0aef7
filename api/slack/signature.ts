// Slack request signing: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the app's
// signing secret. Checked on the raw bytes, compared in constant time, and only within five
// minutes of now in either direction (Bolt checks only the past side).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SLACK_SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export function signSlackRequest(signingSecret: string, timestamp: string | number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifySlackSignature(input: {
  signingSecret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  nowMs?: number;
  toleranceSeconds?: number;
}): SignatureCheck {
  const { signingSecret, timestamp, signature, rawBody } = input;
  if (!timestamp || !signature) return { ok: false, reason: 'Missing X-Slack-Request-Timestamp or X-Slack-Signature header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'Invalid X-Slack-Request-Timestamp' };
  const skew = Math.abs(Math.floor((input.nowMs ?? Date.now()) / 1000) - Number(timestamp));
  if (skew > (input.toleranceSeconds ?? SLACK_SIGNATURE_TOLERANCE_SECONDS)) {
    return { ok: false, reason: 'X-Slack-Request-Timestamp is more than 5 minutes away from now' };
  }
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'Invalid X-Slack-Signature' };
  const expected = Buffer.from(signSlackRequest(signingSecret, timestamp, rawBody), 'utf8');
  const presented = Buffer.from(signature, 'utf8');
  // Same length by the pattern above; timingSafeEqual would throw otherwise.
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented))
    return { ok: false, reason: 'Invalid X-Slack-Signature' };
  return { ok: true };
}

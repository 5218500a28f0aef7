// Identifiers in the Panda deploy API's style: a prefix and 10 lower-case letters and digits
// (`dep_k1l2m3n4o5`).
import { createHash, randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function pandaStyleId(prefix: 'dep_' | 'gh_' | 'aws_'): string {
  let suffix = '';
  for (let i = 0; i < 10; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix}${suffix}`;
}

/**
 * A deployment id derived from a request's own identity (a Slack trigger id, say): every replica
 * that sees the same request computes the same id, and Temporal starts a workflow id once.
 */
export function derivedDeploymentId(requestKey: string): string {
  const digest = createHash('sha256').update(`switchyard-deployment:${requestKey}`).digest();
  let suffix = '';
  for (let i = 0; i < 10; i++) suffix += ALPHABET[digest[i]! % ALPHABET.length];
  return `dep_${suffix}`;
}

export const DEPLOYMENT_ID_PATTERN = /^dep_[a-z0-9]{10}$/;
